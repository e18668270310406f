import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FastifyReceiver } from '../../src/slack/receiver.js';

/** A promise and the functions that settle it, so the test decides when a listener run ends. */
function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('the Slack receiver on shutdown', () => {
  it('stop waits for listener runs still writing after Slack had its answer, failed ones included', async () => {
    const receiver = new FastifyReceiver();
    const writing = deferred();
    const failing = deferred();
    void receiver.track(writing.promise);
    receiver.track(failing.promise).catch(() => undefined);

    let stopped = false;
    const stopping = receiver.stop().then(() => {
      stopped = true;
    });
    failing.reject(new Error('database gone'));
    await failing.promise.catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(stopped, false, 'one run is still writing');

    writing.resolve();
    await stopping;
    assert.equal(stopped, true);
  });

  it('stop also waits for a run that starts while it waits', async () => {
    const receiver = new FastifyReceiver();
    const first = deferred();
    const second = deferred();
    void receiver.track(first.promise);
    let stopped = false;
    const stopping = receiver.stop().then(() => {
      stopped = true;
    });
    void receiver.track(second.promise);
    first.resolve();
    await first.promise;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(stopped, false, 'the later run is still going');
    second.resolve();
    await stopping;
    assert.equal(stopped, true);
  });

  it('stop returns at once with nothing in flight', async () => {
    await new FastifyReceiver().stop();
  });
});
