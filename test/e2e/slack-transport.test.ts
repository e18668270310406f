import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Incident } from '../../src/domain/incident.js';
import { describeEngines } from '../support/engines.js';
import { deliveredTo, type FakeSlackCall } from '../support/fake-slack.js';
import { COMMAND, SIGNING_SECRET, startSlackApp, type SlackHarness } from '../support/slack-app.js';
import {
  blockAction,
  eventCallback,
  signSlackRequest,
  slashCommand,
  urlVerification,
  viewSubmission,
  type SlackRequest,
} from '../support/slack-requests.js';

const REPORTER = 'U0REPORTER';
const nowS = () => Math.floor(Date.now() / 1000);

interface DeclareInput {
  readonly viewId: string;
  readonly title: string;
  readonly kind?: 'live' | 'report';
  readonly private?: boolean;
  readonly userId?: string;
}

/** The declare modal as Slack submits it. */
function declareSubmission(input: DeclareInput): SlackRequest<unknown> {
  return viewSubmission({
    callbackId: 'incident.declare',
    userId: input.userId ?? REPORTER,
    viewId: input.viewId,
    privateMetadata: JSON.stringify({ channelId: 'C0TEAM' }),
    values: {
      kind: { kind: { type: 'radio_buttons', selected_option: { value: input.kind ?? 'live' } } },
      title: { title: { type: 'plain_text_input', value: input.title } },
      severity: { severity: { type: 'static_select', selected_option: { value: 'major' } } },
      private: { private: { type: 'checkboxes', selected_options: input.private ? [{ value: 'private' }] : [] } },
    },
  });
}

async function allIncidents(slack: SlackHarness): Promise<Incident[]> {
  return (await slack.app.incidents.list({ limit: 1000 })).items;
}

async function findIncident(slack: SlackHarness, title: string): Promise<Incident> {
  const found = (await allIncidents(slack)).filter((i) => i.title === title);
  assert.equal(found.length, 1, `one incident titled "${title}"`);
  return found[0]!;
}

/** What the app has done so far, once its background work has settled. */
async function effects(slack: SlackHarness): Promise<{ calls: number; incidents: number }> {
  await slack.app.worker.idle();
  return { calls: slack.fake.calls.length, incidents: (await allIncidents(slack)).length };
}

const headlineFor = (reference: string) => (call: FakeSlackCall) =>
  deliveredTo('chat.postMessage')(call) && JSON.stringify(call.params.blocks ?? null).includes(`${reference}:`);

function assertOk(call: FakeSlackCall | undefined): void {
  assert.ok(call, 'the call was made');
  assert.equal(call.response?.body.ok, true, `Slack answered ${JSON.stringify(call.response?.body)}`);
}

const channelCreated = (c: FakeSlackCall) => deliveredTo('conversations.create')(c) && c.response?.body.ok === true;

/** Declares through the modal and presses "Create comms channel"; resolves with the linked incident. */
async function declareWithChannel(slack: SlackHarness, input: DeclareInput): Promise<Incident> {
  const created = slack.fake.calls.filter(channelCreated).length;
  const submitted = await slack.send(declareSubmission(input));
  assert.equal(submitted.status, 200);
  const [incident] = await allIncidents(slack);
  assert.ok(incident);
  assert.equal(incident.title, input.title.trim());
  const pressed = await slack.send(
    blockAction({ actionId: 'incident.create_channel', value: incident.id, userId: input.userId ?? REPORTER, channelId: 'C0INCIDENTS', responseUrl: slack.fake.responseUrl() }),
  );
  assert.equal(pressed.status, 200);
  await slack.fake.waitFor(channelCreated, created + 1);
  await slack.app.worker.idle();
  const linked = await slack.app.incidents.get(incident.id);
  assert.ok(linked.channel, 'the incident has a channel');
  return linked;
}

const ymd = (date: Date) => date.toISOString().slice(0, 10).replaceAll('-', '');

