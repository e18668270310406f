import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { IncidentId } from '../../src/domain/ids.js';
import type { Actor } from '../../src/domain/user.js';
import { describeEngines } from '../support/engines.js';
import { deliveredTo, type FakeSlackCall, type JsonValue } from '../support/fake-slack.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { blockAction, viewSubmission, type ViewStateValues, type ViewStateValueInput } from '../support/slack-requests.js';
import { buttonIds, callText, declareWithChannel, stringField, type IncidentInChannel } from '../support/slack-scenario.js';

const RITA = 'U0RITA';
const CORA = 'W0CORA'; // the comms lead

let presses = 0;

/** The status page form as Cora fills it in. */
function answers(input: { title: string; status: string; message: string; components?: Record<string, string>; notify?: boolean; publishAnyway?: boolean }) {
  const values: ViewStateValues<ViewStateValueInput> = {
    title: { title: { type: 'plain_text_input', value: input.title } },
    public_status: { public_status: { type: 'static_select', selected_option: { value: input.status } } },
    message: { message: { type: 'plain_text_input', value: input.message } },
    notify_subscribers: { notify_subscribers: { type: 'checkboxes', selected_options: input.notify ? [{ value: 'notify' }] : [] } },
  };
  for (const [name, state] of Object.entries(input.components ?? {})) {
    values[`component:${name}`] = { component_state: { type: 'static_select', selected_option: { value: state } } };
  }
  if (input.publishAnyway !== undefined) {
    values.publish_private = { publish_private: { type: 'checkboxes', selected_options: input.publishAnyway ? [{ value: 'publish_private' }] : [] } };
  }
  return values;
}

