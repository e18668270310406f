/**
 * PostgreSQL only: several app instances on one database (docs/architecture.md, "Running several instances").
 * Every job runs once whichever instance claims it (FOR UPDATE SKIP LOCKED), references stay
 * unique and gap-free, each reminder is sent once however many workers check it, live updates
 * reach every instance's pages (LISTEN/NOTIFY), and a job left half-run by a killed instance is
 * finished by another once its lease has run out.
 *
 * SQLite has one process per database file, so there is nothing to compare: these suites use
 * plain describe/it, not describeEngines, and the engine-count reporter does not count them.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { connect } from '../../src/db/connect.js';
import { parseDatabaseUrl } from '../../src/db/database-url.js';
import type { IncidentId, UserId } from '../../src/domain/ids.js';
import { nudgeLabels, type NudgeKind, type NudgeTiming } from '../../src/domain/nudges.js';
import { createInProcessLiveUpdates } from '../../src/http/web/live-updates.js';
import { createLogger } from '../../src/logger.js';
import type { Clock } from '../../src/ports/clock.port.js';
import type { LiveUpdate, LiveUpdatesHub } from '../../src/ports/live-updates.port.js';
import type { Store } from '../../src/ports/store.port.js';
import { createPostgresLiveUpdates, LIVE_UPDATES_CHANNEL } from '../../src/repositories/postgres-live-updates.js';
import { createStore } from '../../src/repositories/store.js';
import { slugify } from '../../src/slack/blocks/index.js';
import { ManualClock } from '../support/engines.js';
import { eventually } from '../support/eventually.js';
import { EventStream, signInCookie } from '../support/event-stream.js';
import { startFakeSlack, type FakeSlack, type FakeSlackCall } from '../support/fake-slack.js';
import { createScratchPostgres, queryAdmin, type ScratchPostgres } from '../support/scratch-postgres.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { SIGNING_SECRET, startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { slackJobsLeft } from '../support/slack-jobs.js';
import { blockAction, signedFetch, viewSubmission } from '../support/slack-requests.js';
import { slashIn } from '../support/slack-scenario.js';

const ANNOUNCE_CHANNEL = 'incidents';
const REFERENCE = /\bINC-\d+\b/;
/** The job worker's lease (src/jobs/worker.ts). */
const LEASE_MS = 30_000;

function callText(call: FakeSlackCall): string {
  return `${String(call.params.text ?? '')}\n${JSON.stringify(call.params.blocks ?? null)}`;
}

/** Every queued Slack job has run (none pending or running), on the shared database. */
async function allJobsDone(slack: SlackHarness): Promise<true | undefined> {
  return (await slackJobsLeft(slack.app.store.jobStore)).length === 0 ? true : undefined;
}

function declareRequest(title: string, reporter: string, viewId: string) {
  return viewSubmission({
    callbackId: 'incident.declare',
    userId: reporter,
    viewId,
    privateMetadata: JSON.stringify({ channelId: 'C0TEAM' }),
    values: {
      kind: { kind: { type: 'radio_buttons', selected_option: { value: 'live' } } },
      title: { title: { type: 'plain_text_input', value: title } },
    },
  });
}

/** What each incident of the run makes Slack do, each exactly once. */
const ONCE_PER_INCIDENT = [
  'announcement', // chat.postMessage in #incidents
  'declared ephemeral', // chat.postEphemeral telling the reporter
  'conversations.create',
  'conversations.invite',
  'conversations.setTopic',
  'bookmarks.add',
  'kickoff', // chat.postMessage in the new channel
  'headline chat.update', // the announcement refreshed with the channel
];

