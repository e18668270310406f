import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { App } from '../../src/app.js';
import type { SlackUserId } from '../../src/domain/ids.js';
import type { Incident } from '../../src/domain/incident.js';
import { SYSTEM_USER_ID } from '../../src/domain/user.js';
import { describeEngines } from '../support/engines.js';
import { FAKE_SLACK_DEFAULTS } from '../support/fake-slack.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { eventCallback } from '../support/slack-requests.js';
import { WebClient } from '../support/web-client.js';

const RITA = 'U0RITA';
const WENDY = 'U0WENDY';
const BOT = FAKE_SLACK_DEFAULTS.botUserId;
const TITLE = 'Salary file shared by mistake wombat';

/** `member_joined_channel` as Slack sends it; `inviter` only when someone else added them. */
function memberJoined(user: string, channel: string, inviter?: string) {
  return {
    type: 'member_joined_channel',
    user,
    channel,
    channel_type: 'G',
    team: FAKE_SLACK_DEFAULTS.teamId,
    ...(inviter ? { inviter } : {}),
    event_ts: `${Math.floor(Date.now() / 1000)}.000100`,
  };
}

function memberLeft(user: string, channel: string) {
  return { type: 'member_left_channel', user, channel, channel_type: 'G', team: FAKE_SLACK_DEFAULTS.teamId, event_ts: `${Math.floor(Date.now() / 1000)}.000200` };
}

/**
 * Resolves at the first committed change to `reference` after which `holds` is true. The Events
 * API is acked before the listener runs, so a change's live update is what there is to wait on.
 */
function changeWhere(app: App, reference: string, holds: () => Promise<boolean>, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // A deadline, not a pause: it only fires when the change never comes.
    const deadline = setTimeout(() => {
      stop();
      reject(new Error(`no change to ${reference} where ${what}`));
    }, 5000);
    const stop = app.live.subscribe((update) => {
      if (update.reference !== reference) return;
      holds().then((held) => {
        if (!held) return;
        clearTimeout(deadline);
        stop();
        resolve();
      }, reject);
    });
  });
}