describeEngines('Slack: the statuspage flow publishes to the status page', (ctx) => {
  let slack: SlackHarness;
  before(async () => {
    slack = await startSlackApp(ctx.databaseUrl, { env: { STATUS_COMPONENTS: 'Use an LPA,Make an LPA,Payments' } });
    slack.fake.addUser({ id: RITA, name: 'Rita Reporter' });
    slack.fake.addUser({ id: CORA, name: 'Cora Comms' });
  });
  after(() => slack.close());

  /** Presses the button from the `statuspage` answer and returns the modal Slack was asked to open. */
  async function openModal(inc: IncidentInChannel): Promise<JsonValue> {
    presses += 1;
    const trigger = `trigger-statuspage-${presses}`;
    const pressed = await slack.send(
      blockAction({ actionId: 'statuspage.open', value: inc.id, userId: CORA, channelId: inc.channelId, triggerId: trigger, responseUrl: slack.fake.responseUrl(`sp-${presses}`) }),
    );
    assert.equal(pressed.status, 200);
    const [opened] = await slack.fake.waitFor((c: FakeSlackCall) => deliveredTo('views.open')(c) && c.params.trigger_id === trigger);
    const view = opened!.params.view!;
    assert.equal(stringField(view, 'callback_id'), 'statuspage.publish');
    return view;
  }

  function submit(view: JsonValue, viewId: string, values: ViewStateValues<ViewStateValueInput>) {
    return slack.send(viewSubmission({ callbackId: 'statuspage.publish', userId: CORA, viewId, privateMetadata: stringField(view, 'private_metadata') ?? '', values }));
  }

  ctx.test('`@bot statuspage` offers the form; submitting publishes, a second submission updates; each confirmed in the channel', async () => {
    const inc = await declareWithChannel(slack, { title: 'Card payments failing', reporter: RITA });
    await inc.mention(CORA, 'statuspage');
    const [prompt] = await inc.settled(inc.ephemeralTo(CORA, /Publish INC-\d+ to the status page/));
    assert.deepEqual(buttonIds(prompt!.params.blocks), ['statuspage.open']);

    const view = await openModal(inc);
    const shown = JSON.stringify(view);
    assert.match(shown, /"initial_value":"Card payments failing"/, 'public title prefilled from the incident title');
    for (const name of ['Use an LPA', 'Make an LPA', 'Payments']) assert.ok(shown.includes(`"block_id":"component:${name}"`), `a select for ${name}`);
    assert.doesNotMatch(shown, /publish_private/, 'no override for a public incident');

    const first = await submit(view, 'V0SPFIRST', answers({
      title: 'Payments are slow',
      status: 'investigating',
      message: 'Some card payments fail. We are investigating.',
      components: { Payments: 'major_outage', 'Use an LPA': '__unaffected__' },
      notify: true,
    }));
    assert.equal(first.status, 200);
    assert.equal(first.text, '');
    const [confirmed] = await inc.settled(inc.channelPost(/Published to the status page: Investigating — Some card payments fail\. We are investigating\./));
    assert.match(callText(confirmed!), / — <@W0CORA> \(<https:\/\/incidents\.example\.org\/status\|status page>\)/);
    const published = await slack.app.store.statusPage.findByIncident(inc.id as IncidentId);
    assert.equal(published?.title, 'Payments are slow');
    assert.equal(published?.notifySubscribers, true);
    assert.deepEqual(published?.updates.map((u) => u.components), [[{ name: 'Payments', state: 'major_outage' }]]);

    // A double submit of the same modal publishes nothing more.
    const again = await submit(view, 'V0SPFIRST', answers({ title: 'Payments are slow', status: 'investigating', message: 'Some card payments fail. We are investigating.' }));
    assert.equal(again.status, 200);
    assert.equal((await slack.app.store.statusPage.findByIncident(inc.id as IncidentId))?.updates.length, 1);

    // Asked by mention (no form can open from one): the prompt says it is already published.
    await inc.mention(CORA, 'statuspage');
    const [updatePrompt] = await inc.settled(inc.ephemeralTo(CORA, /is on the status page\. Post an update\?/));
    assert.ok(updatePrompt);
    const second = await openModal(inc);
    assert.match(JSON.stringify(second), /"initial_value":"Payments are slow"/, 'the public title so far');
    const updated = await submit(second, 'V0SPSECOND', answers({ title: 'Payments are slow', status: 'identified', message: 'The bank found the fault.', components: { Payments: 'partial_outage' } }));
    assert.equal(updated.status, 200);
    assert.equal(updated.text, '');
    await inc.settled(inc.channelPost(/Status page updated: Identified — The bank found the fault\./));
    const now = await slack.app.store.statusPage.findByIncident(inc.id as IncidentId);
    assert.deepEqual(now?.updates.map((u) => u.status), ['identified', 'investigating']);
    assert.equal(now?.notifySubscribers, false);
    assert.equal(now?.id, published?.id);
    const timeline = (await slack.app.timeline.list(inc.reference)).filter((e) => e.kind === 'statusPage');
    assert.equal(timeline.length, 2);
  });

  ctx.test('a private incident is refused without "publish anyway", and published with it, the override recorded', async () => {
    const inc = await declareWithChannel(slack, { title: 'Salary file exposed', reporter: RITA });
    const rita: Actor = { user: (await slack.app.users.fromSlack(RITA)).user, source: 'slack' };
    await slack.app.incidents.update(rita, inc.id, { private: true });
    await slack.app.worker.idle();

    const view = await openModal(inc);
    assert.match(JSON.stringify(view), /"block_id":"publish_private"/, 'the form asks for the override');

    const refused = await submit(view, 'V0SPPRIVATE1', answers({ title: 'Some documents unavailable', status: 'investigating', message: 'We are looking into it.', publishAnyway: false }));
    assert.equal(refused.status, 200);
    const body = refused.json() as { response_action?: string; errors?: Record<string, string> };
    assert.equal(body.response_action, 'errors');
    assert.match(body.errors?.publish_private ?? '', /is private: tick "publish anyway"/);
    assert.equal(await slack.app.store.statusPage.findByIncident(inc.id as IncidentId), null);
    assert.ok(!(await slack.app.incidents.audit(inc.reference)).some((r) => r.type === 'statuspage.published'));

    const published = await submit(view, 'V0SPPRIVATE2', answers({ title: 'Some documents unavailable', status: 'investigating', message: 'We are looking into it.', publishAnyway: true }));
    assert.equal(published.status, 200);
    assert.equal(published.text, '');
    await inc.settled(inc.channelPost(/Published to the status page: Investigating — We are looking into it\. \(published although the incident is private\)/));
    const audit = (await slack.app.incidents.audit(inc.reference)).find((r) => r.type === 'statuspage.published');
    assert.equal(audit?.data.privateOverride, true);
    assert.equal(audit?.source, 'slack');
    assert.notEqual(await slack.app.store.statusPage.findByIncident(inc.id as IncidentId), null);
  });

  ctx.test('closing offers to resolve the public incident: the button resolves it, components back to operational, once', async () => {
    const inc = await declareWithChannel(slack, { title: 'Uploads failing', reporter: RITA });
    const view = await openModal(inc);
    await submit(view, 'V0SPCLOSE1', answers({ title: 'Uploads are failing', status: 'identified', message: 'Uploads fail.', components: { 'Use an LPA': 'major_outage', 'Make an LPA': 'partial_outage' } }));
    await inc.settled(inc.channelPost(/Published to the status page: Identified — Uploads fail\./));

    await inc.mention(RITA, 'close');
    const [closed] = await inc.settled(inc.channelPost(/is closed — resolved/));
    assert.deepEqual(buttonIds(closed!.params.blocks), ['statuspage.resolve', 'rca.open', 'incident.reopen', 'incident.archive_channel']);
    assert.match(callText(closed!), /The status page still shows this incident/);

    const press = (n: number) =>
      slack.send(blockAction({ actionId: 'statuspage.resolve', value: inc.id, userId: CORA, channelId: inc.channelId, responseUrl: slack.fake.responseUrl(`resolve-${inc.reference}-${n}`) }));
    assert.equal((await press(1)).status, 200);
    await inc.settled(inc.channelPost(/Status page updated: Resolved — This incident has been resolved\./));
    const resolved = await slack.app.store.statusPage.findByIncident(inc.id as IncidentId);
    assert.equal(resolved?.status, 'resolved');
    assert.deepEqual(resolved?.updates[0]?.components, [
      { name: 'Use an LPA', state: 'operational' },
      { name: 'Make an LPA', state: 'operational' },
    ]);
    const view2 = await slack.app.statusPage.publicView();
    assert.ok(view2.history.some((p) => p.id === resolved?.id));
    assert.ok(view2.components.every((c) => c.name === 'Payments' || c.state === 'operational'));

    assert.equal((await press(2)).status, 200);
    const [told] = await slack.fake.waitForResponses(1, (r) => r.id === `resolve-${inc.reference}-2`);
    assert.match(JSON.stringify(told!.body), /already resolved on the status page/);
    assert.equal((await slack.app.store.statusPage.findByIncident(inc.id as IncidentId))?.updates.length, 2, 'resolved once');

    // An incident never published closes without the offer.
    const quiet = await declareWithChannel(slack, { title: 'Never public', reporter: RITA });
    await quiet.mention(RITA, 'close');
    const [plain] = await quiet.settled(quiet.channelPost(/is closed — resolved/));
    assert.deepEqual(buttonIds(plain!.params.blocks), ['rca.open', 'incident.reopen', 'incident.archive_channel']);
  });
});
