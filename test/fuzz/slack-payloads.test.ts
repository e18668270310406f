import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import fc from 'fast-check';
import { nudgeKinds } from '../../src/domain/nudges.js';
import { actionIds, blockIds, optionValues, viewCallbackIds } from '../../src/slack/blocks/ids.js';
import { describeEngines } from '../support/engines.js';
import { signSlackRequest } from '../support/slack-requests.js';
import { anyField, anyJson, commandText, fieldString, someOf } from './support/arbitraries.js';
import { openDbProbe, snapshotDiff, type DbProbe } from './support/db-probe.js';
import { listenersSettled, SIGNING_SECRET, startFuzzApp, type FuzzApp } from './support/fuzz-app.js';
import { fewerRunsNote, fuzzRunsOn, Outcomes, runFuzz, useMemoryBackedTmpdir } from './support/fuzz-run.js';

/*
 * Signed but arbitrary Slack requests to /slack/events: slash commands with random or missing
 * fields, Events API callbacks of every shape the app listens to (and others, with fields of the
 * wrong type), interactivity payloads (buttons, modal submissions with random state, shortcuts).
 * Properties: never a 5xx, never an error in the log (a listener that crashed answers Slack 200,
 * so the log is where it shows), a refused request writes nothing, every change is whole, and the
 * app still answers /healthz. FUZZ_RUNS cases on SQLite, a quarter of them on PostgreSQL.
 */

interface World {
  readonly open: string;
  readonly closed: string;
  readonly responseUrl: string;
}

// Replaced by a fresh trigger id per request: Slack's (and the fake's) trigger ids work once, and
// Slack sends one with every command, button and submission, so it is never left out or garbled.
const TRIGGER = 'TRIGGERMARK';
const withTrigger = (payload: Record<string, unknown>) => ({ ...payload, trigger_id: TRIGGER });
const ts = fc.constantFrom('1704099600.000100', '1704099601.000200', '1700000000.000100', '', 'x', '99999999999999999999.1', '-1.0', '1704099600');
const user = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('U0ALICE', 'U0BOB', 'UBOT', 'W0GRID') }, { weight: 1, arbitrary: fieldString });
const channel = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('C0INC1', 'C0INC2', 'C0GENERAL') }, { weight: 1, arbitrary: fieldString });
// Event and view ids repeat now and then, as Slack's retries and double submits do.
const eventId = fc.integer({ min: 0, max: 400 }).map((n) => `Ev0FUZZ${n}`);
const viewId = fc.integer({ min: 0, max: 400 }).map((n) => `V0FUZZ${n}`);

/** A form field as Slack sends it: text, whatever the generator made. */
const formValue = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value) ?? '');

function slashCommand(world: World) {
  return someOf({
    token: fc.constant('fake-verification-token'),
    team_id: fc.constant('T0TEAM'),
    channel_id: channel,
    user_id: user,
    command: fc.oneof({ weight: 10, arbitrary: fc.constant('/incident') }, { weight: 1, arbitrary: fc.constantFrom('/other', '', '/INCIDENT') }),
    text: commandText,
    api_app_id: fc.constant('A0FAKEAPP'),
    response_url: fc.constant(world.responseUrl),
  }).map((fields) => ({
    contentType: 'application/x-www-form-urlencoded',
    body: new URLSearchParams(Object.entries({ ...fields, trigger_id: TRIGGER }).map(([k, v]): [string, string] => [k, formValue(v)])).toString(),
  }));
}

function slackEvent() {
  const message = someOf({ type: fc.constant('message'), user, text: commandText, ts, permalink: fc.constant('https://fake.slack.com/archives/C0INC1/p1'), files: fc.array(someOf({ name: fieldString, title: fieldString }), { maxLength: 2 }) });
  return fc.oneof(
    someOf({ type: fc.constant('app_mention'), user, text: commandText.map((t) => `<@UBOT> ${t}`), channel, ts, event_ts: ts, thread_ts: ts }),
    someOf({ type: fc.constant('message'), subtype: fc.constantFrom('bot_message', 'message_changed', 'channel_join', 'file_share'), channel, user, text: commandText, ts, channel_type: fc.constantFrom('channel', 'im') }),
    someOf({
      type: fc.constantFrom('pin_added', 'pin_removed'),
      user,
      channel_id: channel,
      item: someOf({ type: fc.constantFrom('message', 'file'), channel, created: fc.integer(), created_by: user, message }),
      item_user: user,
      event_ts: ts,
      has_pins: fc.boolean(),
    }),
    someOf({ type: fc.constant('reaction_added'), user, reaction: fc.constantFrom('pushpin', 'memo', 'x', ''), item: someOf({ type: fc.constant('message'), channel, ts }), item_user: user, event_ts: ts }),
    someOf({ type: fc.constantFrom('member_joined_channel', 'member_left_channel'), user, channel, channel_type: fc.constantFrom('C', 'G'), team: fc.constant('T0TEAM'), inviter: user, event_ts: ts }),
    someOf({ type: fc.constantFrom('channel_rename', 'channel_archive', 'app_home_opened', 'team_join', 'tokens_revoked', 'x'), user, channel, event_ts: ts }),
    anyJson,
  );
}