describeEngines('Slack channel members are among a private incident’s people', (ctx) => {
  let slack: SlackHarness;
  let reference: string;
  let channel: string;
  let wendy: WebClient;

  before(async () => {
    slack = await startSlackApp(ctx.databaseUrl);
    slack.fake.addUser({ id: RITA, name: 'rita', realName: 'Rita Reporter', email: 'rita.reporter@dev-sign-in.invalid' });
    slack.fake.addUser({ id: WENDY, name: 'wendy', realName: 'Wendy Witness', email: 'wendy.witness@dev-sign-in.invalid' });
    const rita = new WebClient(slack.baseUrl);
    await rita.signIn('Rita Reporter');
    await slack.app.users.updateFromSlackProfile(RITA, { name: 'Rita Reporter', email: 'rita.reporter@dev-sign-in.invalid' });
    const declared = await rita.post('/incidents', { _csrf: await rita.csrf('/incidents/new'), kind: 'live', title: TITLE, private: 'yes' });
    reference = declared.location!.split('/').pop()!;
    const incident = await slack.app.incidents.get(reference);
    channel = slack.fake.addChannel({ name: 'inc-salary-file', isPrivate: true, members: [BOT] }).id;
    await slack.app.incidents.linkChannel({ user: incident.reporter, source: 'slack' }, reference, { id: channel, name: 'inc-salary-file' });
    await slack.app.worker.idle();
    // Wendy signs in to the site first: her Slack join must find this account by her email.
    wendy = new WebClient(slack.baseUrl);
    await wendy.signIn('Wendy Witness');
  });
  after(() => slack.close());

  async function deliver(event: { type: string }, options: { eventId?: string; retryNum?: number } = {}): Promise<void> {
    const response = await slack.send(
      eventCallback(event, options.eventId ? { eventId: options.eventId } : {}),
      options.retryNum ? { retryNum: options.retryNum, retryReason: 'http_timeout' } : {},
    );
    assert.equal(response.status, 200);
  }

  const incident = (): Promise<Incident> => slack.app.incidents.get(reference);
  const inChannel = async (slackUserId: string) => (await incident()).people.some((p) => p.how === 'channel' && p.user.slackUserId === slackUserId);
  const wendyUser = async () => (await slack.app.store.users.findByEmail('wendy.witness@dev-sign-in.invalid'))!;
  const joinsOf = async (userId: string) =>
    (await slack.app.incidents.audit(reference)).filter((r) => r.type === 'incident.person_added' && (r.data.person as { id: string }).id === userId).length;

  async function assertWendySees(visible: boolean): Promise<void> {
    const page = await wendy.get(`/incidents/${reference}`);
    assert.equal(page.status, visible ? 200 : 404);
    const list = (await wendy.get('/incidents')).html;
    if (visible) assert.match(list, new RegExp(TITLE));
    else assert.doesNotMatch(list, new RegExp(TITLE));
  }

  /** Someone invited by the app joins: handled after anything delivered before it, as far as ordering goes. */
  async function marker(slackUserId: string): Promise<void> {
    slack.fake.addUser({ id: slackUserId, name: slackUserId.toLowerCase(), realName: `Marker ${slackUserId}` });
    const joined = changeWhere(slack.app, reference, () => inChannel(slackUserId), `${slackUserId} is in the channel`);
    await deliver(memberJoined(slackUserId, channel, BOT));
    await joined;
    await slack.app.worker.idle();
  }

  ctx.test('a member_joined_channel lets the Slack user (linked by email to the site) see the incident; member_left_channel hides it', async () => {
    await assertWendySees(false);

    const joined = changeWhere(slack.app, reference, () => inChannel(WENDY), 'Wendy is in the channel');
    await deliver(memberJoined(WENDY, channel), { eventId: 'Ev0WENDYJOIN' });
    await joined;
    const person = (await incident()).people.find((p) => p.user.slackUserId === WENDY)!;
    const account = await wendyUser();
    assert.equal(person.user.id, account.id, 'the Slack member is the person signed in to the site');
    assert.equal(account.slackUserId, WENDY);
    assert.equal(person.addedBy.id, account.id, 'she joined by herself');
    await assertWendySees(true);
    const timeline = await slack.app.timeline.list(reference);
    // Named as Slack shows her (her display name, learnt with the email).
    assert.ok(timeline.some((e) => e.text === `${account.name} joined the Slack channel` && e.source === 'slack'), JSON.stringify(timeline.map((e) => e.text)));

    const left = changeWhere(slack.app, reference, async () => !(await inChannel(WENDY)), 'Wendy has left the channel');
    await deliver(memberLeft(WENDY, channel), { eventId: 'Ev0WENDYLEFT' });
    await left;
    await assertWendySees(false);
  });

  ctx.test('a repeated delivery of a join is recorded once, even when it comes after the leave', async () => {
    const account = await wendyUser();
    assert.equal(await joinsOf(account.id), 1);
    await deliver(memberJoined(WENDY, channel), { eventId: 'Ev0WENDYJOIN', retryNum: 1 });
    await marker('U0MARKER1');
    assert.equal(await joinsOf(account.id), 1);
    assert.equal(await inChannel(WENDY), false);
    await assertWendySees(false);
  });

  ctx.test('people the app invites count once Slack reports their join, credited to the app', async () => {
    await marker('U0INVITED');
    const person = (await incident()).people.find((p) => p.user.slackUserId === 'U0INVITED')!;
    assert.equal(person.addedBy.id, SYSTEM_USER_ID);
  });

  ctx.test('joins of other channels, and the app’s own, are not recorded', async () => {
    const random = slack.fake.addChannel({ name: 'random-chat', members: [BOT] }).id;
    slack.fake.addUser({ id: 'U0STRANGER', name: 'stranger', realName: 'Stan Stranger' });
    const before = (await incident()).people.length;
    await deliver(memberJoined('U0STRANGER', random));
    await deliver(memberJoined(BOT, channel));
    await marker('U0MARKER2');
    assert.equal((await incident()).people.length, before + 1, 'only the marker');
    assert.equal(await slack.app.store.users.findBySlackUserId('U0STRANGER' as SlackUserId), null);
    assert.equal(await slack.app.store.users.findBySlackUserId(BOT as SlackUserId), null);
  });
});
