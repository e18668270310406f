import assert from 'node:assert/strict';
import { DomainError } from '../../src/domain/errors.js';

/** Runs `fn`, expecting a DomainError; returns it so the test can check code, details and message. */
export function catchDomainError(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  assert.fail('expected a DomainError, but nothing was thrown');
}