/** Starts the app (and its fake Slack, with these channels) before the suite's tests and stops it after them. */
function useSlackApp(databaseUrl: string, options: { env?: Record<string, string>; channels: readonly string[] }): () => SlackHarness {
  let slack: SlackHarness | undefined;
  before(async () => {
    slack = await startSlackApp(databaseUrl, { env: options.env ?? {} });
    for (const name of options.channels) if (!slack.fake.channelByName(name)) slack.fake.addChannel({ name });
    slack.fake.addUser({ id: REPORTER, name: 'rita', realName: 'Rita Reporter', email: 'rita@example.org' });
    // The app asks who it is at start; let that settle so it is not counted as a test's effect.
    await slack.fake.waitFor('auth.test');
  });
  after(() => slack?.close());
  return () => {
    if (!slack) throw new Error('the Slack app is not started');
    return slack;
  };
}

describeEngines('Slack transport: signatures, bodies, acks, declare edge cases', (ctx) => {
  // Nested so that the app stops before describeEngines drops the database.
  describe('over HTTP', () => {
    const app = useSlackApp(ctx.databaseUrl, { channels: ['incidents'] });
    let slack: SlackHarness;
    before(() => {
      slack = app();
    });

    ctx.test('a request with a bad signature is refused with 401 and has no effect', async () => {
      const baseline = await effects(slack);
      const declare = declareSubmission({ viewId: 'V0FORGED1', title: 'Forged incident' });
      const command = slashCommand({ command: COMMAND, text: 'Forged', userId: REPORTER, channelId: 'C0TEAM', responseUrl: slack.fake.responseUrl() });
      const ts = nowS();
      const refused = [
        await slack.send(declare, { signature: `v0=${'0'.repeat(64)}` }),
        await slack.send(declare, { signingSecret: 'not-the-signing-secret' }),
        await slack.send(command, { signature: 'garbage' }),
        // Signed over other bytes than those sent: a tampered body.
        await slack.send(declare, { signature: signSlackRequest(command.body, SIGNING_SECRET, ts), timestamp: ts }),
        // Signed at one time, sent claiming another (a replay with a fresh timestamp header).
        await slack.send(declare, { timestamp: ts - 30, timestampHeader: String(ts) }),
      ];
      assert.deepEqual(
        refused.map((r) => r.status),
        [401, 401, 401, 401, 401],
      );
      assert.deepEqual(await effects(slack), baseline);
      assert.equal(slack.fake.callsTo('views.open').length, 0);
      assert.equal(slack.fake.responses.length, 0);
    });

    ctx.test('a request without a signature or timestamp header is refused with 401', async () => {
      const baseline = await effects(slack);
      const declare = declareSubmission({ viewId: 'V0UNSIGNED', title: 'Unsigned incident' });
      assert.equal((await slack.send(declare, { signature: null })).status, 401);
      assert.equal((await slack.send(declare, { timestampHeader: null })).status, 401);
      assert.equal((await slack.send(declare, { timestampHeader: 'yesterday' })).status, 401);
      assert.deepEqual(await effects(slack), baseline);
    });

    ctx.test('a timestamp six minutes old or six minutes ahead is refused with 401; four minutes old is accepted', async () => {
      const baseline = await effects(slack);
      const declare = declareSubmission({ viewId: 'V0STALE', title: 'Replayed incident' });
      assert.equal((await slack.send(declare, { timestamp: nowS() - 6 * 60 })).status, 401);
      assert.equal((await slack.send(declare, { timestamp: nowS() + 6 * 60 })).status, 401);
      assert.equal((await slack.send(urlVerification('stale'), { timestamp: nowS() - 6 * 60 })).status, 401);
      assert.deepEqual(await effects(slack), baseline);

      const fresh = await slack.send(urlVerification('fresh'), { timestamp: nowS() - 4 * 60 });
      assert.equal(fresh.status, 200);
      assert.deepEqual(fresh.json(), { challenge: 'fresh' });
      const command = slashCommand({ command: COMMAND, text: 'Four minutes late', userId: REPORTER, channelId: 'C0TEAM', triggerId: 'trig-late', responseUrl: slack.fake.responseUrl() });
      assert.equal((await slack.send(command, { timestamp: nowS() - 4 * 60 })).status, 200);
      const [open] = await slack.fake.waitFor(deliveredTo('views.open'));
      assert.equal(open!.params.trigger_id, 'trig-late');
    });

    ctx.test('a correctly signed body that is not JSON is refused with 400, never 500', async () => {
      const baseline = await effects(slack);
      const bodies = ['{"type":"event_callback",', 'null', '"text"', '', 'not json at all'];
      for (const body of bodies) {
        const response = await slack.send(body, { contentType: 'application/json' });
        assert.equal(response.status, 400, `JSON body ${JSON.stringify(body)} answered ${response.status} ${response.text}`);
        assert.match(response.text, /slack\.malformed/);
      }
      assert.deepEqual(await effects(slack), baseline);
    });

    ctx.test('a correctly signed form whose payload field is not JSON is refused with 400, never 500', async () => {
      const baseline = await effects(slack);
      const payloads = ['{"type":"view_submission",', 'null', '42', '%%%'];
      for (const payload of payloads) {
        const response = await slack.send(new URLSearchParams({ payload }).toString(), { contentType: 'application/x-www-form-urlencoded' });
        assert.equal(response.status, 400, `payload=${payload} answered ${response.status} ${response.text}`);
      }
      assert.deepEqual(await effects(slack), baseline);
    });

    ctx.test('a signed ssl_check is answered 200', async () => {
      const response = await slack.send('ssl_check=1&token=fake-verification-token', { contentType: 'application/x-www-form-urlencoded' });
      assert.equal(response.status, 200);
      assert.equal(response.text, '');
    });

    ctx.test('an event type the app does not handle is acked with 200 at once and does nothing', async () => {
      const baseline = await effects(slack);
      const response = await slack.send(
        eventCallback({ type: 'member_joined_channel', user: REPORTER, channel: 'C0TEAM', channel_type: 'C', team: 'T0TEAM', event_ts: `${nowS()}.000100` }),
      );
      assert.equal(response.status, 200);
      assert.equal(response.text, '');
      // Well inside Slack's 3 s, and not held until our 2.5 s fallback deadline.
      assert.ok(response.elapsedMs < 1000, `answered after ${Math.round(response.elapsedMs)} ms`);
      assert.deepEqual(await effects(slack), baseline);
    });

    ctx.test('an unknown block action id is acked with 200 at once and does nothing', async () => {
      const baseline = await effects(slack);
      const response = await slack.send(
        blockAction({ actionId: 'incident.no_such_button', value: 'x', userId: REPORTER, channelId: 'C0INCIDENTS', responseUrl: slack.fake.responseUrl() }),
      );
      assert.equal(response.status, 200);
      assert.equal(response.text, '');
      assert.ok(response.elapsedMs < 1000, `answered after ${Math.round(response.elapsedMs)} ms`);
      assert.deepEqual(await effects(slack), baseline);
      assert.equal(slack.fake.responses.length, 0);
    });

    ctx.test('a report is announced in the incidents channel with no "Create comms channel" button', async () => {
      const response = await slack.send(declareSubmission({ viewId: 'V0REPORT1', title: 'Backups did not run last night', kind: 'report' }));
      assert.equal(response.status, 200);
      const incident = await findIncident(slack, 'Backups did not run last night');
      assert.equal(incident.reportOnly, true);
      const [post] = await slack.fake.waitFor(headlineFor(incident.reference));
      assertOk(post);
      assert.equal(post!.params.channel, 'incidents');
      const headline = JSON.stringify(post!.params.blocks);
      assert.doesNotMatch(headline, /incident\.create_channel/);
      assert.doesNotMatch(headline, /Create comms channel/);
    });

    ctx.test('a private incident gets a private comms channel', async () => {
      const incident = await declareWithChannel(slack, { viewId: 'V0PRIVATE1', title: 'Secret key leaked', private: true });
      assert.equal(incident.private, true);
      const create = slack.fake.callsTo('conversations.create').find((c) => c.params.name === incident.channel!.name);
      assert.ok(create);
      assert.ok(create.params.is_private === true || create.params.is_private === 'true', `is_private was ${JSON.stringify(create.params.is_private)}`);
      assert.equal(slack.fake.state.channels.get(incident.channel!.id)?.isPrivate, true);
    });

    ctx.test('a private incident is not announced in the public channel: its headline goes to the reporter alone', async () => {
      const before = slack.fake.messagesIn('incidents').length;
      const incident = await declareWithChannel(slack, { viewId: 'V0PRIVATE2', title: 'Payroll data exposed', private: true });
      await slack.app.worker.idle();
      const announced = slack.fake.messagesIn('incidents').slice(before);
      assert.ok(!announced.some((m) => JSON.stringify(m).includes(incident.reference)), 'nothing about it in #incidents');
      const dm = slack.fake.calls.find((c) => headlineFor(incident.reference)(c) && String(c.params.channel).startsWith('D'));
      assertOk(dm);
    });

    ctx.test('an incident made private after its announcement leaves no details in the public channel', async () => {
      const incident = await declareWithChannel(slack, { viewId: 'V0PUBLIC3', title: 'Database credentials in a log' });
      await slack.app.worker.idle();
      const [announcement] = slack.fake.calls.filter((c) => headlineFor(incident.reference)(c) && c.params.channel === 'incidents');
      assertOk(announcement);
      await slack.app.incidents.update({ user: incident.reporter, source: 'api' }, incident.id, { private: true });
      await slack.app.worker.idle();
      const ts = String((announcement!.response?.body as { ts?: string }).ts);
      const [latest] = slack.fake.messagesIn('incidents').filter((m) => m.ts === ts);
      assert.ok(latest);
      assert.doesNotMatch(JSON.stringify(latest), /Database credentials/);
      assert.match(JSON.stringify(latest), /private/);
    });

    ctx.test('a 300-character title is shown as an error in the modal and declares nothing', async () => {
      const baseline = await effects(slack);
      const posts = slack.fake.callsTo('chat.postMessage').length;
      const response = await slack.send(declareSubmission({ viewId: 'V0LONGTITLE', title: 'x'.repeat(300) }));
      assert.equal(response.status, 200);
      const body = response.json();
      assert.deepEqual(Object.keys(body as object), ['response_action', 'errors']);
      const { response_action, errors } = body as { response_action: string; errors: Record<string, string> };
      assert.equal(response_action, 'errors');
      assert.deepEqual(Object.keys(errors), ['title']);
      assert.match(errors.title!, /200/);
      await slack.app.worker.idle();
      assert.equal((await allIncidents(slack)).length, baseline.incidents);
      assert.equal(slack.fake.callsTo('chat.postMessage').length, posts);
    });

    ctx.test('a title of only spaces is shown as an error in the modal and declares nothing', async () => {
      const baseline = await effects(slack);
      const posts = slack.fake.callsTo('chat.postMessage').length;
      const response = await slack.send(declareSubmission({ viewId: 'V0BLANKTITLE', title: '     ' }));
      assert.equal(response.status, 200);
      const body = response.json() as { response_action?: string; errors?: Record<string, string> };
      assert.equal(body.response_action, 'errors');
      assert.deepEqual(Object.keys(body.errors ?? {}), ['title']);
      assert.match(body.errors!.title!, /empty/i);
      await slack.app.worker.idle();
      assert.equal((await allIncidents(slack)).length, baseline.incidents);
      assert.equal(slack.fake.callsTo('chat.postMessage').length, posts);
    });

    ctx.test('after an input error, the corrected submission of the same modal (same view id) declares', async () => {
      // Slack keeps the view id when the person fixes the error and submits again.
      const first = await slack.send(declareSubmission({ viewId: 'V0FIXED', title: ' ' }));
      assert.equal((first.json() as { response_action?: string }).response_action, 'errors');
      const second = await slack.send(declareSubmission({ viewId: 'V0FIXED', title: 'Search returns nothing' }));
      assert.equal(second.status, 200);
      assert.equal(second.text, '');
      await findIncident(slack, 'Search returns nothing');
    });

    ctx.test('when inc-<date>-<slug> is taken, the comms channel gets a -2 suffix', async () => {
      const title = 'Payments are failing';
      const submitted = await slack.send(declareSubmission({ viewId: 'V0TAKEN', title }));
      assert.equal(submitted.status, 200);
      const incident = await findIncident(slack, title);
      const taken = `inc-${ymd(incident.startedAt)}-payments-are-failing`;
      // Someone else's channel: not one of ours to adopt.
      slack.fake.addChannel({ name: taken, creator: 'U0SOMEONE', members: ['U0SOMEONE'] });
      await slack.send(blockAction({ actionId: 'incident.create_channel', value: incident.id, userId: REPORTER, channelId: 'C0INCIDENTS', responseUrl: slack.fake.responseUrl() }));
      await slack.fake.waitFor((c) => deliveredTo('conversations.create')(c) && c.params.name === `${taken}-2`);
      await slack.app.worker.idle();
      const linked = await slack.app.incidents.get(incident.id);
      assert.equal(linked.channel?.name, `${taken}-2`);
      assert.equal(slack.fake.channelByName(`${taken}-2`)?.id, linked.channel?.id);
    });

    ctx.test('a second incident with the same title on the same day gets a -2 channel, not the first one\'s', async () => {
      const first = await declareWithChannel(slack, { viewId: 'V0SAME1', title: 'Uploads are slow' });
      const second = await declareWithChannel(slack, { viewId: 'V0SAME2', title: 'Uploads are slow ' });
      assert.notEqual(second.channel!.id, first.channel!.id);
      assert.equal(second.channel!.name, `${first.channel!.name}-2`);
      assert.equal((await slack.app.incidents.get(first.id)).channel?.id, first.channel!.id);
    });

    ctx.test('a declare modal submitted twice (same view id) declares one incident', async () => {
      const title = 'Login page is blank';
      const request = declareSubmission({ viewId: 'V0DOUBLE', title });
      const responses = [...(await Promise.all([slack.send(request), slack.send(request)])), await slack.send(request)];
      assert.deepEqual(
        responses.map((r) => [r.status, r.text]),
        [
          [200, ''],
          [200, ''],
          [200, ''],
        ],
      );
      const incident = await findIncident(slack, title);
      await slack.fake.waitFor(headlineFor(incident.reference));
      await slack.app.worker.idle();
      assert.equal(slack.fake.calls.filter(headlineFor(incident.reference)).length, 1);
    });
  });
});