function eventsApi() {
  return fc
    .oneof(
      { weight: 12, arbitrary: someOf({ type: fc.constant('event_callback'), token: fc.constant('fake-verification-token'), team_id: fc.constant('T0TEAM'), api_app_id: fc.constant('A0FAKEAPP'), event: slackEvent(), event_id: eventId, event_time: fc.integer({ min: 0, max: 2_000_000_000 }) }) },
      { weight: 1, arbitrary: someOf({ type: fc.constantFrom('url_verification', 'app_rate_limited', 'block_actions'), challenge: fieldString, token: fieldString }) },
      { weight: 1, arbitrary: anyJson },
    )
    .map((payload) => ({ contentType: 'application/json', body: JSON.stringify(payload) ?? 'null' }));
}

function interactivity(world: World) {
  const incidentId = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(world.open, world.closed) }, { weight: 1, arbitrary: fieldString });
  const payloadUser = someOf({ id: user, username: fieldString, name: fieldString, team_id: fc.constant('T0TEAM') });
  const actionValue = fc.oneof(
    incidentId,
    fc.tuple(incidentId, fc.constantFrom('lead', 'scribe', 'commsLead', 'reporter', 'SME', '')).map(([id, role]) => JSON.stringify({ incidentId: id, role })),
    fc.tuple(incidentId, fc.constantFrom(...nudgeKinds, 'x'), fc.oneof(fc.integer({ min: -1, max: 86_400_000 }), fc.constant(1e300))).map(([id, kind, forMs]) => JSON.stringify({ incidentId: id, kind, forMs })),
    anyJson.map((v) => JSON.stringify(v)),
  );
  const blockActions = someOf({
    type: fc.constant('block_actions'),
    user: payloadUser,
    team: fc.constant({ id: 'T0TEAM', domain: 'fake' }),
    api_app_id: fc.constant('A0FAKEAPP'),
    container: someOf({ type: fc.constantFrom('message', 'view'), channel_id: channel, message_ts: ts, view_id: viewId, is_ephemeral: fc.boolean() }),
    channel: someOf({ id: channel, name: fieldString }),
    message: someOf({ type: fc.constant('message'), ts, text: fieldString, blocks: fc.constant([]) }),
    response_url: fc.constant(world.responseUrl),
    actions: fc.array(
      someOf({
        action_id: fc.constantFrom(...Object.values(actionIds), 'x'),
        block_id: fieldString,
        value: actionValue,
        type: fc.constantFrom('button', 'static_select', 'overflow'),
        action_ts: ts,
        selected_option: someOf({ value: fieldString }),
      }),
      { maxLength: 2 },
    ),
    state: fc.constant({ values: {} }),
  });
  const stateValue = someOf({
    type: fc.constantFrom('plain_text_input', 'static_select', 'users_select', 'datepicker', 'checkboxes', 'radio_buttons', 'multi_users_select'),
    value: fc.oneof(commandText, fc.constant(null)),
    selected_option: fc.oneof(someOf({ value: fc.constantFrom(...Object.values(optionValues), 'critical', 'major', 'trivial', 'operational', 'degraded_performance', 'investigating', 'x'), text: fc.constant({ type: 'plain_text', text: 'x' }) }), fc.constant(null)),
    selected_options: fc.array(someOf({ value: fc.constantFrom(...Object.values(optionValues), 'x') }), { maxLength: 2 }),
    selected_user: fc.oneof(user, fc.constant(null)),
    selected_users: fc.array(user, { maxLength: 3 }),
    selected_date: fc.constantFrom('2026-12-01', '2023-12-31', '2026-02-30', 'tomorrow', '', null),
  });
  const blockNames = [...Object.values(blockIds), 'component:API', 'component:Website', 'x'];
  const values = fc.dictionary(
    fc.constantFrom(...blockNames),
    fc.constantFrom(...blockNames).chain((name) => fc.dictionary(fc.oneof({ weight: 4, arbitrary: fc.constant(name.startsWith('component:') ? actionIds.componentState : name) }, { weight: 1, arbitrary: fc.constantFrom(...blockNames) }), stateValue, { maxKeys: 2 })),
    { maxKeys: 10 },
  );
  const metadata = fc.oneof(
    incidentId.map((id) => JSON.stringify({ incidentId: id })),
    channel.map((c) => JSON.stringify({ channelId: c, responseUrl: world.responseUrl })),
    anyJson.map((v) => JSON.stringify(v)),
    fieldString,
  );
  const viewSubmission = someOf({
    type: fc.constant('view_submission'),
    user: payloadUser,
    team: fc.constant({ id: 'T0TEAM', domain: 'fake' }),
    api_app_id: fc.constant('A0FAKEAPP'),
    view: someOf({
      id: viewId,
      team_id: fc.constant('T0TEAM'),
      type: fc.constant('modal'),
      callback_id: fc.constantFrom(...Object.values(viewCallbackIds), 'x'),
      private_metadata: metadata,
      state: values.map((v) => ({ values: v })),
      hash: fc.constant('1.abc'),
      root_view_id: viewId,
      blocks: fc.constant([]),
    }),
    response_urls: fc.constant([]),
  });
  const other = someOf({
    type: fc.constantFrom('shortcut', 'message_action', 'view_closed', 'block_suggestion', 'dialog_submission', 'x'),
    callback_id: fieldString,
    user: payloadUser,
    team: fc.constant({ id: 'T0TEAM', domain: 'fake' }),
    channel: someOf({ id: channel }),
    message: someOf({ ts, text: fieldString }),
    view: someOf({ id: viewId, callback_id: fc.constantFrom(...Object.values(viewCallbackIds)) }),
    action_id: fieldString,
    value: fieldString,
  });
  return fc
    .oneof({ weight: 5, arbitrary: blockActions.map(withTrigger) }, { weight: 6, arbitrary: viewSubmission.map(withTrigger) }, { weight: 2, arbitrary: other.map(withTrigger) }, { weight: 1, arbitrary: anyField })
    .map((payload) => ({ contentType: 'application/x-www-form-urlencoded', body: new URLSearchParams({ payload: JSON.stringify(payload) ?? 'null' }).toString() }));
}

