/**
 * Fault: two instances of the app on one PostgreSQL database under a stream of signed requests,
 * each request going to whichever instance is next (a load balancer without sticky sessions),
 * both workers claiming jobs from the one queue, Slack's rate limits enforced. Every request is
 * acked, every side effect happens once, in order per incident. Prints sent/lost/duplicated.
 * PostgreSQL only (SQLite serves one process), so plain describe/it. About 15 s.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IncidentId } from '../../src/domain/ids.js';
import { eventually } from '../support/eventually.js';
import { deliveredTo, startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { createScratchPostgres, type ScratchPostgres } from '../support/scratch-postgres.js';
import { formatLedger, SideEffectLedger, tallySlack, tallyTimeline } from '../support/side-effect-ledger.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { openIncident, outOfOrder, RESPONDERS, seedResponders, SlackLoad, workIncident, workLeft, type LoadIncident, type SlackSend } from '../support/slack-load.js';

const INCIDENTS = 4;
const REQUESTS = 15;
const PACE_MS = 100;

describe('Fault: two instances on one PostgreSQL under load', () => {
  let db: ScratchPostgres;
  let fake: FakeSlack;
  let a: SlackHarness;
  let b: SlackHarness;

  before(async () => {
    db = await createScratchPostgres();
    fake = await startFakeSlack({ waitTimeoutMs: 30_000 });
    fake.addChannel({ name: 'incidents' });
    seedResponders(fake);
    a = await startSlackApp(db.databaseUrl, { fake });
    b = await startSlackApp(db.databaseUrl, { fake });
    await fake.waitFor(deliveredTo('auth.test'), 2);
    fake.enforceSlackRateLimits();
  });
  after(async () => {
    await Promise.allSettled([a?.close(), b?.close()]);
    await fake?.close();
    await db?.drop();
  });

  it('requests spread over both instances: every one acked, every side effect once, in order', async (t) => {
    const ledger = new SideEffectLedger();
    let turn = 0;
    // Round robin, as a load balancer without sticky sessions spreads Slack's requests.
    const send: SlackSend = (request, options) => {
      turn += 1;
      return (turn % 2 === 0 ? a : b).send(request, options);
    };
    const load = new SlackLoad({ send, ledger, responseUrl: (id) => fake.responseUrl(id) });
    const lookup = async (title: string) => (await a.app.incidents.list({ limit: 5, text: title })).items.find((i) => i.title === title);
    const incidents: LoadIncident[] = await Promise.all(
      Array.from({ length: INCIDENTS }, async (_, i) => {
        const incident = await openIncident(load, i + 1, `Two instances ${i + 1} login failures`, RESPONDERS[i]!, lookup);
        await workIncident(load, incident, { requests: REQUESTS, paceMs: PACE_MS });
        return incident;
      }),
    );
    await eventually('every Slack job to have run', async () => ((await workLeft(a.app.store)).length === 0 ? true : undefined), 60_000);

    tallySlack(fake, incidents, ledger);
    for (const incident of incidents) tallyTimeline(await a.app.timeline.list(incident.id as IncidentId), ledger);
    const report = ledger.report();
    const jobs = await a.app.store.jobStore.list({ status: 'done', limit: 1000 });
    t.diagnostic(load.describe('two instances'));
    t.diagnostic(`two instances: ${jobs.length} jobs done; Slack answered 429 ${fake.calls.filter((c) => c.rejection === 'ratelimited').length} times`);
    t.diagnostic(formatLedger('two instances on one PostgreSQL', report));

    assert.equal(load.summary().acked, load.records.length, `every request acked: ${JSON.stringify(load.records.filter((r) => r.outcome !== 'acked'))}`);
    assert.deepEqual(report.problems, [], 'every side effect delivered exactly once');
    assert.equal(report.lost, 0);
    assert.equal(report.duplicated, 0);
    assert.deepEqual(outOfOrder(load, incidents, fake.calls), [], "each incident's confirmations in the order its commands were acked");
    assert.equal((await a.app.store.jobStore.stats(new Date())).failed, 0, 'no job failed');
  });
});
