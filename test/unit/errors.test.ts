import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError, errorCategories } from '../../src/domain/errors.js';

describe('DomainError', () => {
  it('carries its code, details and the category of its code', () => {
    const error = new DomainError('incident.already_closed', 'INC-1 is already closed.', { field: 'status' });
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'DomainError');
    assert.equal(error.message, 'INC-1 is already closed.');
    assert.equal(error.category, 'conflict');
    assert.deepEqual(error.details, { field: 'status' });
  });

  it('defaults to empty details', () => {
    assert.deepEqual(new DomainError('incident.not_found', 'No such incident.').details, {});
  });

  it('maps every code to a known category', () => {
    const categories = new Set(Object.values(errorCategories));
    assert.deepEqual([...categories].sort(), ['conflict', 'invalid', 'not_found']);
  });
});