const malformed = fc
  .constantFrom('payload=%7B', 'payload=', 'payload=null', 'payload=%5B%5D', '{', '', '%%%', 'command=/incident&text=%ZZ', 'payload=1&payload=2')
  .chain((body) => fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain').map((contentType) => ({ contentType, body })));

useMemoryBackedTmpdir();

describeEngines('fuzz: signed Slack payloads', (ctx) => {
  let fuzz: FuzzApp;
  let probe: DbProbe;
  let world: World;

  before(async () => {
    ctx.clock.set(new Date('2024-01-01T09:00:00.000Z'));
    fuzz = await startFuzzApp(ctx.databaseUrl, { clock: ctx.clock, slack: true });
    probe = openDbProbe(ctx.databaseUrl);
    const { app } = fuzz;
    const { user: seed } = await app.users.fromSlack('U0SEED');
    const actor = { user: seed, source: 'slack' as const };
    const open = await app.incidents.declare(actor, { title: 'Fuzz: open incident' });
    await app.incidents.linkChannel(actor, open.id, { id: 'C0INC1', name: 'inc-1-fuzz-open' });
    const closed = await app.incidents.declare(actor, { title: 'Fuzz: closed incident' });
    await app.incidents.linkChannel(actor, closed.id, { id: 'C0INC2', name: 'inc-2-fuzz-closed' });
    await app.incidents.update(actor, closed.id, { status: 'closed' });
    world = { open: open.id, closed: closed.id, responseUrl: fuzz.fake!.responseUrl() };
  });
  after(async () => {
    await probe.close();
    await fuzz.close();
  });

  ctx.test('signed arbitrary payloads: never a 5xx or a logged error, refusals write nothing, changes are whole', async () => {
    const outcomes = new Outcomes();
    const request = fc.oneof({ weight: 4, arbitrary: slashCommand(world) }, { weight: 5, arbitrary: eventsApi() }, { weight: 6, arbitrary: interactivity(world) }, { weight: 1, arbitrary: malformed });
    let last = await probe.snapshot();
    let cases = 0;
    const property = fc.asyncProperty(request, async (req) => {
      // The fake keeps every call it answered; only the workspace matters here.
      if (++cases % 500 === 0) fuzz.fake!.reset();
      const now = Math.floor(ctx.clock.now().getTime() / 1000);
      const mark = fuzz.errors.lines.length;
      const body = req.body.replaceAll(TRIGGER, `1704099600.${cases}.abc`);
      const response = await fuzz.app.server.inject({
        method: 'POST',
        url: '/slack/events',
        headers: { 'content-type': req.contentType, 'x-slack-request-timestamp': String(now), 'x-slack-signature': signSlackRequest(body, SIGNING_SECRET, now) },
        payload: body,
      });
      await listenersSettled();
      outcomes.add(response.statusCode);
      const before = last;
      const after = await probe.snapshot();
      last = after;
      const context = `${req.contentType} ${body.slice(0, 1500)} → ${response.statusCode} ${response.body.slice(0, 300)}`;
      assert.ok(response.statusCode < 500, context);
      assert.deepEqual(fuzz.errors.since(mark), [], `${context}: the app logged errors`);
      const diff = snapshotDiff(before, after);
      if (response.statusCode >= 400) assert.equal(diff, '', `${context}: a refused request wrote`);
      else if (diff !== '') assert.deepEqual(await probe.violations(), [], `${context}: the change is not whole (${diff})`);
    });
    await runFuzz(property, { surface: 'slack-payloads', engine: ctx.engine, outcomes, shrink: false, runs: fuzzRunsOn(ctx.engine), note: fewerRunsNote(ctx.engine) });
    assert.ok(outcomes.count(200) > 0, 'some requests were taken');
    assert.deepEqual(await probe.violations('all'), [], 'the data is whole at the end of the run');
    assert.ok(await fuzz.healthy(), '/healthz still answers');
  });
});
