/**
 * `isDatabaseUnavailable` tells a passing outage (retry: Slack events get a 503, job outcomes are
 * written again) from a request that is wrong. Shapes as pg, Node and Bolt produce them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDatabaseUnavailable } from '../../src/db/database-unavailable.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it('is true for a refused or dropped connection and for PostgreSQL shutting down or starting up', () => {
    for (const error of [
      withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      withCode('read ECONNRESET', 'ECONNRESET'),
      withCode('terminating connection due to administrator command', '57P01'),
      withCode('the database system is shutting down', '57P03'),
      withCode('connection failure', '08006'),
      withCode('sorry, too many clients already', '53300'),
      new Error('Connection terminated unexpectedly'),
      new Error('Client has encountered a connection error and is not queryable'),
      withCode('database is locked', 'SQLITE_BUSY'),
    ]) {
      assert.equal(isDatabaseUnavailable(error), true, error.message);
    }
  });

  it('looks through AggregateError (happy eyeballs), cause and Bolt’s `original` wrapper', () => {
    assert.equal(isDatabaseUnavailable(new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], 'connect failed')), true);
    assert.equal(isDatabaseUnavailable(new Error('query failed', { cause: withCode('x', '57P01') })), true);
    assert.equal(isDatabaseUnavailable(Object.assign(new Error('unknown'), { code: 'slack_bolt_unknown_error', original: withCode('x', 'ECONNREFUSED') })), true);
  });

  it('is false for a wrong request, a constraint, a bug or no error at all', () => {
    for (const error of [
      withCode('duplicate key value violates unique constraint', '23505'),
      withCode('syntax error at or near', '42601'),
      withCode('UNIQUE constraint failed', 'SQLITE_CONSTRAINT_UNIQUE'),
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      undefined,
      'ECONNREFUSED',
    ]) {
      assert.equal(isDatabaseUnavailable(error), false, String(error));
    }
  });
});
