/**
 * The fake Slack's load-test faults behave as Slack does: `enforceSlackRateLimits` (one message a
 * second per channel after a burst of five; a method's tier per minute), `throttleEvery` (a 429
 * with Retry-After on every n-th call) and `jitter` (extra delay). On a manual clock, so the
 * limits are exact; no database. Under a second.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';

async function call(fake: FakeSlack, method: string, params: Record<string, string>): Promise<{ status: number; retryAfter: string | null; ok: boolean }> {
  const response = await fetch(`${fake.apiUrl}${method}`, {
    method: 'POST',
    headers: { authorization: 'Bearer xoxb-test', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  const body = (await response.json()) as { ok: boolean };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), ok: body.ok };
}

describe('fake Slack: rate limits and throttling for the fault and load suites', () => {
  it('chat.postMessage: a burst of five per channel, then one a second, each channel on its own', async () => {
    let now = 1_700_000_000_000;
    const fake = await startFakeSlack({ clock: () => now });
    try {
      const a = fake.addChannel({ name: 'inc-a' });
      const b = fake.addChannel({ name: 'inc-b' });
      fake.enforceSlackRateLimits();
      const post = (channel: string) => call(fake, 'chat.postMessage', { channel, text: 'hello' });
      for (let i = 0; i < 5; i++) assert.equal((await post(a.id)).status, 200, `burst message ${i + 1}`);
      const refused = await post(a.id);
      assert.deepEqual(refused, { status: 429, retryAfter: '1', ok: false });
      assert.equal((await post(b.id)).status, 200, 'another channel has its own allowance');
      now += 1000;
      assert.equal((await post(a.id)).status, 200, 'a second later, one more');
      assert.equal((await post(a.id)).status, 429);
      assert.equal(fake.messagesIn(a.id).length, 6, 'refused posts were not posted');
    } finally {
      await fake.close();
    }
  });

  it("a method's tier: conversations.create (Tier 2) takes 20 a minute", async () => {
    let now = 1_700_000_000_000;
    const fake = await startFakeSlack({ clock: () => now });
    try {
      fake.enforceSlackRateLimits();
      for (let i = 0; i < 20; i++) assert.equal((await call(fake, 'conversations.create', { name: `inc-${i}` })).status, 200);
      const refused = await call(fake, 'conversations.create', { name: 'inc-20' });
      assert.equal(refused.status, 429);
      assert.equal(refused.retryAfter, '60');
      now += 60_001;
      assert.equal((await call(fake, 'conversations.create', { name: 'inc-21' })).status, 200, 'the window has moved on');
      fake.reset();
      for (let i = 0; i < 25; i++) assert.equal((await call(fake, 'conversations.create', { name: `later-${i}` })).status, 200, 'reset lifts the limits');
    } finally {
      await fake.close();
    }
  });

  it('throttleEvery(3, 2): every third call is a 429 with Retry-After 2, whatever its method; null stops it', async () => {
    const fake = await startFakeSlack();
    try {
      fake.throttleEvery(3, 2);
      const statuses: (number | string)[] = [];
      for (const method of ['auth.test', 'users.list', 'auth.test', 'auth.test', 'users.list', 'auth.test']) {
        const answer = await call(fake, method, {});
        statuses.push(answer.status === 429 ? `429 after ${answer.retryAfter}` : answer.status);
      }
      assert.deepEqual(statuses, [200, 200, '429 after 2', 200, 200, '429 after 2']);
      fake.throttleEvery(null);
      for (let i = 0; i < 4; i++) assert.equal((await call(fake, 'auth.test', {})).status, 200);
    } finally {
      await fake.close();
    }
  });

  it('jitter adds up to its bound on top of the delay, and 0 clears it', async () => {
    const fake = await startFakeSlack();
    try {
      fake.delay(50);
      fake.jitter(100);
      const timings: number[] = [];
      for (let i = 0; i < 6; i++) {
        const started = performance.now();
        await call(fake, 'auth.test', {});
        timings.push(performance.now() - started);
      }
      assert.ok(timings.every((ms) => ms >= 50 && ms < 1000), `each answer waited the delay and at most the jitter more: ${timings.join(', ')}`);
      assert.ok(new Set(timings.map((ms) => Math.round(ms / 10))).size > 1, `the extra delay varies: ${timings.join(', ')}`);
    } finally {
      await fake.close();
    }
  });
});
