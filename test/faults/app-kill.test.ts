/**
 * Fault: the app, a real child process, killed with SIGKILL in the middle of a stream of signed
 * requests, then started again on the same database. Requests in flight at the kill get no
 * answer: Slack retries the events (to the restarted app), and a slash command without an answer
 * shows the person Slack's own error (it may or may not have been recorded). Everything the app
 * acknowledged is in the database, and every side effect happens once. Prints sent/lost/duplicated.
 *
 * The restarted app runs in this process on a clock one lease (30 s) ahead: a job the killed
 * process held is taken over at once instead of after its lease has run out in real time (the
 * worker compares leases with its own clock). A second test kills the app after Slack acted on a
 * post whose answer was held: the restarted app must find the post, not repeat it. About 9 s per engine.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { IncidentId } from '../../src/domain/ids.js';
import { describeEngines } from '../support/engines.js';
import { eventually } from '../support/eventually.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { formatLedger, SideEffectLedger, tallySlack, tallyTimeline } from '../support/side-effect-ledger.js';
import { SIGNING_SECRET, startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { openIncident, outOfOrder, RESPONDERS, seedResponders, SlackLoad, workIncident, workLeft, type LoadIncident } from '../support/slack-load.js';
import { signedFetch } from '../support/slack-requests.js';

const INCIDENTS = 3;
const REQUESTS = 15;
const PACE_MS = 100;
/** The worker's lease (src/jobs/worker.ts). */
const LEASE_MS = 30_000;

