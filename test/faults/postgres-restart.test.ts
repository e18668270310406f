/**
 * Fault: PostgreSQL stopped under load and started again (a cluster of the test's own). While it
 * is down the app answers what it can: an Events API callback (mention, pin) gets a 503, so Slack
 * sends it again; a slash command, which Slack never retries, gets a visible "not recorded, try
 * again" reply instead of silence. /healthz reports the outage and recovers; the pool reconnects;
 * afterwards nothing acknowledged is lost or doubled. Prints sent/lost/duplicated.
 *
 * PostgreSQL only (the fault is PostgreSQL's), so plain describe/it. About 20 s.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IncidentId } from '../../src/domain/ids.js';
import { eventually } from '../support/eventually.js';
import { deliveredTo } from '../support/fake-slack.js';
import { startRestartablePostgres, type RestartablePostgres } from '../support/restartable-postgres.js';
import { formatLedger, SideEffectLedger, tallySlack, tallyTimeline } from '../support/side-effect-ledger.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { openIncident, outOfOrder, RESPONDERS, seedResponders, SlackLoad, workIncident, workLeft, type LoadIncident } from '../support/slack-load.js';
import type { SignedResponse } from '../support/slack-requests.js';

const INCIDENTS = 3;
const REQUESTS = 18;
const PACE_MS = 150;

describe('Fault: PostgreSQL restarted under load', () => {
  let cluster: RestartablePostgres;
  let slack: SlackHarness;

  before(async () => {
    cluster = await startRestartablePostgres();
    slack = await startSlackApp(cluster.databaseUrl, { fakeOptions: { waitTimeoutMs: 30_000 } });
    seedResponders(slack.fake);
    await slack.fake.waitFor(deliveredTo('auth.test'));
  });
  after(async () => {
    await slack?.close();
    await cluster?.destroy();
  });

  it('events are answered 503 and retried, commands refused visibly, /healthz reports it; afterwards every acked request once', async (t) => {
    const ledger = new SideEffectLedger();
    const answers: { status: number; text: string }[] = [];
    const send = async (...args: Parameters<SlackHarness['send']>): Promise<SignedResponse> => {
      const response = await slack.send(...args);
      answers.push({ status: response.status, text: response.text });
      return response;
    };
    const load = new SlackLoad({ send, ledger, responseUrl: (id) => slack.fake.responseUrl(id) });
    const lookup = async (title: string) => (await slack.app.incidents.list({ limit: 5, text: title })).items.find((i) => i.title === title);
    const incidents: LoadIncident[] = [];
    for (let i = 1; i <= INCIDENTS; i++) incidents.push(await openIncident(load, i, `Database fault ${i} orders`, RESPONDERS[i]!, lookup));
    const health = async () => (await fetch(`${slack.baseUrl}/healthz`)).status;
    assert.equal(await health(), 200);

    const streams = Promise.all(incidents.map((incident) => workIncident(load, incident, { requests: REQUESTS, paceMs: PACE_MS })));
    await eventually('the stream to be under way', () => (load.records.length >= 2 * INCIDENTS ? true : undefined));
    await cluster.stop();
    const failing = (a: { status: number; text: string }) => a.status >= 500 || /not recorded/.test(a.text);
    const before = answers.filter(failing).length;
    await eventually('/healthz to report the outage', async () => ((await health()) === 503 ? true : undefined));
    // Down until the load has met the outage a few times (both a command and events, usually).
    await eventually('requests to meet the outage', () => (answers.filter(failing).length >= before + 2 * INCIDENTS ? true : undefined), 30_000);
    await cluster.start();
    await eventually('/healthz to recover', async () => ((await health()) === 200 ? true : undefined), 30_000);
    await streams;
    await eventually('every Slack job to have run', async () => ((await workLeft(slack.app.store)).length === 0 ? true : undefined), 60_000);

    tallySlack(slack.fake, incidents, ledger);
    for (const incident of incidents) tallyTimeline(await slack.app.timeline.list(incident.id as IncidentId), ledger);
    const report = ledger.report();
    const byOutcome = load.records.reduce<Record<string, number>>((acc, r) => ({ ...acc, [`${r.kind} ${r.outcome}`]: (acc[`${r.kind} ${r.outcome}`] ?? 0) + 1 }), {});
    t.diagnostic(load.describe('PostgreSQL restart'));
    t.diagnostic(`PostgreSQL restart: outcomes ${JSON.stringify(byOutcome)}; answers with 503: ${answers.filter((a) => a.status === 503).length}`);
    t.diagnostic(formatLedger('PostgreSQL restart', report));

    const events = load.records.filter((r) => r.kind === 'note' || r.kind === 'pin');
    const commands = load.records.filter((r) => r.kind === 'action');
    assert.ok(answers.some((a) => failing(a)), 'the outage was met by the load');
    assert.deepEqual(events.filter((r) => r.outcome !== 'acked'), [], 'every event was acked in the end (Slack retried what got a 503)');
    assert.deepEqual(commands.filter((r) => r.outcome === 'unanswered'), [], 'every slash command was answered: acked, or refused visibly');
    for (const refused of commands.filter((r) => r.outcome === 'refused')) assert.match(refused.answer ?? '', /not recorded/);
    assert.deepEqual(answers.filter((a) => a.status >= 300 && a.status !== 503), [], 'no answer other than 2xx and 503');
    assert.deepEqual(report.problems, [], 'every side effect delivered exactly once');
    assert.equal(report.lost, 0);
    assert.equal(report.duplicated, 0);
    assert.deepEqual(outOfOrder(load, incidents, slack.fake.calls), [], "each incident's confirmations in the order its commands were acked");
    assert.equal((await slack.app.store.jobStore.stats(new Date())).failed, 0, 'no job failed');
  });
});
