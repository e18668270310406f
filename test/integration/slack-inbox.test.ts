import assert from 'node:assert/strict';
import { after } from 'node:test';
import pino from 'pino';
import { connect } from '../../src/db/connect.js';
import { parseDatabaseUrl } from '../../src/db/database-url.js';
import type { InboxItem } from '../../src/ports/slack-inbox.port.js';
import type { Store } from '../../src/ports/store.port.js';
import { createStore } from '../../src/repositories/store.js';
import { createSlackInbox, type InboxHandler, type SlackInbox, type SlackInboxOptions } from '../../src/slack/inbox.js';
import { describeEngines, type ManualClock } from '../support/engines.js';
import { eventually } from '../support/eventually.js';

const silent = pino({ level: 'silent' });
const LEASE_MS = 30_000;

/** A promise and the function that settles it: a handler held open until a test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** An error the way node-postgres reports a refused connection: the database is unavailable. */
function outage(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
}

const command = (text: string) => ({
  kind: 'command' as const,
  body: { command: '/incident', text, response_url: `https://hooks.example/${text}` },
  retryNum: null,
  retryReason: null,
  log: silent,
});

describeEngines('Slack inbox: requests answered once written, handled once', (ctx) => {
  const inboxes: SlackInbox[] = [];
  const make = (options: Partial<SlackInboxOptions> & { handle: InboxHandler }, store: Store = ctx.store(), clock: ManualClock = ctx.clock) => {
    const inbox = createSlackInbox({
      store: store.slackInbox,
      clock,
      logger: silent,
      respondLater: async () => {},
      sweepMs: 20,
      leaseMs: LEASE_MS,
      ...options,
    });
    inboxes.push(inbox);
    inbox.start();
    return inbox;
  };
  const stopAll = async () => {
    for (const inbox of inboxes.splice(0)) await inbox.stop();
  };
  const left = () => ctx.store().slackInbox.count();
  /** The table as an instance killed while handling leaves it: the item claimed by it, for a lease. */
  const leftByAKilledInstance = async (id: string, text: string) => {
    const receivedAt = ctx.clock.now();
    await ctx.store().slackInbox.write({
      added: [{ id, ...command(text), receivedAt, claimedBy: 'inbox-killed', claimedUntil: new Date(receivedAt.getTime() + LEASE_MS) }],
      handled: [],
    });
  };
  // A failed assertion must not leave an inbox sweeping after its suite.
  after(stopAll);

  ctx.test('one write adds what arrived and removes what was handled, in one statement or past its size', async () => {
    const store = ctx.store().slackInbox;
    const at = ctx.clock.now();
    const item = (id: string) => ({ id, ...command(id), receivedAt: at, claimedBy: null, claimedUntil: at });
    const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    const remaining = async () => (await store.claimExpired('reader', at, new Date(at.getTime() + 1000), 10_000)).map((i) => i.id).sort();
    await store.write({ added: ids('a', 3).map(item), handled: [] });
    // Both at once: one statement on PostgreSQL (a CTE), a transaction on SQLite.
    await store.write({ added: ids('b', 2).map(item), handled: ['a0', 'a1'] });
    assert.deepEqual(await remaining(), ['a2', 'b0', 'b1']);
    await store.release('reader', at);
    await store.write({ added: [], handled: ['a2'] });
    // More than one statement's worth (500 rows): a transaction on both.
    await store.write({ added: ids('c', 600).map(item), handled: ['b0'] });
    assert.deepEqual(await remaining(), ['b1', ...ids('c', 600)].sort());
    // The other tests start from an empty inbox.
    await store.write({ added: [], handled: ['b1', ...ids('c', 600)] });
    assert.equal(await left(), 0);
  });

  ctx.test('a request a handler takes at once is answered with its reply, then removed', async () => {
    const handled: string[] = [];
    const inbox = make({
      handle: async (item, { answer }) => {
        handled.push(String(item.body.text));
        answer({ text: `done ${String(item.body.text)}` });
      },
    });
    const received = await inbox.receive(command('note one'));
    assert.deepEqual(received, { recorded: true, answer: { text: 'done note one' } });
    await inbox.idle();
    assert.deepEqual(handled, ['note one']);
    assert.equal(await left(), 0);
    await stopAll();
  });

  ctx.test('behind a busy handler a request is answered at once, written, and its reply goes to the response_url', async () => {
    const held = gate();
    const late: { text: string; response: unknown }[] = [];
    const inbox = make({
      concurrency: 1,
      handle: async (item, { answer }) => {
        await held.promise;
        answer({ text: `reply to ${String(item.body.text)}` });
      },
      respondLater: async (item, response) => {
        late.push({ text: String(item.body.text), response });
      },
    });
    const first = inbox.receive(command('first'));
    // Slack's answer waits for the first one's handler: the second is answered without waiting.
    await eventually('the first request to be written', async () => ((await left()) === 1 ? true : undefined));
    const second = await inbox.receive(command('second'));
    assert.deepEqual(second, { recorded: true, answer: undefined });
    assert.equal(await left(), 2, 'both are written before either is handled');
    held.open();
    assert.deepEqual(await first, { recorded: true, answer: { text: 'reply to first' } });
    await inbox.idle();
    assert.deepEqual(late, [{ text: 'second', response: { text: 'reply to second' } }]);
    assert.equal(await left(), 0);
    await stopAll();
  });

  ctx.test('requests arriving together are all written and each handled once', async () => {
    const handled: string[] = [];
    const inbox = make({
      handle: async (item) => {
        handled.push(String(item.body.text));
      },
    });
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => inbox.receive(command(`n${i}`))));
    assert.ok(answers.every((a) => a.recorded));
    await inbox.idle();
    assert.deepEqual([...handled].sort(), Array.from({ length: 50 }, (_, i) => `n${i}`).sort());
    assert.equal(await left(), 0);
    await stopAll();
  });

  ctx.test('a handler that meets a database outage is run again later, and the request is removed only then', async () => {
    const runs: string[] = [];
    const inbox = make({
      handle: async (item) => {
        runs.push(String(item.body.text));
        if (runs.length === 1) throw outage();
      },
    });
    const received = await inbox.receive(command('during outage'));
    // Recorded: Slack has its answer and nothing is lost, though the first run failed.
    assert.deepEqual(received, { recorded: true, answer: undefined });
    assert.equal(await left(), 1);
    // Handed back for two seconds: the sweep takes it again once the clock passes that.
    ctx.clock.advance(2_001);
    await eventually('the second run', () => (runs.length === 2 ? true : undefined));
    await inbox.idle();
    assert.deepEqual(runs, ['during outage', 'during outage']);
    assert.equal(await left(), 0);
    await stopAll();
  });

  ctx.test('a handler that fails for another reason is logged and not run again', async () => {
    let runs = 0;
    const inbox = make({
      handle: async () => {
        runs += 1;
        throw new Error('a bug in a listener');
      },
    });
    assert.equal((await inbox.receive(command('buggy'))).recorded, true);
    await inbox.idle();
    ctx.clock.advance(LEASE_MS + 1);
    await inbox.idle();
    assert.equal(runs, 1);
    assert.equal(await left(), 0);
    await stopAll();
  });

  ctx.test('what a crashed instance held is taken over once its lease has run out, and handled once', async () => {
    await leftByAKilledInstance('inbox-orphan', 'orphan');
    // Another instance, on its own connection (PostgreSQL: two processes; SQLite: takes over at start only if told).
    const target = parseDatabaseUrl(ctx.databaseUrl, process.cwd())!;
    const other = createStore(connect(target), ctx.clock);
    try {
      const taken: InboxItem[] = [];
      const survivor = make({ handle: async (item) => void taken.push(item) }, other);
      await survivor.idle();
      assert.equal(taken.length, 0, 'not taken while the lease holds');
      ctx.clock.advance(LEASE_MS + 1);
      await eventually('the takeover', () => (taken.length === 1 ? true : undefined));
      await survivor.idle();
      assert.equal(taken[0]!.body.text, 'orphan');
      assert.equal(taken[0]!.attempts, 1);
      assert.equal(await left(), 0);
      await stopAll();
    } finally {
      await other.close();
    }
  });

  ctx.test('with SQLite one process per file: at start it takes over what the previous process held, without waiting for the lease', async () => {
    await leftByAKilledInstance('inbox-previous', 'left by a killed process');
    const taken: string[] = [];
    const inbox = make({ takeOverAtStart: true, handle: async (item) => void taken.push(String(item.body.text)) });
    await eventually('the takeover at start', () => (taken.length === 1 ? true : undefined));
    await inbox.idle();
    assert.deepEqual(taken, ['left by a killed process']);
    assert.equal(await left(), 0);
    await stopAll();
  });

  ctx.test('past the in-memory bound, requests wait in the table and are all handled', async () => {
    const held = gate();
    const handled: string[] = [];
    const inbox = make({
      concurrency: 1,
      maxQueued: 2,
      handle: async (item) => {
        await held.promise;
        handled.push(String(item.body.text));
      },
    });
    const first = inbox.receive(command('m0'));
    await eventually('the first request to be written', async () => ((await left()) === 1 ? true : undefined));
    const rest = await Promise.all(Array.from({ length: 5 }, (_, i) => inbox.receive(command(`m${i + 1}`))));
    assert.ok(rest.every((r) => r.recorded && r.answer === undefined));
    assert.equal(await left(), 6);
    held.open();
    await first;
    await eventually('every request handled', () => (handled.length === 6 ? true : undefined));
    await inbox.idle();
    assert.deepEqual([...handled].sort(), ['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    assert.equal(await left(), 0);
    await stopAll();
  });

  ctx.test('a clean stop hands back what had not started, for the next instance at once', async () => {
    const held = gate();
    const handledByFirst: string[] = [];
    // No background handler: what is not answered-for stays queued until the stop.
    const first = make({
      concurrency: 1,
      backgroundConcurrency: 0,
      handle: async (item) => {
        await held.promise;
        handledByFirst.push(String(item.body.text));
      },
    });
    const running = first.receive(command('s0'));
    await eventually('the first request to be written', async () => ((await left()) === 1 ? true : undefined));
    await Promise.all([first.receive(command('s1')), first.receive(command('s2'))]);
    const stopping = first.stop();
    held.open();
    await stopping;
    await running;
    assert.deepEqual(handledByFirst, ['s0']);
    const handledByNext: string[] = [];
    const next = make({ handle: async (item) => void handledByNext.push(String(item.body.text)) });
    await eventually('the next instance to handle both', () => (handledByNext.length === 2 ? true : undefined));
    await next.idle();
    assert.deepEqual([...handledByNext].sort(), ['s1', 's2']);
    assert.equal(await left(), 0);
    await stopAll();
  });

  ctx.test('a write that fails is reported unrecorded, and nothing is handled', async () => {
    // A database without the inbox table (never migrated): every write fails.
    const unmigrated = createStore(connect(parseDatabaseUrl('sqlite::memory:', process.cwd())!), ctx.clock);
    try {
      let runs = 0;
      const inbox = make({ handle: async () => void (runs += 1) }, unmigrated);
      const received = await inbox.receive(command('lost?'));
      assert.equal(received.recorded, false);
      assert.ok(!received.recorded && String(received.error).includes('slack_inbox'), String(!received.recorded && received.error));
      await inbox.idle();
      assert.equal(runs, 0);
      await stopAll();
    } finally {
      await unmigrated.close();
    }
  });
});
