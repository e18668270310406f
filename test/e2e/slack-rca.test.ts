import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { IncidentId } from '../../src/domain/ids.js';
import { describeEngines } from '../support/engines.js';
import { eventually } from '../support/eventually.js';
import { deliveredTo, type FakeSlackCall, type JsonValue } from '../support/fake-slack.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { blockAction, viewSubmission, type ViewStateValues, type ViewStateValueInput } from '../support/slack-requests.js';
import { buttonIds, callText, declareWithChannel, stringField, watchCalls, type IncidentInChannel } from '../support/slack-scenario.js';

const RITA = 'U0RITA';
const LENA = 'U0LENA'; // the incident lead
const ATTENDEE = 'W0ADAM';

/** The RCA modal as Lena fills it in. */
function answers(input: { heldOn: string; attendees: string[]; rootCause?: string }): ViewStateValues<ViewStateValueInput> {
  return {
    rca_held_on: { rca_held_on: { type: 'datepicker', selected_date: input.heldOn } },
    rca_attendees: { rca_attendees: { type: 'multi_users_select', selected_users: input.attendees } },
    rca_root_cause: { rca_root_cause: { type: 'plain_text_input', value: input.rootCause ?? null } },
  };
}

describeEngines('Slack: recording the RCA session', (ctx) => {
  let slack: SlackHarness;
  before(async () => {
    slack = await startSlackApp(ctx.databaseUrl);
    slack.fake.addUser({ id: RITA, name: 'Rita Reporter' });
    slack.fake.addUser({ id: LENA, name: 'Lena Lead' });
    slack.fake.addUser({ id: ATTENDEE, name: 'Adam Attendee' });
  });
  after(() => slack.close());

  async function closedIncident(title: string): Promise<IncidentInChannel> {
    const inc = await declareWithChannel(slack, { title, reporter: RITA });
    await inc.mention(RITA, 'close');
    await inc.settled(inc.channelPost(/is closed — resolved/));
    return inc;
  }

  function submit(view: JsonValue, viewId: string, values: ViewStateValues<ViewStateValueInput>) {
    return slack.send(viewSubmission({ callbackId: 'rca.session', userId: LENA, viewId, privateMetadata: stringField(view, 'private_metadata') ?? '', values }));
  }

  ctx.test('`/incident rca` opens the modal at once; the submission records the session, once however often it is retried', async () => {
    const inc = await closedIncident('Cards declined');
    const calls = watchCalls(slack);
    const answer = await inc.slash(LENA, 'rca');
    assert.equal(answer.status, 200);
    assert.equal(answer.reply, '', 'nothing to say: the form opens');
    const [opened] = await calls.waitFor(deliveredTo('views.open'));
    const view = opened!.params.view!;
    assert.equal(stringField(view, 'callback_id'), 'rca.session');
    const shown = JSON.stringify(view);
    assert.match(shown, /"type":"datepicker"/);
    assert.match(shown, /"type":"multi_users_select"/);

    const first = await submit(view, 'V0RCA1', answers({ heldOn: '2024-05-03', attendees: [LENA, ATTENDEE], rootCause: 'An expired certificate' }));
    assert.equal(first.status, 200);
    assert.equal(first.text, '');
    const [confirmed] = await inc.settled(inc.channelPost(/RCA session recorded: 2024-05-03/));
    assert.match(callText(confirmed!), new RegExp(`https://incidents\\.example\\.org/incidents/${inc.reference}/rca\\|The RCA page`));
    const rca = await slack.app.store.rcas.find(inc.id as IncidentId);
    assert.equal(rca?.heldOn, '2024-05-03');
    assert.equal(rca?.rootCause, 'An expired certificate');
    assert.deepEqual(rca?.attendees.map((a) => a.slackUserId).sort(), [ATTENDEE, LENA].sort());
    assert.ok((await slack.app.store.nudges.forIncident(inc.id as IncidentId)).get('schedule_rca')?.stoppedAt, 'the reminder to schedule it stops');

    // Slack retries the same submission (same view id): recorded once, no second confirmation.
    const retried = await submit(view, 'V0RCA1', answers({ heldOn: '2024-05-04', attendees: [LENA] }));
    assert.equal(retried.status, 200);
    await slack.app.worker.idle();
    const again = await slack.app.store.rcas.find(inc.id as IncidentId);
    assert.equal(again?.version, 1);
    assert.equal(again?.heldOn, '2024-05-03');
    assert.equal(inc.channelMessagesMatching(/RCA session (recorded|changed)/).length, 1);
    const audited = (await slack.app.incidents.audit(inc.reference)).filter((r) => r.type === 'rca.session_recorded');
    assert.equal(audited.length, 1);
    assert.equal(audited[0]?.source, 'slack');
  });

  ctx.test('a refused submission names the field; no session is recorded', async () => {
    const inc = await closedIncident('Empty attendees');
    const calls = watchCalls(slack);
    await inc.slash(LENA, 'rca');
    const [opened] = await calls.waitFor(deliveredTo('views.open'));
    const refused = await submit(opened!.params.view!, 'V0RCAEMPTY', answers({ heldOn: '2024-05-03', attendees: [] }));
    const body = refused.json() as { response_action?: string; errors?: Record<string, string> };
    assert.equal(body.response_action, 'errors');
    assert.match(body.errors?.rca_attendees ?? '', /at least one attendee/);
    assert.equal(await slack.app.store.rcas.find(inc.id as IncidentId), null);
  });

  ctx.test('the close message offers "Record the RCA"; its button opens the modal with what was recorded', async () => {
    const inc = await declareWithChannel(slack, { title: 'Queue backlog', reporter: RITA });
    await inc.mention(RITA, 'close');
    const [closed] = await inc.settled(inc.channelPost(/is closed — resolved/));
    assert.ok(buttonIds(closed!.params.blocks).includes('rca.open'));

    const press = (n: number, trigger: string) =>
      slack.send(blockAction({ actionId: 'rca.open', value: inc.id, userId: LENA, channelId: inc.channelId, triggerId: trigger, responseUrl: slack.fake.responseUrl(`rca-${inc.reference}-${n}`) }));
    assert.equal((await press(1, 'trigger-rca-1')).status, 200);
    const [opened] = await slack.fake.waitFor((c: FakeSlackCall) => deliveredTo('views.open')(c) && c.params.trigger_id === 'trigger-rca-1');
    await submit(opened!.params.view!, 'V0RCABTN', answers({ heldOn: '2024-06-10', attendees: [ATTENDEE] }));
    await inc.settled(inc.channelPost(/RCA session recorded: 2024-06-10/));

    assert.equal((await press(2, 'trigger-rca-2')).status, 200);
    const [reopened] = await slack.fake.waitFor((c: FakeSlackCall) => deliveredTo('views.open')(c) && c.params.trigger_id === 'trigger-rca-2');
    const shown = JSON.stringify(reopened!.params.view);
    assert.match(shown, /"initial_date":"2024-06-10"/);
    assert.match(shown, new RegExp(`"initial_users":\\["${ATTENDEE}"\\]`));
  });

  ctx.test('a mention answers with the button; while open, `rca` says to close first', async () => {
    const inc = await declareWithChannel(slack, { title: 'Still burning', reporter: RITA });
    const open = await inc.slash(LENA, 'rca');
    assert.match(open.reply, /is still open: close it first/);
    await inc.mention(RITA, 'close');
    await inc.settled(inc.channelPost(/is closed — resolved/));
    await inc.mention(LENA, 'rca');
    const [prompt] = await inc.settled(inc.ephemeralTo(LENA, /Record the root cause analysis session of INC-\d+\?/));
    assert.deepEqual(buttonIds(prompt!.params.blocks), ['rca.open']);
    // `rca booked` keeps working.
    await inc.mention(LENA, 'rca booked');
    const stopped = await eventually('the schedule-the-RCA reminder stopped', async () => (await slack.app.store.nudges.forIncident(inc.id as IncidentId)).get('schedule_rca')?.stoppedAt ?? undefined);
    assert.ok(stopped instanceof Date);
  });
});