describeEngines('Fault: the app killed with SIGKILL under load and restarted', (ctx) => {
  let fake: FakeSlack;
  const processes: ServerProcess[] = [];
  const restarts: SlackHarness[] = [];
  const startFirst = async () => {
    const child = await startServerProcess({
      DATABASE_URL: ctx.databaseUrl,
      SLACK_BOT_TOKEN: 'xoxb-kill-test',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      PUBLIC_URL: 'https://incidents.example.org',
    });
    processes.push(child);
    return child;
  };
  /** The restarted app, in this process, on a clock a lease ahead (see above). */
  const restart = async () => {
    let aheadMs = 0;
    const clock = { now: () => new Date(Date.now() + aheadMs) };
    const harness = await startSlackApp(ctx.databaseUrl, { fake, clock });
    restarts.push(harness);
    aheadMs = LEASE_MS + 1000;
    harness.app.worker.wake();
    return { harness, clock };
  };

  before(async () => {
    fake = await startFakeSlack({ waitTimeoutMs: 30_000 });
    fake.addChannel({ name: 'incidents' });
    seedResponders(fake);
  });
  after(async () => {
    for (const child of processes) {
      if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL');
      await child.exited();
    }
    for (const harness of restarts) await harness.close();
    await fake?.close();
  });

  ctx.test('everything acked is there after the restart, and every side effect happens once', async (t) => {
    const store = ctx.store();
    const first = await startFirst();
    const toFirst = first.baseUrl;
    const ledger = new SideEffectLedger();
    const load = new SlackLoad({
      send: (request, options) => signedFetch(toFirst, request, { signingSecret: SIGNING_SECRET, ...options }),
      ledger,
      responseUrl: (id) => fake.responseUrl(id),
    });
    const lookup = async (title: string) => (await store.incidents.list({ text: title }, { limit: 5 })).find((i) => i.title === title);
    const incidents: LoadIncident[] = [];
    for (let i = 1; i <= INCIDENTS; i++) incidents.push(await openIncident(load, i, `Killed ${i} search latency`, RESPONDERS[i]!, lookup));

    const streams = Promise.all(incidents.map((incident) => workIncident(load, incident, { requests: REQUESTS, paceMs: PACE_MS })));
    // Killed a third of the way in, while requests and their Slack work are in flight.
    await eventually('the stream to be a third of the way', () => (load.records.length >= 6 + (INCIDENTS * REQUESTS) / 3 ? true : undefined), 30_000);
    first.child.kill('SIGKILL');
    assert.equal((await first.exited()).signal, 'SIGKILL');
    const atKill = load.records.length;

    const { harness: restarted, clock } = await restart();
    load.send = (request, options) => restarted.send(request, options);
    await streams;
    await eventually('every Slack job to have run', async () => ((await workLeft(restarted.app.store)).length === 0 ? true : undefined), 60_000);

    tallySlack(fake, incidents, ledger);
    for (const incident of incidents) tallyTimeline(await restarted.app.timeline.list(incident.id as IncidentId), ledger);
    const report = ledger.report();
    t.diagnostic(load.describe(`[${ctx.engine}] kill -9 after ${atKill} requests`));
    t.diagnostic(formatLedger(`[${ctx.engine}] kill -9 and restart`, report));

    const events = load.records.filter((r) => r.kind === 'note' || r.kind === 'pin');
    assert.deepEqual(events.filter((r) => r.outcome !== 'acked'), [], 'every event was acked in the end (Slack retried those the kill left unanswered)');
    assert.deepEqual(load.records.filter((r) => r.status >= 300), [], 'no error status');
    assert.deepEqual(report.problems, [], 'every side effect delivered exactly once');
    assert.equal(report.lost, 0);
    assert.equal(report.duplicated, 0);
    assert.deepEqual(outOfOrder(load, incidents, fake.calls), [], "each incident's confirmations in the order its commands were acked");
    assert.equal((await restarted.app.store.jobStore.stats(clock.now())).failed, 0, 'no job failed');
    // Its clock runs a lease ahead: left running, it would take over the next test's jobs early.
    await restarted.close();
    restarts.splice(restarts.indexOf(restarted), 1);
  });

  ctx.test('killed after Slack took a post but before the answer came back: the restarted app finds the post and does not repeat it', async () => {
    const store = ctx.store();
    const first = await startFirst();
    const ledger = new SideEffectLedger();
    const load = new SlackLoad({
      send: (request, options) => signedFetch(first.baseUrl, request, { signingSecret: SIGNING_SECRET, ...options }),
      ledger,
      responseUrl: (id) => fake.responseUrl(id),
    });
    const lookup = async (title: string) => (await store.incidents.list({ text: title }, { limit: 5 })).find((i) => i.title === title);
    const incident = await openIncident(load, 90, 'Killed mid post checkout', RESPONDERS[0], lookup);
    await eventually('the channel set up', async () => ((await workLeft(store)).length === 0 ? true : undefined), 30_000);

    // Slack acts on the post at once; its answer is held until the process is gone.
    fake.delay(60_000, 'chat.postMessage');
    const acked = await load.action(incident, RESPONDERS[1], 1);
    assert.equal(acked.outcome, 'acked');
    const isConfirmation = (c: { method: string; params: { channel?: unknown; text?: unknown } }) =>
      c.method === 'chat.postMessage' && c.params.channel === incident.channelId && /mk-90-1/.test(String(c.params.text));
    await fake.waitFor(isConfirmation);
    first.child.kill('SIGKILL');
    await first.exited();
    fake.delay(0, 'chat.postMessage');

    const { harness } = await restart();
    await eventually('the confirmation job to be taken over and done', async () => ((await workLeft(harness.app.store)).length === 0 ? true : undefined), 30_000);
    const job = (await harness.app.store.jobStore.list({ status: 'done', limit: 200 })).find((j) => JSON.stringify(j.payload).includes(incident.id) && j.attempts === 2);
    assert.ok(job, 'a job of the incident was run twice: cut short by the kill, then taken over');
    assert.equal(fake.calls.filter(isConfirmation).length, 1, 'posted once: the second run found it by its tag');
    assert.equal(fake.messagesIn(incident.channelId!).filter((m) => /mk-90-1/.test(m.text)).length, 1, 'one confirmation in the channel');
  });
});
