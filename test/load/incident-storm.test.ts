/**
 * Load: an incident storm on loopback, bounded in time. Ten incidents declared within a minute
 * through the modal, each given its channel, then worked by five people at once (slash-command
 * actions, mention notes, pins, a page to PagerDuty), with Slack's rate limits enforced by the fake
 * (per-method tiers, one message a second per channel). Prints the requests sent, ack p50/p99
 * (figures, never thresholds) and the side effects expected, delivered, lost and duplicated;
 * asserts no 5xx, lost 0, duplicated 0, confirmations in order per incident, and that every
 * timeline holds every pin and command. About 30 s per engine.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as pause } from 'node:timers/promises';
import { after, before } from 'node:test';
import type { IncidentId } from '../../src/domain/ids.js';
import { describeEngines } from '../support/engines.js';
import { eventually } from '../support/eventually.js';
import { startFakePagerDuty, type FakePagerDuty } from '../support/fake-pagerduty.js';
import { deliveredTo } from '../support/fake-slack.js';
import { formatLedger, SideEffectLedger, tallySlack, tallyTimeline } from '../support/side-effect-ledger.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { openIncident, outOfOrder, RESPONDERS, seedResponders, SlackLoad, workIncident, workLeft, type LoadIncident } from '../support/slack-load.js';

const INCIDENTS = 10;
/** Declarations spread over this long: ten in well under a minute. */
const DECLARE_EVERY_MS = 1500;
/** Requests per incident after its channel exists (a third each actions, notes, pins; one page). */
const REQUESTS_PER_INCIDENT = 24;
const PACE_MS = 300;
const ROUTING_KEY = 'R0LOADLOADLOADLOADLOADLOADLOAD01';
const POLICY = 'PLOAD01';

describeEngines('Load: an incident storm on loopback with Slack rate limits enforced', (ctx) => {
  let slack: SlackHarness;
  let pagerDuty: FakePagerDuty;

  before(async () => {
    pagerDuty = await startFakePagerDuty();
    pagerDuty.setOnCall([{ escalationPolicyId: POLICY, level: 1, userId: 'PUSER1', name: 'Olivia On-call' }]);
    slack = await startSlackApp(ctx.databaseUrl, {
      fakeOptions: { waitTimeoutMs: 60_000 },
      env: {
        PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
        PAGERDUTY_API_TOKEN: pagerDuty.apiToken,
        PAGERDUTY_ESCALATION_POLICY: POLICY,
        PAGERDUTY_EVENTS_URL: pagerDuty.url,
        PAGERDUTY_API_URL: pagerDuty.url,
      },
    });
    seedResponders(slack.fake);
    await slack.fake.waitFor(deliveredTo('auth.test'));
    slack.fake.enforceSlackRateLimits();
  });
  after(async () => {
    await slack?.close();
    await pagerDuty?.close();
  });

  ctx.test(`${INCIDENTS} incidents declared within a minute, ${REQUESTS_PER_INCIDENT} requests each: no 5xx, every side effect once, every timeline whole`, async (t) => {
    const ledger = new SideEffectLedger();
    const load = new SlackLoad({ send: (request, options) => slack.send(request, options), ledger, responseUrl: (id) => slack.fake.responseUrl(id) });
    const lookup = async (title: string) => (await slack.app.incidents.list({ limit: 5, text: title })).items.find((i) => i.title === title);
    const started = performance.now();

    const incidents: LoadIncident[] = await Promise.all(
      Array.from({ length: INCIDENTS }, async (_, i) => {
        // Arrivals are paced like a storm (one every 1.5 s): pacing the load, not waiting for anything.
        await pause(i * DECLARE_EVERY_MS);
        const incident = await openIncident(load, i + 1, `Storm ${i + 1} checkout errors`, RESPONDERS[i % RESPONDERS.length]!, lookup);
        await workIncident(load, incident, { requests: REQUESTS_PER_INCIDENT, paceMs: PACE_MS, pageAt: 5 });
        return incident;
      }),
    );
    const sentFor = performance.now() - started;
    await eventually('every Slack and paging job to have run', async () => ((await workLeft(slack.app.store)).length === 0 ? true : undefined), 90_000);
    const drainedAfter = performance.now() - started;

    tallySlack(slack.fake, incidents, ledger);
    for (const incident of incidents) tallyTimeline(await slack.app.timeline.list(incident.id as IncidentId), ledger);
    for (const event of pagerDuty.events.filter((e) => e.action === 'trigger')) {
      const incident = incidents.find((i) => event.dedupKey.startsWith(`${i.id}:`));
      if (incident) ledger.deliver('pager trigger', incident.reference);
    }
    const report = ledger.report();
    const summary = load.summary();
    const refusedBySlack = slack.fake.calls.filter((c) => c.rejection === 'ratelimited').length;
    t.diagnostic(load.describe(`[${ctx.engine}] storm`));
    t.diagnostic(`[${ctx.engine}] sent for ${(sentFor / 1000).toFixed(1)} s, all delivered after ${(drainedAfter / 1000).toFixed(1)} s; Slack answered 429 ${refusedBySlack} times`);
    t.diagnostic(`[${ctx.engine}] side effects by kind: ${JSON.stringify(report.byKind)}`);
    t.diagnostic(formatLedger(`[${ctx.engine}] storm side effects`, report));

    assert.equal(summary.non2xx, 0, `no request was answered with an error status: ${JSON.stringify(load.records.filter((r) => r.status >= 300))}`);
    assert.equal(summary.unanswered + summary.refused, 0, 'every request was acked');
    assert.deepEqual(report.problems, [], 'every side effect delivered exactly once');
    assert.equal(report.lost, 0);
    assert.equal(report.duplicated, 0);
    assert.deepEqual(outOfOrder(load, incidents, slack.fake.calls), [], "each incident's confirmations in the order its commands were acked");
    assert.ok(refusedBySlack > 0, "the run was fast enough to meet Slack's rate limits");
    assert.equal((await slack.app.store.jobStore.stats(new Date())).failed, 0, 'no job failed');
  });
});
