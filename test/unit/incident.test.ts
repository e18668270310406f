import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UserId } from '../../src/domain/ids.js';
import { incidentWarnings } from '../../src/domain/incident.js';
import { assignRole, chain } from '../../src/domain/incident-transitions.js';
import { buildContext, buildIncident, buildUser } from './factories.js';

const bob = buildUser({ id: 'user-bob' as UserId, name: 'Bob' });
const carol = buildUser({ id: 'user-carol' as UserId, name: 'Carol' });

describe('incidentWarnings', () => {
  it('warns when the same person is lead and scribe', () => {
    const ctx = buildContext();
    const { state } = chain(buildIncident({}, ctx), [
      (s) => assignRole(s, 'lead', bob, ctx),
      (s) => assignRole(s, 'scribe', bob, ctx),
    ]);
    const warnings = incidentWarnings(state);
    assert.deepEqual(warnings.map((w) => w.code), ['lead_is_scribe']);
    assert.match(warnings[0]?.message ?? '', /^Bob is both incident lead and scribe/);
  });

  it('does not warn when lead and scribe are different people', () => {
    const ctx = buildContext();
    const { state } = chain(buildIncident({}, ctx), [
      (s) => assignRole(s, 'lead', bob, ctx),
      (s) => assignRole(s, 'scribe', carol, ctx),
    ]);
    assert.deepEqual(incidentWarnings(state), []);
  });

  it('does not warn with only a lead, or with no roles at all', () => {
    const ctx = buildContext();
    const incident = buildIncident({}, ctx);
    assert.deepEqual(incidentWarnings(incident), []);
    assert.deepEqual(incidentWarnings(assignRole(incident, 'lead', bob, ctx).state), []);
  });

  it('stops warning once the scribe is handed to someone else', () => {
    const ctx = buildContext();
    const { state } = chain(buildIncident({}, ctx), [
      (s) => assignRole(s, 'lead', bob, ctx),
      (s) => assignRole(s, 'scribe', bob, ctx),
      (s) => assignRole(s, 'scribe', carol, ctx),
    ]);
    assert.deepEqual(incidentWarnings(state), []);
  });
});
