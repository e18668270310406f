import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { holderOf, type Incident } from '../../src/domain/incident.js';
import { describeEngines } from '../support/engines.js';
import { deliveredTo, type FakeSlackCall } from '../support/fake-slack.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { blockAction, viewSubmission } from '../support/slack-requests.js';
import {
  buttonIds,
  callText,
  declareWithChannel,
  mentionIn,
  messageText,
  slashIn,
  stringField,
  watchCalls,
  type IncidentInChannel,
} from '../support/slack-scenario.js';

const RITA = 'U0RITA'; // reporter
const LENA = 'U0LENA'; // first lead
const LEON = 'U0LEON'; // takes over as lead
const SAM = 'U0SAM'; // scribe
const CORA = 'W0CORA'; // comms lead, an Enterprise Grid user (W id)
const SID = 'U0SID'; // subject matter expert

const LEVELS = /Critical.*Major.*Trivial/s;

/** JSON.stringify's rendering of a string inside a JSON document (newlines become `\n`). */
const asJson = (text: string) => JSON.stringify(text).slice(1, -1);

/** The channels Slack opened as DMs with `userId`. */
function dmChannelsOf(slack: SlackHarness, userId: string): Set<string> {
  const ids = slack.fake
    .callsTo('conversations.open')
    .filter((c) => !c.rejected && c.params.users === userId)
    .map((c) => stringField(c.response?.body.channel, 'id'))
    .filter((id): id is string => id !== undefined);
  return new Set(ids);
}

/** Direct messages the bot sent `userId` about this incident. */
function dmsAbout(slack: SlackHarness, userId: string, inc: IncidentInChannel): FakeSlackCall[] {
  const dms = dmChannelsOf(slack, userId);
  return slack.fake.calls.filter(
    (c) => deliveredTo('chat.postMessage')(c) && dms.has(String(c.params.channel)) && callText(c).includes(`${inc.reference}: ${inc.title}`),
  );
}

/** The people of these tests (the harness creates the announcement channel). */
function seedWorkspace(slack: SlackHarness): void {
  slack.fake.addUser({ id: RITA, name: 'Rita Reporter', email: 'rita@example.org' });
  slack.fake.addUser({ id: LENA, name: 'Lena Lead' });
  slack.fake.addUser({ id: LEON, name: 'Leon Lead' });
  slack.fake.addUser({ id: SAM, name: 'Sam Scribe' });
  slack.fake.addUser({ id: CORA, name: 'Cora Comms' });
  slack.fake.addUser({ id: SID, name: 'Sid Expert' });
}