/** Counts, per incident reference, the calls the fake acted on, by kind. */
function tallyByIncident(fake: FakeSlack, incidents: readonly { reference: string; title: string }[]): Map<string, Map<string, number>> {
  const announce = fake.channelByName(ANNOUNCE_CHANNEL)!.id;
  const references = new Set(incidents.map((i) => i.reference));
  const byChannel = new Map<string, string>();
  const byHeadlineTs = new Map<string, string>();
  const tally = new Map<string, Map<string, number>>();
  const add = (reference: string, kind: string) => {
    const kinds = tally.get(reference) ?? new Map<string, number>();
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    tally.set(reference, kinds);
  };
  for (const call of fake.calls.filter((c) => !c.rejected)) {
    const channel = String(call.params.channel ?? call.params.channel_id ?? '');
    const reference = REFERENCE.exec(callText(call))?.[0];
    if (call.method === 'chat.postMessage' && (channel === announce || channel.replace(/^#/, '') === ANNOUNCE_CHANNEL) && reference) {
      add(reference, 'announcement');
      byHeadlineTs.set(String(call.response?.body.ts), reference);
    } else if (call.method === 'conversations.create') {
      const incident = incidents.find((i) => String(call.params.name).endsWith(`-${slugify(i.title)}`));
      if (!incident) continue;
      add(incident.reference, 'conversations.create');
      // By name, not from the answer: an answer lost with a killed instance was never recorded.
      const created = fake.channelByName(String(call.params.name));
      if (created) byChannel.set(created.id, incident.reference);
    } else if (call.method === 'chat.update' && byHeadlineTs.has(String(call.params.ts))) {
      add(byHeadlineTs.get(String(call.params.ts))!, 'headline chat.update');
    } else if (byChannel.has(channel)) {
      add(byChannel.get(channel)!, call.method === 'chat.postMessage' ? 'kickoff' : call.method);
    } else if (call.method === 'chat.postEphemeral' && reference && references.has(reference)) {
      add(reference, 'declared ephemeral');
    } else if (reference && references.has(reference)) {
      add(reference, `${call.method} (elsewhere)`);
    }
  }
  return tally;
}

describe('several instances on one PostgreSQL: jobs once, references unique, live updates everywhere', () => {
  let db: ScratchPostgres;
  let fake: FakeSlack;
  let a: SlackHarness;
  let b: SlackHarness;

  before(async () => {
    db = await createScratchPostgres();
    fake = await startFakeSlack({ waitTimeoutMs: 20_000 });
    fake.addChannel({ name: ANNOUNCE_CHANNEL });
    for (let i = 1; i <= 20; i++) fake.addUser({ id: `U0R${i}`, name: `reporter${i}`, email: `reporter${i}@example.org` });
    a = await startSlackApp(db.databaseUrl, { fake });
    b = await startSlackApp(db.databaseUrl, { fake });
  });
  after(async () => {
    await Promise.allSettled([a?.close(), b?.close()]);
    await fake?.close();
    await db?.drop();
  });

  it('a run of incidents declared on two instances: every Slack call once, references gap-free', async (t) => {
    const count = 20;
    const titles = Array.from({ length: count }, (_, i) => `Multi ${String(i + 1).padStart(2, '0')} checkout errors`);
    const instances = [a, b];
    // Declared in waves of four, alternating instances, so declarations race for the counter.
    for (let start = 0; start < count; start += 4) {
      await Promise.all(
        titles.slice(start, start + 4).map(async (title, k) => {
          const i = start + k;
          const response = await instances[i % 2]!.send(declareRequest(title, `U0R${i + 1}`, `V0MULTI${i + 1}`));
          assert.equal(response.status, 200, response.text);
        }),
      );
    }
    // Slack is answered before the listener's work is done, so the test waits for what it caused.
    const declared = async () => (await a.app.incidents.list({ limit: 100, text: 'checkout errors' })).items;
    await eventually('every incident declared and announced', async () => ((await declared()).length === count ? allJobsDone(a) : undefined), 30_000);
    const items = await declared();

    // "Create comms channel", pressed on the other instance than the one that declared it.
    await Promise.all(
      items.map(async (incident) => {
        const i = titles.indexOf(incident.title);
        const response = await instances[(i + 1) % 2]!.send(
          blockAction({ actionId: 'incident.create_channel', value: incident.id, userId: `U0R${i + 1}`, channelId: 'C0INCIDENTS' }),
        );
        assert.equal(response.status, 200, response.text);
      }),
    );
    await eventually('every channel made and its jobs run', async () => ((await declared()).every((i) => i.channel) ? allJobsDone(a) : undefined), 60_000);

    const numbers = items.map((incident) => Number(/-(\d+)$/.exec(incident.reference)?.[1])).sort((x, y) => x - y);
    assert.deepEqual(numbers, Array.from({ length: count }, (_, i) => i + 1), 'references are INC-1..INC-20, each once');

    // Attribute every call the fake acted on (answered ok or not: a second conversations.create
    // refused with name_taken is a duplicate run all the same) to its incident.
    const tally = tallyByIncident(fake, items);
    const sent = [...tally.values()].reduce((sum, kinds) => sum + [...kinds.values()].reduce((x, y) => x + y, 0), 0);
    let lost = 0;
    let duplicated = 0;
    const problems: string[] = [];
    for (const incident of items) {
      const kinds = tally.get(incident.reference) ?? new Map<string, number>();
      for (const kind of ONCE_PER_INCIDENT) {
        const n = kinds.get(kind) ?? 0;
        if (n === 0) lost += 1;
        if (n > 1) duplicated += n - 1;
        if (n !== 1) problems.push(`${incident.reference} ${kind}: ${n}`);
      }
      for (const [kind, n] of kinds) if (!ONCE_PER_INCIDENT.includes(kind)) problems.push(`${incident.reference} unexpected ${kind}: ${n}`);
    }
    t.diagnostic(`${count} incidents on 2 instances: sent ${sent} Slack calls, expected ${count * ONCE_PER_INCIDENT.length}; lost ${lost}, duplicated ${duplicated}`);
    assert.deepEqual(problems, [], 'each incident got each expected Slack call exactly once');
    const stats = await a.app.store.jobStore.stats(new Date());
    const failed = await a.app.store.jobStore.list({ status: "failed", limit: 5 });
    assert.equal(stats.failed, 0, `no job failed: ${JSON.stringify(failed.map((j) => [j.type, j.lastError]))}`);
  });

  it('a change made through instance A reaches a page open on instance B (and A), once', async () => {
    const { secret } = await a.app.tokens.create('multi-instance');
    const patch = (slack: SlackHarness, reference: string, summary: string) =>
      fetch(`${slack.baseUrl}/api/v1/incidents/${reference}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ summary }),
      });
    const onB = new EventStream();
    const onA = new EventStream();
    try {
      await onB.open(`${b.baseUrl}/incidents/events`, await signInCookie(b.baseUrl, 'Bea Browser'));
      await onA.open(`${a.baseUrl}/incidents/events`, await signInCookie(a.baseUrl, 'Abe Browser'));

      assert.equal((await patch(a, 'INC-1', 'Changed on A')).status, 200);
      assert.deepEqual(await onB.nextChanged(), { reference: 'INC-1' });
      assert.deepEqual(await onA.nextChanged(), { reference: 'INC-1' });

      // Had either page heard INC-1 twice (in process and through NOTIFY), that would come first.
      assert.equal((await patch(b, 'INC-2', 'Changed on B')).status, 200);
      assert.deepEqual(await onA.nextChanged(), { reference: 'INC-2' });
      assert.deepEqual(await onB.nextChanged(), { reference: 'INC-2' });
    } finally {
      onA.close();
      onB.close();
    }
  });
});

const MINUTE = 60_000;

/** How each reminder the run expects is recognised in Slack, by the wording of src/slack/blocks/nudge.ts. */
const REMINDER_TEXT = {
  no_lead: (reference: string) => new RegExp(`Nobody is leading ${reference} yet`),
  no_scribe: (reference: string) => new RegExp(`Nobody is scribe for ${reference}\\b`),
  missing_details: (reference: string) => new RegExp(`\\b${reference} has no [a-z ,]+ yet`),
  take_break: (reference: string) => new RegExp(`\\b${reference} has been running for [^:]+: take a break`),
} satisfies Partial<Record<NudgeKind, (reference: string) => RegExp>>;
type CountedReminder = keyof typeof REMINDER_TEXT;
const countedReminders = Object.keys(REMINDER_TEXT) as CountedReminder[];

/**
 * How often a reminder whose condition holds from the start is sent when the clock stops at each
 * of `stops` (ms after the start) and the checks then run; its condition ends at `until`. The rule
 * of nextNudgeAt without snoozes or working hours: first at `afterMs`, then `everyMs` after the last.
 */
function expectedSends(timing: NudgeTiming | null, stops: readonly number[], until = Number.POSITIVE_INFINITY): number {
  if (!timing) return 0;
  let last: number | null = null;
  let sent = 0;
  for (const at of stops.filter((s) => s <= until)) {
    const due = last === null ? timing.afterMs : timing.everyMs === null ? Number.POSITIVE_INFINITY : last + timing.everyMs;
    if (due <= at) {
      sent += 1;
      last = at;
    }
  }
  return sent;
}

describe('several instances on one PostgreSQL and one clock: each reminder sent once', () => {
  let db: ScratchPostgres;
  let fake: FakeSlack;
  let clock: ManualClock;
  let a: SlackHarness;
  let b: SlackHarness;

  before(async () => {
    db = await createScratchPostgres();
    fake = await startFakeSlack({ waitTimeoutMs: 20_000 });
    fake.addChannel({ name: ANNOUNCE_CHANNEL });
    for (let i = 1; i <= 8; i++) fake.addUser({ id: `U0N${i}`, name: `responder${i}`, email: `responder${i}@example.org` });
    // Both workers judge due times by this one clock, as instances on synchronised hosts would.
    clock = new ManualClock(new Date('2024-05-01T09:00:00.000Z'));
    a = await startSlackApp(db.databaseUrl, { fake, clock });
    b = await startSlackApp(db.databaseUrl, { fake, clock });
  });
  after(async () => {
    await Promise.allSettled([a?.close(), b?.close()]);
    await fake?.close();
    await db?.drop();
  });

  /** Wakes both workers and waits until neither has a due job left: no reminder check due, no Slack job left. */
  async function runDueJobs(what: string): Promise<void> {
    for (const slack of [a, b]) slack.app.worker.wake();
    await eventually(what, async () => {
      const now = clock.now().getTime();
      const left = await a.app.store.jobStore.list({ status: ['pending', 'running'], limit: 1000 });
      // Slack jobs count even when not yet due: one waiting out a retry would be a failed send.
      const busy = left.some((job) => job.status === 'running' || job.runAt.getTime() <= now || job.type.startsWith('slack.'));
      return busy ? undefined : true;
    }, 20_000);
  }

  it('a run of incidents with reminders, two workers on one clock: each reminder once in Slack and on the timeline, none after a lead is found', async (t) => {
    const count = 8;
    const step = 5 * MINUTE;
    const horizon = 2 * 60 * MINUTE;
    const leadAt = 20 * MINUTE;
    const settings = a.app.config.nudges;
    const start = clock.now().getTime();
    const titles = Array.from({ length: count }, (_, i) => `Reminded ${i + 1} queue backlog`);
    const instances = [a, b];

    await Promise.all(
      titles.map(async (title, i) => {
        const response = await instances[i % 2]!.send(declareRequest(title, `U0N${i + 1}`, `V0NUDGE${i + 1}`));
        assert.equal(response.status, 200, response.text);
      }),
    );
    const declared = async () => (await a.app.incidents.list({ limit: 100, text: 'queue backlog' })).items;
    await eventually('every incident declared and announced', async () => ((await declared()).length === count ? allJobsDone(a) : undefined), 30_000);
    await Promise.all(
      (await declared()).map(async (incident) => {
        const i = titles.indexOf(incident.title);
        const response = await instances[(i + 1) % 2]!.send(
          blockAction({ actionId: 'incident.create_channel', value: incident.id, userId: `U0N${i + 1}`, channelId: 'C0INCIDENTS' }),
        );
        assert.equal(response.status, 200, response.text);
      }),
    );
    await eventually('every channel made and its jobs run', async () => ((await declared()).every((i) => i.channel) ? allJobsDone(a) : undefined), 30_000);
    const items = (await declared()).sort((x, y) => x.number - y.number);
    for (const incident of items) {
      assert.equal(incident.startedAt.getTime(), start, `${incident.reference} started when the clock stood still`);
      assert.deepEqual(incident.roleAssignments, [], `${incident.reference} has nobody in a role`);
      assert.ok(!incident.severity && !incident.summary, `${incident.reference} has no severity or summary: no comms cadence, details missing`);
    }
    const channelOf = new Map(items.map((incident) => [incident.channel!.id, incident]));
    const runStartsAt = fake.calls.length;

    // One incident finds a lead part-way, in its channel, through the instance that did not declare it.
    const led = items[2]!;
    const leader = `U0N${titles.indexOf(led.title) + 1}`;
    const stops = Array.from({ length: horizon / step }, (_, i) => (i + 1) * step);
    for (const at of stops) {
      clock.set(new Date(start + at));
      await runDueJobs(`the reminders due at ${at / MINUTE} min to have been sent`);
      if (at === leadAt) {
        const answer = await slashIn(instances[(titles.indexOf(led.title) + 1) % 2]!, led.channel!.id, leader, `lead <@${leader}>`);
        assert.equal(answer.status, 200);
        await eventually(`${led.reference} to have a lead`, async () => ((await a.app.incidents.get(led.id)).roleAssignments.some((r) => r.role === 'lead') ? true : undefined));
        await runDueJobs(`the lead's Slack work on ${led.reference}`);
      }
    }

    // Every post the fake acted on in the incidents' channels since the clock began to move.
    const tally = new Map<string, Map<CountedReminder, number>>(items.map((incident) => [incident.reference, new Map()]));
    const others: string[] = [];
    for (const call of fake.calls.slice(runStartsAt)) {
      const incident = channelOf.get(String(call.params.channel ?? ''));
      if (call.method !== 'chat.postMessage' || call.rejected || !incident) continue;
      const kind = countedReminders.find((k) => REMINDER_TEXT[k](incident.reference).test(callText(call)));
      if (!kind) {
        others.push(`${incident.reference}: ${String(call.params.text)}`);
        continue;
      }
      const kinds = tally.get(incident.reference)!;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }

    const timing: Record<CountedReminder, NudgeTiming | null> = {
      no_lead: settings.noLead,
      no_scribe: settings.noScribe,
      missing_details: settings.missingDetails,
      take_break: settings.takeBreak,
    };
    let sent = 0;
    let expectedTotal = 0;
    let lost = 0;
    let duplicated = 0;
    const problems: string[] = [];
    for (const incident of items) {
      const timeline = (await a.app.timeline.list(incident.id)).filter((e) => e.kind === 'reminder').map((e) => e.text);
      for (const kind of countedReminders) {
        const expected = expectedSends(timing[kind], stops, kind === 'no_lead' && incident.id === led.id ? leadAt : undefined);
        const inSlack = tally.get(incident.reference)!.get(kind) ?? 0;
        const onTimeline = timeline.filter((text) => text === `Reminder sent: ${nudgeLabels[kind]}`).length;
        sent += inSlack;
        expectedTotal += expected;
        lost += Math.max(0, expected - inSlack);
        duplicated += Math.max(0, inSlack - expected);
        if (inSlack !== expected) problems.push(`${incident.reference} ${kind} in Slack: ${inSlack}, expected ${expected}`);
        if (onTimeline !== expected) problems.push(`${incident.reference} ${kind} on the timeline: ${onTimeline}, expected ${expected}`);
      }
    }
    t.diagnostic(`reminders on 2 instances: sent ${sent}, expected ${expectedTotal}; lost ${lost}, duplicated ${duplicated}`);
    assert.deepEqual(problems, [], 'each reminder sent as often as the schedule says, once each time, and told once on the timeline');
    for (const kind of countedReminders) assert.ok(expectedSends(timing[kind], stops) > 0, `the run is long enough to reach a ${kind} reminder`);
    assert.equal(expectedSends(settings.noLead, stops, leadAt), 2, 'the led incident was reminded at 5 and 15 minutes, then no more');
    assert.deepEqual(others, [`${led.reference}: <@${leader}> is now incident lead.`], 'nothing else posted in the channels but the new lead');
    const stats = await a.app.store.jobStore.stats(clock.now());
    assert.equal(stats.failed, 0, 'no job failed');
  });
});

describe('several instances on one PostgreSQL: a job half-run by a killed instance is finished by another', () => {
  let db: ScratchPostgres;
  let fake: FakeSlack;
  let a: ServerProcess | undefined;
  let b: SlackHarness | undefined;
  let observer: Store;

  before(async () => {
    db = await createScratchPostgres();
    fake = await startFakeSlack({ waitTimeoutMs: 20_000 });
    fake.addChannel({ name: ANNOUNCE_CHANNEL });
    fake.addUser({ id: 'U0KILL', name: 'kim', email: 'kim@example.org' });
    const target = parseDatabaseUrl(db.databaseUrl, process.cwd());
    assert.ok(target);
    observer = createStore(connect(target), { now: () => new Date() });
  });
  after(async () => {
    if (a && a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
    await a?.exited();
    await b?.close();
    await observer?.close();
    await fake?.close();
    await db?.drop();
  });

  it('kill -9 while conversations.create is in flight: the other instance adopts the channel, and the job completes once', async (t) => {
    a = await startServerProcess({
      DATABASE_URL: db.databaseUrl,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      PUBLIC_URL: 'https://incidents.example.org',
    });
    const sendToA = (request: Parameters<typeof signedFetch>[1]) => signedFetch(a!.baseUrl, request, { signingSecret: SIGNING_SECRET });
    const title = 'Killed mid channel creation';
    assert.equal((await sendToA(declareRequest(title, 'U0KILL', 'V0KILL1'))).status, 200);
    const [incident] = await eventually('the incident declared and announced on A', async () => {
      const items = await observer.incidents.list({ text: title }, { limit: 5 });
      return items.length === 1 && (await observer.slackMessages.find(items[0]!.id, 'headline')) ? items : undefined;
    });
    assert.ok(incident);

    // Slack acts on A's conversations.create but its answer never reaches A: A dies first.
    fake.delay(60_000, 'conversations.create');
    assert.equal((await sendToA(blockAction({ actionId: 'incident.create_channel', value: incident.id, userId: 'U0KILL', channelId: 'C0INCIDENTS' }))).status, 200);
    await fake.waitFor('conversations.create');
    const createJob = async () => (await observer.jobStore.list({ limit: 100 })).find((job) => job.type === 'slack.channel.create');
    await eventually('A to hold the channel job, and nothing else to be left', async () => {
      const left = await slackJobsLeft(observer.jobStore);
      return (await createJob())?.status === 'running' && left.length === 1 ? true : undefined;
    });

    // B runs beside A on a clock it can move: the job's lease (30 s) is compared with the clock
    // of the worker that would take it over, so moving B's clock stands in for waiting it out.
    let aheadMs = 0;
    const clock: Clock = { now: () => new Date(Date.now() + aheadMs) };
    b = await startSlackApp(db.databaseUrl, { fake, clock });
    await b.app.worker.idle();
    assert.equal((await createJob())?.status, 'running', 'B leaves a job alone while its lease runs');

    a.child.kill('SIGKILL');
    assert.equal((await a.exited()).signal, 'SIGKILL');
    fake.delay(0, 'conversations.create');
    aheadMs = LEASE_MS + 5_000;
    b.app.worker.wake();
    await eventually('B to finish the channel job and its follow-ups', async () => {
      return (await createJob())?.status === 'done' && (await slackJobsLeft(observer.jobStore)).length === 0 ? true : undefined;
    }, 20_000);

    const job = (await createJob())!;
    assert.equal(job.attempts, 2, "A's attempt, cut short, and B's, which completed it");
    assert.equal((await observer.jobStore.stats(new Date())).failed, 0);
    // At least once, so twice here: A's call took effect (its answer was lost with A), and B's
    // retry was refused with name_taken. The handler then adopts the channel it finds by name,
    // created by the bot and owned by no incident: one channel, never two.
    const creates = fake.callsTo('conversations.create');
    assert.deepEqual(creates.map((c) => c.response?.body.error ?? 'ok'), ['ok', 'name_taken']);
    const slug = slugify(title);
    const channels = [...fake.state.channels.values()].filter((c) => c.name.endsWith(`-${slug}`));
    assert.equal(channels.length, 1, 'one channel for the incident');
    const linked = await observer.incidents.findById(incident.id);
    assert.equal(linked?.channel?.id, channels[0]!.id, 'the incident is linked to the channel A created');
    // What follows the link ran once, on B.
    const tally = tallyByIncident(fake, [incident]).get(incident.reference);
    t.diagnostic(`after the takeover: ${JSON.stringify(Object.fromEntries(tally ?? []))}`);
    for (const kind of ['announcement', 'conversations.invite', 'conversations.setTopic', 'bookmarks.add', 'kickoff', 'headline chat.update']) {
      assert.equal(tally?.get(kind), 1, `${kind} once`);
    }
  });
});

describe('PostgreSQL live updates (LISTEN/NOTIFY): large audiences and a dropped listener', () => {
  let db: ScratchPostgres;
  const hubs: LiveUpdatesHub[] = [];
  const logged: string[] = [];
  const logger = createLogger(
    'info',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(chunk.toString());
        done();
      },
    }),
  );
  const lookedUp: string[] = [];
  const hub = () => {
    const created = createPostgresLiveUpdates({
      connectionString: db.databaseUrl,
      local: createInProcessLiveUpdates(),
      async lookUpAudience(id) {
        lookedUp.push(id);
        return ['U-LOOKED-UP' as UserId];
      },
      logger,
      retryDelayMs: () => 50,
    });
    hubs.push(created);
    return created;
  };
  const heard = (live: LiveUpdatesHub) => {
    const updates: LiveUpdate[] = [];
    live.subscribe((update) => updates.push(update));
    return updates;
  };

  before(async () => {
    db = await createScratchPostgres();
  });
  after(async () => {
    await Promise.allSettled(hubs.map((h) => h.close()));
    await db?.drop();
  });

  it('an audience too big for a NOTIFY is left out and looked up by each receiver, once, in order', async () => {
    const publisher = hub();
    const receiver = hub();
    await Promise.all([publisher.start(), receiver.start()]);
    const onPublisher = heard(publisher);
    const onReceiver = heard(receiver);
    const crowd = Array.from({ length: 300 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` as UserId);
    assert.ok(Buffer.byteLength(JSON.stringify(crowd)) > 8000, 'the audience alone is past the NOTIFY limit');

    publisher.publish({ incidentId: 'big' as IncidentId, reference: 'INC-1', audience: crowd });
    publisher.publish({ incidentId: 'small' as IncidentId, reference: 'INC-2', audience: ['U-ONE' as UserId] });
    publisher.publish({ incidentId: 'public' as IncidentId, reference: 'INC-3', audience: null });
    await eventually('both hubs to hear all three', () => (onPublisher.length === 3 && onReceiver.length === 3 ? true : undefined));

    const expected = [
      { incidentId: 'big', reference: 'INC-1', audience: ['U-LOOKED-UP'] },
      { incidentId: 'small', reference: 'INC-2', audience: ['U-ONE'] },
      { incidentId: 'public', reference: 'INC-3', audience: null },
    ];
    assert.deepEqual(onPublisher, expected, 'the publisher hears its own update once, through NOTIFY');
    assert.deepEqual(onReceiver, expected);
    assert.deepEqual(lookedUp, ['big', 'big'], 'looked up once per receiving instance, only when left out');
    await Promise.all([publisher.close(), receiver.close()]);
  });

  it('a listener whose connection drops reconnects (logged), then hears updates again', async () => {
    const publisher = hub();
    const receiver = hub();
    await receiver.start();
    const onReceiver = heard(receiver);
    // The admin connection sees every database's sessions: this one's listener is ours.
    const name = new URL(db.databaseUrl).pathname.slice(1);
    const listening = `from pg_stat_activity where datname = $1 and query = 'LISTEN ${LIVE_UPDATES_CHANNEL}'`;
    assert.equal((await queryAdmin(db.adminUrl, `select pid ${listening}`, [name])).length, 1, 'one listening connection');
    await queryAdmin(db.adminUrl, `select pg_terminate_backend(pid) ${listening}`, [name]);
    await eventually('the drop to be logged', () => (logged.some((line) => /lost the PostgreSQL listener/.test(line)) ? true : undefined));
    // Pages miss what is published while the listener is down; publish until one gets through.
    let n = 0;
    await eventually('an update to arrive after the reconnect', async () => {
      n += 1;
      publisher.publish({ incidentId: 'again' as IncidentId, reference: `INC-${n}`, audience: null });
      return onReceiver.length > 0 ? true : undefined;
    });
    assert.ok(logged.some((line) => /listening on PostgreSQL again/.test(line)));
  });
});