describeEngines('Slack transport: INCIDENT_REPORT_CHANNEL', (ctx) => {
  describe('over HTTP', () => {
    const app = useSlackApp(ctx.databaseUrl, { env: { INCIDENT_REPORT_CHANNEL: '#incident-reports' }, channels: ['incidents', 'incident-reports'] });
    let slack: SlackHarness;
    before(() => {
      slack = app();
    });

    ctx.test('a report is announced in INCIDENT_REPORT_CHANNEL, a live incident still in the incidents channel', async () => {
      await slack.send(declareSubmission({ viewId: 'V0RPT', title: 'Emails were delayed on Monday', kind: 'report' }));
      await slack.send(declareSubmission({ viewId: 'V0LIVE', title: 'Emails are delayed now' }));
      const report = await findIncident(slack, 'Emails were delayed on Monday');
      const live = await findIncident(slack, 'Emails are delayed now');
      const [reportPost] = await slack.fake.waitFor(headlineFor(report.reference));
      const [livePost] = await slack.fake.waitFor(headlineFor(live.reference));
      assertOk(reportPost);
      assertOk(livePost);
      assert.equal(reportPost!.params.channel, 'incident-reports');
      assert.doesNotMatch(JSON.stringify(reportPost!.params.blocks), /incident\.create_channel/);
      assert.equal(livePost!.params.channel, 'incidents');
      assert.match(JSON.stringify(livePost!.params.blocks), /incident\.create_channel/);
    });
  });
});