describeEngines('Slack: commands in the incident channel', (ctx) => {
  let slack: SlackHarness;
  let titles = 0;
  before(async () => {
    slack = await startSlackApp(ctx.databaseUrl);
    seedWorkspace(slack);
  });
  after(() => slack.close());

  /** A fresh live incident with its comms channel, declared by Rita. */
  const open = (title: string, severity?: string) => {
    titles += 1;
    return declareWithChannel(slack, { title: `${title} ${titles}`, reporter: RITA, ...(severity ? { severity } : {}) });
  };

  // --- summary, impact ---------------------------------------------------------------------

  ctx.test('@bot summary keeps every line: stored, on the headline and in one confirmation in the channel', async () => {
    const inc = await open('Checkout page times out');
    const summary = 'Card payments time out at checkout\nStarted after the 09:40 deploy\nRollback is under way';
    await inc.mention(RITA, `summary ${summary}`);
    await inc.settled(inc.channelPost(/Summary set to/));

    assert.equal((await inc.current()).summary, summary);
    assert.ok(inc.headlineUpdates().length >= 1, 'the headline was updated');
    assert.ok(inc.headlineBlocks().includes(asJson(summary)), `every line on the headline, in order: ${inc.headlineBlocks()}`);
    const confirmations = inc.channelMessagesMatching(/Summary set to/);
    assert.equal(confirmations.length, 1);
    assert.ok(confirmations[0]!.text.includes(summary), `every line in the confirmation: ${confirmations[0]!.text}`);
    assert.match(confirmations[0]!.text, new RegExp(`<@${RITA}>`));
    assert.equal(inc.ephemeralsFor(RITA).length, 0, 'the channel confirmation is enough');
  });

  ctx.test('/incident impact keeps every line and answers the command with nothing but the channel confirmation', async () => {
    const inc = await open('Search results are empty');
    const impact = 'Caseworkers cannot find cases\nAbout 40 people affected';
    const answer = await inc.slash(LENA, `impact ${impact}`);
    assert.equal(answer.status, 200);
    assert.equal(answer.text, '');
    await inc.settled(inc.channelPost(/Impact set to/));

    assert.equal((await inc.current()).impact, impact);
    assert.ok(inc.headlineBlocks().includes(asJson(impact)), `the headline shows the impact: ${inc.headlineBlocks()}`);
    const confirmations = inc.channelMessagesMatching(/Impact set to/);
    assert.equal(confirmations.length, 1);
    assert.ok(confirmations[0]!.text.includes(impact));
  });

  ctx.test('the summary confirmation keeps a mention typed in the summary as a mention', async () => {
    const inc = await open('Letters are not sent');
    await inc.mention(RITA, `summary Print queue stuck, <@${LENA}> is checking`);
    await inc.settled(inc.channelPost(/Summary set to/));

    assert.equal((await inc.current()).summary, `Print queue stuck, <@${LENA}> is checking`);
    assert.ok(inc.headlineBlocks().includes(`<@${LENA}> is checking`), 'the headline keeps the mention');
    const [confirmation] = inc.channelMessagesMatching(/Summary set to/);
    assert.ok(confirmation);
    assert.ok(confirmation.text.includes(`<@${LENA}> is checking`), `the confirmation escaped the mention: ${confirmation.text}`);
  });

  // --- severity ----------------------------------------------------------------------------

  ctx.test('@bot sev major sets the severity, updates the headline and topic, and confirms once in the channel', async () => {
    const inc = await open('Payments are failing', 'trivial');
    const later = watchCalls(slack);
    await inc.mention(RITA, 'sev major');
    await inc.settled(inc.channelPost(/Severity set to Major/));

    assert.equal((await inc.current()).severity, 'major');
    assert.match(inc.headlineBlocks(), /\*Severity\*\\nMajor/);
    const topics = later.calls((c) => deliveredTo('conversations.setTopic')(c) && c.params.channel === inc.channelId);
    assert.equal(topics.length, 1);
    assert.match(String(topics[0]!.params.topic), /\[Major\]/);
    assert.match(slack.fake.state.channels.get(inc.channelId)!.topic, new RegExp(`^${inc.reference} \\[Major\\]`));
    const confirmations = inc.channelMessagesMatching(/Severity set to Major/);
    assert.equal(confirmations.length, 1);
    assert.match(confirmations[0]!.text, /\(was Trivial\)/);
    assert.equal(inc.ephemeralsFor(RITA).length, 0);
  });

  ctx.test('/incident severity Critical takes a label in any case and confirms once', async () => {
    const inc = await open('Sign-in is down');
    const answer = await inc.slash(LENA, 'severity Critical');
    assert.equal(answer.status, 200);
    assert.equal(answer.text, '');
    await inc.settled(inc.channelPost(/Severity set to Critical/));

    assert.equal((await inc.current()).severity, 'critical');
    assert.match(inc.headlineBlocks(), /\*Severity\*\\nCritical/);
    assert.match(slack.fake.state.channels.get(inc.channelId)!.topic, /\[Critical\]/);
    assert.equal(inc.channelMessagesMatching(/Severity set to Critical/).length, 1);

    await inc.slash(LENA, 'sev MAJOR');
    await inc.settled(inc.channelPost(/Severity set to Major/));
    assert.equal((await inc.current()).severity, 'major');
  });

  ctx.test('@bot sev minor, not major changes nothing and tells only the sender the levels', async () => {
    const inc = await open('Uploads are slow', 'trivial');
    const later = watchCalls(slack);
    await inc.mention(LENA, 'sev minor, not major');
    const [reply] = await inc.settled(inc.ephemeralTo(LENA));

    assert.match(callText(reply!), LEVELS);
    assert.equal((await inc.current()).severity, 'trivial');
    assert.equal(inc.ephemeralsFor(LENA).length, 1);
    assert.deepEqual(inc.channelMessagesMatching(/Severity/), []);
    assert.deepEqual(later.calls(deliveredTo('conversations.setTopic')), []);
    assert.deepEqual(later.calls(inc.headlineUpdate()), []);
  });

  ctx.test('/incident sev minor, not major changes nothing and answers the levels in the HTTP response', async () => {
    const inc = await open('Reports are late', 'trivial');
    const answer = await inc.slash(LENA, 'sev minor, not major');
    assert.equal(answer.status, 200);
    assert.match(answer.reply, LEVELS);
    assert.match(answer.text, /"response_type":"ephemeral"/);
    await slack.app.worker.idle();
    assert.equal((await inc.current()).severity, 'trivial');
    assert.deepEqual(inc.channelMessagesMatching(/Severity/), []);
  });

  // --- roles -------------------------------------------------------------------------------

  ctx.test('lead hand-over: announced in the channel as taking over, and the new lead gets a DM with the duties', async () => {
    const inc = await open('Database failover');
    await inc.mention(RITA, `lead <@${LENA}>`);
    await inc.settled(inc.channelPost(new RegExp(`<@${LENA}> is now incident lead`)));
    assert.equal(holderOf(await inc.current(), 'lead')?.slackUserId, LENA);
    assert.equal(dmsAbout(slack, LENA, inc).length, 1);

    const answer = await inc.slash(LENA, `lead <@${LEON}>`);
    assert.equal(answer.text, '');
    await inc.settled(inc.channelPost(/taking over/));

    assert.equal(holderOf(await inc.current(), 'lead')?.slackUserId, LEON);
    const handOvers = inc.channelMessagesMatching(new RegExp(`<@${LEON}> is now incident lead, taking over from <@${LENA}>`));
    assert.equal(handOvers.length, 1);
    assert.equal(inc.channelMessagesMatching(new RegExp(`<@${LENA}> is now incident lead`)).length, 1);
    assert.deepEqual(inc.channelMessagesMatching(/Nobody is incident lead/), [], 'a hand-over is one announcement, not a vacancy too');

    assert.ok(dmChannelsOf(slack, LEON).size > 0, 'a DM was opened with the new lead');
    const dms = dmsAbout(slack, LEON, inc);
    assert.equal(dms.length, 1, 'one DM to the new lead');
    assert.match(String(dms[0]!.params.channel), /^D/);
    const dm = callText(dms[0]!);
    assert.match(dm, /You are now \*?incident lead/);
    assert.match(dm, /Coordinate the response/);
    assert.match(dm, /make sure the RCA happens/);
    assert.match(inc.headlineBlocks(), new RegExp(`\\*Incident lead\\*\\\\n<@${LEON}>`));
  });

  ctx.test('scribe me, comms <@W…> (Enterprise Grid) and role Subject matter expert <@U…> each fill a role and DM its holder', async () => {
    const inc = await open('Emails bounce');
    await inc.mention(SAM, 'scribe me');
    await inc.settled(inc.channelPost(new RegExp(`<@${SAM}> is now incident scribe`)));
    await inc.slash(RITA, `comms <@${CORA}>`);
    await inc.settled(inc.channelPost(new RegExp(`<@${CORA}> is now communications lead`)));
    await inc.mention(RITA, `role Subject matter expert <@${SID}>`);
    await inc.settled(inc.channelPost(new RegExp(`<@${SID}> is now Subject matter expert`)));

    const incident = await inc.current();
    assert.equal(holderOf(incident, 'scribe')?.slackUserId, SAM);
    assert.equal(holderOf(incident, 'commsLead')?.slackUserId, CORA);
    assert.equal(holderOf(incident, 'Subject matter expert')?.slackUserId, SID);

    for (const pattern of [/is now incident scribe/, /is now communications lead/, /is now Subject matter expert/]) {
      assert.equal(inc.channelMessagesMatching(pattern).length, 1, `one announcement matching ${String(pattern)}`);
    }
    const headline = inc.headlineBlocks();
    assert.match(headline, new RegExp(`\\*Scribe\\*\\\\n<@${SAM}>`));
    assert.match(headline, new RegExp(`\\*Comms lead\\*\\\\n<@${CORA}>`));

    const scribeDm = dmsAbout(slack, SAM, inc);
    assert.equal(scribeDm.length, 1);
    assert.match(callText(scribeDm[0]!), /Keep a log/);
    const commsDm = dmsAbout(slack, CORA, inc);
    assert.equal(commsDm.length, 1);
    assert.match(callText(commsDm[0]!), /Tell the people affected/);
    const smeDm = dmsAbout(slack, SID, inc);
    assert.equal(smeDm.length, 1);
    assert.match(callText(smeDm[0]!), /Subject matter expert/);
  });

  ctx.test('the headline warns while the lead is also the scribe, and stops once someone else scribes', async () => {
    const inc = await open('Queue backlog');
    await inc.mention(LENA, 'lead me');
    await inc.settled(inc.channelPost(/is now incident lead/));
    assert.doesNotMatch(inc.headlineBlocks(), /both incident lead and scribe/);

    await inc.slash(LENA, 'scribe me');
    await inc.settled(inc.headlineUpdate(/both incident lead and scribe/));
    assert.match(inc.headlineBlocks(), /:warning: .*both incident lead and scribe/);

    await inc.slash(LENA, `scribe <@${SAM}>`);
    await inc.settled(inc.channelPost(new RegExp(`<@${SAM}> is now incident scribe, taking over from <@${LENA}>`)));
    assert.doesNotMatch(inc.headlineBlocks(), /both incident lead and scribe/);
  });

  // --- action, note ------------------------------------------------------------------------

  ctx.test('@bot action records an action and an action entry on the timeline, confirmed once', async () => {
    const inc = await open('Disk is full');
    await inc.mention(SAM, 'action Add an alert on disk usage above 80%');
    await inc.settled(inc.channelPost(/Action: Add an alert on disk usage above 80%/));

    const actions = await slack.app.actions.list(inc.id);
    assert.deepEqual(
      actions.map((a) => [a.text, a.done, a.createdBy.slackUserId]),
      [['Add an alert on disk usage above 80%', false, SAM]],
    );
    const timeline = await slack.app.timeline.list(inc.id);
    const entries = timeline.filter((e) => e.kind === 'action');
    assert.equal(entries.length, 1);
    assert.match(entries[0]!.text, /Add an alert on disk usage above 80%/);
    assert.equal(inc.channelMessagesMatching(/Action: Add an alert/).length, 1);
  });

  ctx.test('/incident note adds a note to the timeline, confirmed once in the channel', async () => {
    const inc = await open('Cache stampede');
    const answer = await inc.slash(SAM, 'note Restarted the cache nodes one by one');
    assert.equal(answer.text, '');
    await inc.settled(inc.channelPost(/Noted on the timeline/));

    const notes = (await slack.app.timeline.list(inc.id)).filter((e) => e.kind === 'note');
    assert.deepEqual(
      notes.map((e) => [e.text, e.author.slackUserId]),
      [['Restarted the cache nodes one by one', SAM]],
    );
    assert.equal(inc.channelMessagesMatching(/Noted on the timeline/).length, 1);
  });

  // --- replies: duration, help, unknown, statuspage ----------------------------------------

  ctx.test('duration answers how long the incident has been open, to the sender only', async () => {
    const inc = await open('API latency');
    await inc.mention(LENA, 'duration');
    const [reply] = await inc.settled(inc.ephemeralTo(LENA));
    assert.match(callText(reply!), new RegExp(`${inc.reference} has been open for \\d+ (s|min)`));
    assert.equal(inc.ephemeralsFor(LENA).length, 1);

    const answer = await inc.slash(LENA, 'duration');
    assert.match(answer.reply, new RegExp(`${inc.reference} has been open for \\d+ (s|min)`));
  });

  ctx.test('help lists the commands, for a mention and for /incident', async () => {
    const inc = await open('Help wanted');
    await inc.mention(LENA, 'help');
    const [reply] = await inc.settled(inc.ephemeralTo(LENA));
    for (const command of ['summary', 'impact', 'sev', 'lead', 'scribe', 'comms', 'role', 'action', 'note', 'close', 'reopen', 'rename', 'duration', 'statuspage']) {
      assert.match(callText(reply!), new RegExp(`\`${command}\\b`), `help lists ${command}`);
    }
    assert.equal(inc.ephemeralsFor(LENA).length, 1);

    const answer = await inc.slash(LENA, 'help');
    assert.match(answer.reply, /summary/);
    assert.match(answer.reply, /\/incident/);
  });

  ctx.test('help describes rename as renaming the channel, which is what it does', async () => {
    const inc = await open('Help says what rename does');
    const answer = await inc.slash(LENA, 'help');
    const line = /rename [^"]*?—[^"\\]*/.exec(answer.reply)?.[0] ?? '';
    assert.match(line, /channel/, `help's rename line: "${line}"`);
  });

  ctx.test('an unknown command gets a short reply that points to help, and changes nothing', async () => {
    const inc = await open('Unknown words');
    const before = await inc.current();
    await inc.mention(LENA, 'frobnicate the widgets');
    const [reply] = await inc.settled(inc.ephemeralTo(LENA));
    const text = String(reply!.params.text);
    assert.match(text, /help/);
    assert.ok(text.length < 200, `short: ${text}`);

    const answer = await inc.slash(LENA, 'frobnicate the widgets');
    assert.match(answer.reply, /help/);
    await slack.app.worker.idle();
    assert.equal((await inc.current()).version, before.version);
    assert.deepEqual(inc.channelMessagesMatching(/frobnicate/), []);
  });

  // The built-in status page is always there; the flow itself is in slack-status-page.test.ts.
  ctx.test('statuspage: by mention, a button that opens the status page form; by slash command, the form at once', async () => {
    const inc = await open('Status page wanted');
    await inc.mention(LENA, 'statuspage');
    const [reply] = await inc.settled(inc.ephemeralTo(LENA));
    assert.match(callText(reply!), new RegExp(`Publish ${inc.reference} to the status page\\?`));
    assert.deepEqual(buttonIds(reply!.params.blocks), ['statuspage.open']);
    const answer = await inc.slash(LENA, 'statuspage');
    assert.equal(answer.text, '');
    const [opened] = await slack.fake.waitFor((c) => c.method === 'views.open' && !c.rejected && /statuspage\.publish/.test(JSON.stringify(c.params.view)));
    assert.ok(opened);
  });

  // --- outside an incident channel ---------------------------------------------------------

  ctx.test('@bot <command> outside an incident channel says where commands work', async () => {
    await mentionIn(slack, 'C0RANDOM', LENA, 'sev major');
    const [reply] = await slack.fake.waitFor((c) => deliveredTo('chat.postEphemeral')(c) && c.params.channel === 'C0RANDOM' && c.params.user === LENA);
    await slack.app.worker.idle();
    assert.match(callText(reply!), /incident's own channel/);
    assert.match(callText(reply!), /\/incident <what has happened>/);
    assert.equal(slack.fake.state.ephemerals.filter((e) => e.channel === 'C0RANDOM' && e.user === LENA).length, 1);
    assert.deepEqual(slack.fake.messagesIn('C0RANDOM'), []);
  });

  ctx.test('/incident help outside an incident channel says how to declare and where commands work', async () => {
    const answer = await slashIn(slack, 'C0RANDOM', LENA, 'help');
    assert.equal(answer.status, 200);
    assert.match(answer.reply, /\/incident <what has happened>/);
    assert.match(answer.reply, /incident's channel/);
  });

  ctx.test('/incident <command> outside an incident channel says where commands work instead of declaring', async () => {
    const answer = await slashIn(slack, 'C0RANDOM', LENA, 'sev major', { triggerId: 'trigger-outside-sev' });
    assert.equal(answer.status, 200);
    assert.match(answer.reply, /incident's (own )?channel/, `answered: ${JSON.stringify(answer.text)}`);
    await slack.app.worker.idle();
    assert.deepEqual(
      slack.fake.callsTo('views.open').filter((c) => c.params.trigger_id === 'trigger-outside-sev'),
      [],
      'no declare form titled "sev major"',
    );
  });

  // --- rename ------------------------------------------------------------------------------

  ctx.test('rename renames the Slack channel and records the new name', async () => {
    const inc = await open('Naming things');
    const name = `db-failover-done-${inc.reference.toLowerCase()}`;
    await inc.mention(LENA, `rename ${name}`);
    const [renamed] = await inc.settled((c) => deliveredTo('conversations.rename')(c) && c.params.channel === inc.channelId);
    assert.equal(renamed!.params.name, name);

    assert.equal((await inc.current()).channel?.name, name);
    assert.equal(slack.fake.state.channels.get(inc.channelId)!.name, name);
    const replies = inc.ephemeralsFor(LENA);
    assert.equal(replies.length, 1);
    assert.match(replies[0]!.text, new RegExp(`#${name}`));
    const timeline = await slack.app.timeline.list(inc.id);
    assert.ok(timeline.some((e) => e.text.includes(`renamed to #${name}`)));
  });

  // --- close and reopen --------------------------------------------------------------------

  ctx.test('close blocked <note>: closed with its end, no buttons on the headline, follow-ups asked of comms and lead, note on the timeline', async () => {
    const inc = await open('Supplier API is down');
    await inc.slash(RITA, `lead <@${LENA}>`);
    await inc.settled(inc.channelPost(/is now incident lead/));
    await inc.slash(RITA, `comms <@${CORA}>`);
    await inc.settled(inc.channelPost(/is now communications lead/));
    assert.ok(buttonIds(slack.fake.messagesIn(inc.headline.channelId).find((m) => m.ts === inc.headline.ts)?.blocks).includes('incident.close'));

    await inc.mention(LENA, 'close blocked waiting for the supplier');
    await inc.settled(inc.channelPost(/is closed — blocked/));

    const closed = await inc.current();
    assert.equal(closed.status, 'closed');
    assert.equal(closed.closeReason, 'blocked');
    assert.ok(closed.endedAt instanceof Date, 'the official end is recorded');

    const headline = slack.fake.messagesIn(inc.headline.channelId).find((m) => m.ts === inc.headline.ts)!;
    assert.match(messageText(headline), /Closed — blocked/);
    assert.deepEqual(buttonIds(headline.blocks), [], 'a closed incident has no buttons on its headline');
    assert.doesNotMatch(JSON.stringify(headline.blocks), /"type":"actions"|incident\.close/);

    const messages = inc.channelMessagesMatching(/is closed — blocked/);
    assert.equal(messages.length, 1, 'one closed message');
    const message = messageText(messages[0]!);
    assert.match(message, new RegExp(`<@${CORA}> \\(comms lead\\): if people were told about this incident, tell them it is over`));
    assert.match(message, new RegExp(`<@${LENA}> \\(incident lead\\): schedule the root cause analysis \\(RCA\\)`));
    assert.match(slack.fake.state.channels.get(inc.channelId)!.topic, /\[Closed\]/);

    const entries = (await slack.app.timeline.list(inc.id)).filter((e) => e.kind === 'closed');
    assert.equal(entries.length, 1);
    assert.match(entries[0]!.text, /blocked — waiting for the supplier/);

    // reopen brings the incident and its buttons back
    const answer = await inc.slash(LENA, 'reopen');
    assert.equal(answer.text, '');
    await inc.settled(inc.channelPost(/Reopened/));
    const reopened = await inc.current();
    assert.equal(reopened.status, 'open');
    assert.equal(reopened.closeReason, null);
    assert.equal(reopened.endedAt, null);
    const after = slack.fake.messagesIn(inc.headline.channelId).find((m) => m.ts === inc.headline.ts)!;
    assert.ok(buttonIds(after.blocks).includes('incident.close'), `buttons are back: ${buttonIds(after.blocks).join(', ')}`);
    assert.ok(buttonIds(after.blocks).includes('incident.edit'));
    assert.doesNotMatch(slack.fake.state.channels.get(inc.channelId)!.topic, /\[Closed\]/);
    assert.equal(inc.channelMessagesMatching(/Reopened/).length, 1);
  });

  ctx.test('the closed message in the channel repeats the close note', async () => {
    const inc = await open('Note on close');
    await inc.mention(LENA, 'close blocked waiting for the supplier');
    await inc.settled(inc.channelPost(/is closed — blocked/));
    const [message] = inc.channelMessagesMatching(/is closed — blocked/);
    assert.ok(message);
    assert.match(messageText(message), /waiting for the supplier/);
  });

  ctx.test('the headline Close button opens the close form, and submitting it as resolved closes the incident', async () => {
    const inc = await open('Close by button');
    const pressed = await slack.send(
      blockAction({
        actionId: 'incident.close',
        value: inc.id,
        userId: LENA,
        channelId: inc.headline.channelId,
        messageTs: inc.headline.ts,
        triggerId: `trigger-close-${inc.reference}`,
        responseUrl: slack.fake.responseUrl(`close-${inc.reference}`),
      }),
    );
    assert.equal(pressed.status, 200);
    const [opened] = await slack.fake.waitFor((c) => deliveredTo('views.open')(c) && c.params.trigger_id === `trigger-close-${inc.reference}`);
    const view = opened!.params.view;
    assert.equal(stringField(view, 'callback_id'), 'incident.close');
    assert.ok(JSON.stringify(view).includes(`${inc.reference}: ${inc.title}`), 'the form names the incident');

    const submitted = await slack.send(
      viewSubmission({
        callbackId: 'incident.close',
        userId: LENA,
        viewId: `V0CLOSE${inc.reference.replace(/\W/g, '')}`,
        privateMetadata: stringField(view, 'private_metadata') ?? '',
        values: { reason: { reason: { type: 'radio_buttons', selected_option: { value: 'resolved' } } } },
      }),
    );
    assert.equal(submitted.status, 200);
    assert.equal(submitted.text, '');
    await inc.settled(inc.channelPost(/is closed — resolved/));

    const closed: Incident = await inc.current();
    assert.equal(closed.status, 'closed');
    assert.equal(closed.closeReason, 'resolved');
    assert.ok(closed.endedAt);
    const headline = slack.fake.messagesIn(inc.headline.channelId).find((m) => m.ts === inc.headline.ts)!;
    assert.deepEqual(buttonIds(headline.blocks), []);
    assert.match(messageText(headline), /Closed — resolved/);
    assert.equal(inc.channelMessagesMatching(/is closed — resolved/).length, 1);

    await inc.mention(LENA, 'duration');
    const [lasted] = await inc.settled(inc.ephemeralTo(LENA, /lasted/));
    assert.match(callText(lasted!), new RegExp(`${inc.reference} lasted \\d+ (s|min)`));
    await inc.mention(LENA, 'close');
    const [refused] = await inc.settled(inc.ephemeralTo(LENA, /already closed/));
    assert.match(callText(refused!), new RegExp(`${inc.reference} is already closed`));
    assert.equal(inc.channelMessagesMatching(/is closed/).length, 1, 'closing twice posts nothing more');
  });

  // --- people first seen -------------------------------------------------------------------

  ctx.test('someone first seen sending a command is stored, then looked up once, and their display name replaces the id', async () => {
    const newcomer = 'U0NIA';
    slack.fake.addUser({ id: newcomer, name: 'Nia Newcomer' });
    const inc = await open('First-timer leads');
    await inc.mention(newcomer, 'lead me');
    await inc.settled(inc.channelPost(new RegExp(`<@${newcomer}> is now incident lead`)));
    await inc.mention(newcomer, 'note Looking at the logs');
    await inc.settled(inc.channelPost(/Noted on the timeline/));

    const lead = holderOf(await inc.current(), 'lead');
    assert.equal(lead?.slackUserId, newcomer);
    assert.equal(lead?.name, 'Nia Newcomer');
    assert.equal(slack.fake.callsTo('users.info').filter((c) => c.params.user === newcomer).length, 1);
  });

  ctx.test('someone first seen in a mention (lead <@U…>) is stored, then looked up once, and their display name replaces the id', async () => {
    const newcomer = 'U0OMAR';
    slack.fake.addUser({ id: newcomer, name: 'Omar Oncall' });
    const inc = await open('Mentioned newcomer leads');
    await inc.mention(RITA, `lead <@${newcomer}>`);
    await inc.settled(inc.channelPost(new RegExp(`<@${newcomer}> is now incident lead`)));

    const lead = holderOf(await inc.current(), 'lead');
    assert.equal(lead?.slackUserId, newcomer);
    assert.equal(slack.fake.callsTo('users.info').filter((c) => c.params.user === newcomer).length, 1, 'users.info asked once');
    assert.equal(lead?.name, 'Omar Oncall');
  });
});

describeEngines('Slack: commands under a custom slash command', (ctx) => {
  let slack: SlackHarness;
  before(async () => {
    slack = await startSlackApp(ctx.databaseUrl, { env: { SLACK_COMMAND: '/opg-incident' } });
    seedWorkspace(slack);
  });
  after(() => slack.close());

  ctx.test('the role DM tells the new holder the slash command this workspace registered', async () => {
    const inc = await declareWithChannel(slack, { title: 'OPG gateway errors', reporter: RITA });
    const answer = await inc.slash(RITA, `lead <@${LENA}>`, { command: '/opg-incident' });
    assert.equal(answer.text, '');
    await inc.settled(inc.channelPost(/is now incident lead/));
    const [dm] = dmsAbout(slack, LENA, inc);
    assert.ok(dm);
    assert.match(callText(dm), /\/opg-incident sev/);
    assert.doesNotMatch(callText(dm), /`\/incident /);
  });
});
