/**
 * Fault: Slack slow (every call 1-2 s), rate-limited (a 429 with Retry-After on every third call,
 * and Slack's per-method and per-channel limits) and down (503) for a while, then back, all under
 * a steady stream of signed requests to the real app over HTTP. Every request is acked within
 * Slack's 3 s; after Slack is back, every side effect is delivered once, in order per incident.
 * Prints sent/lost/duplicated. Real time (the fault is in the network); about 25 s per engine.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { IncidentId } from '../../src/domain/ids.js';
import { describeEngines } from '../support/engines.js';
import { eventually } from '../support/eventually.js';
import { deliveredTo } from '../support/fake-slack.js';
import { formatLedger, SideEffectLedger, tallySlack, tallyTimeline } from '../support/side-effect-ledger.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { openIncident, outOfOrder, RESPONDERS, seedResponders, SlackLoad, workIncident, workLeft, type LoadIncident } from '../support/slack-load.js';

const INCIDENTS = 3;
/** Requests per incident in each phase (slow, rate-limited, down). */
const PER_PHASE = 6;
const PACE_MS = 100;

describeEngines('Fault: Slack slow, rate-limited and down under load', (ctx) => {
  let slack: SlackHarness;

  before(async () => {
    slack = await startSlackApp(ctx.databaseUrl, { fakeOptions: { waitTimeoutMs: 30_000 } });
    seedResponders(slack.fake);
    await slack.fake.waitFor(deliveredTo('auth.test'));
  });
  after(() => slack?.close());

  ctx.test('every request acked within 3 s while Slack is slow, limited and down; then every side effect once, in order', async (t) => {
    const { fake } = slack;
    const ledger = new SideEffectLedger();
    const load = new SlackLoad({ send: (request, options) => slack.send(request, options), ledger, responseUrl: (id) => fake.responseUrl(id) });
    const lookup = async (title: string) => (await slack.app.incidents.list({ limit: 5, text: title })).items.find((i) => i.title === title);
    const incidents: LoadIncident[] = [];
    for (let i = 1; i <= INCIDENTS; i++) incidents.push(await openIncident(load, i, `Slack fault ${i} payments`, RESPONDERS[i]!, lookup));
    const phase = (n: number) => Promise.all(incidents.map((incident) => workIncident(load, incident, { requests: PER_PHASE, paceMs: PACE_MS, from: n * PER_PHASE + 1 })));

    // Slow: every answer takes 1 to 2 s.
    fake.delay(1000);
    fake.jitter(1000);
    await phase(0);
    // Rate-limited: quick again, but every third call is a 429 (Retry-After: 1), and Slack's tiers apply.
    fake.delay(0);
    fake.jitter(0);
    fake.enforceSlackRateLimits();
    fake.throttleEvery(3, 1);
    await phase(1);
    // Down: every call refused with 503 while the third round of requests comes in.
    fake.throttleEvery(null);
    const downFrom = fake.calls.length;
    fake.down();
    await phase(2);
    // Down until every incident's queue has been refused twice (its backoff then runs into seconds).
    await eventually('the worker to have met the outage', () => (fake.calls.slice(downFrom).filter((c) => c.rejection === 'down').length >= 2 * INCIDENTS ? true : undefined), 30_000);
    fake.up();

    await eventually('every Slack job to have run once Slack is back', async () => ((await workLeft(slack.app.store)).length === 0 ? true : undefined), 60_000);
    tallySlack(fake, incidents, ledger);
    for (const incident of incidents) tallyTimeline(await slack.app.timeline.list(incident.id as IncidentId), ledger);
    const report = ledger.report();
    const rejections = fake.calls.filter((c) => c.rejected).reduce<Record<string, number>>((acc, c) => ({ ...acc, [c.rejection ?? '?']: (acc[c.rejection ?? '?'] ?? 0) + 1 }), {});
    t.diagnostic(load.describe(`[${ctx.engine}] Slack faults`));
    t.diagnostic(`[${ctx.engine}] Slack refused: ${JSON.stringify(rejections)}`);
    t.diagnostic(formatLedger(`[${ctx.engine}] Slack slow, limited, down`, report));

    const summary = load.summary();
    assert.equal(summary.acked, load.records.length, `every request acked within 3 s: ${JSON.stringify(load.records.filter((r) => r.outcome !== 'acked'))}`);
    assert.equal(summary.retried, 0, 'Slack never had to retry an event');
    assert.ok((rejections.down ?? 0) > 0 && (rejections.ratelimited ?? 0) > 0, 'the faults were met');
    assert.deepEqual(report.problems, [], 'every side effect delivered exactly once');
    assert.equal(report.lost, 0);
    assert.equal(report.duplicated, 0);
    assert.deepEqual(outOfOrder(load, incidents, fake.calls), [], "each incident's confirmations in the order its commands were acked");
    assert.equal((await slack.app.store.jobStore.stats(new Date())).failed, 0, 'no job failed');
  });
});
