import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultSeverityScale, parseSeverity, severityLabel, type SeverityScale } from '../../src/domain/severity.js';
import { catchDomainError } from './assertions.js';

describe('parseSeverity', () => {
  it('resolves a key or a label in any case, ignoring surrounding space', () => {
    assert.equal(parseSeverity(defaultSeverityScale, 'critical'), 'critical');
    assert.equal(parseSeverity(defaultSeverityScale, 'Major'), 'major');
    assert.equal(parseSeverity(defaultSeverityScale, '  TRIVIAL '), 'trivial');
  });

  it('resolves a label that differs from its key', () => {
    const scale: SeverityScale = [
      { key: 'sev1', label: 'Customer facing' },
      { key: 'sev2', label: 'Internal' },
    ];
    assert.equal(parseSeverity(scale, 'customer FACING'), 'sev1');
    assert.equal(parseSeverity(scale, 'SEV2'), 'sev2');
  });

  it('rejects an unknown severity with the allowed keys in details and message', () => {
    const error = catchDomainError(() => parseSeverity(defaultSeverityScale, 'sev1'));
    assert.equal(error.code, 'incident.severity_invalid');
    assert.equal(error.details.field, 'severity');
    assert.deepEqual(error.details.allowed, ['critical', 'major', 'trivial']);
    assert.equal(error.message, 'Unknown severity "sev1". Allowed values: critical, major, trivial.');
  });

  it('rejects a blank severity', () => {
    assert.equal(catchDomainError(() => parseSeverity(defaultSeverityScale, '  ')).code, 'incident.severity_invalid');
  });
});

describe('severityLabel', () => {
  it('gives the label of a key', () => {
    assert.equal(severityLabel(defaultSeverityScale, 'major'), 'Major');
  });

  it('falls back to the key when the scale no longer has it', () => {
    assert.equal(severityLabel(defaultSeverityScale, 'sev0'), 'sev0');
  });
});
