import assert from 'node:assert/strict';
import { LatchkeyError } from '../src/index.js';

/** Asserts that `promise` rejects with a LatchkeyError of this status code and type; returns it. */
export async function rejectsWith(promise: Promise<unknown>, statusCode: number, type: string): Promise<LatchkeyError> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof LatchkeyError, `expected a LatchkeyError, got ${String(caught)}`);
  assert.equal(caught.statusCode, statusCode, caught.message);
  assert.equal(caught.type, type, caught.message);
  assert.equal(typeof caught.message, 'string');
  assert.ok(caught.message.length > 0);
  return caught;
}
