import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { setTimeout as pause } from 'node:timers/promises';
import type { Incident } from '../../src/domain/incident.js';
import { LONG_TEXT_MAX } from '../../src/domain/text.js';
import type { TimelineEntry } from '../../src/domain/timeline.js';
import { describeEngines } from '../support/engines.js';
import { deliveredTo, permalinkFor, type FakeSlackCall, type JsonObject } from '../support/fake-slack.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';
import {
  appMentionEvent,
  blockAction,
  eventCallback,
  pinAddedEvent,
  pinRemovedEvent,
  reactionAddedEvent,
  viewSubmission,
  type PinEventInput,
} from '../support/slack-requests.js';

const REPORTER = 'U0REPORTER';
/** The scribe, who pins. */
const SCRIBE = 'U0SCRIBE';
/** Whose messages are pinned. */
const AUTHOR = 'U0AUTHOR';
/** Slack keeps up to 40,000 characters of a message's text; the timeline keeps fewer. */
const SLACK_TEXT_MAX = 40_000;

let serial = 0;
/** A message ts some minutes in the past (the timeline refuses entries dated in the future), unique per call. */
function pastTs(secondsAgo = 300): string {
  serial += 1;
  return `${Math.floor(Date.now() / 1000) - secondsAgo}.${String(serial).padStart(6, '0')}`;
}

/** The moment a Slack ts stands for, to the millisecond. */
function tsToDate(ts: string): Date {
  const [seconds = '0', micros = '0'] = ts.split('.');
  return new Date(Number(seconds) * 1000 + Math.floor(Number(micros.padEnd(6, '0')) / 1000));
}

/** Polls `read` until `done` holds: the Events API is acked before the listener runs, so there is no reply to wait on. */
async function eventually<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; last seen: ${JSON.stringify(value)}`);
    await pause(10);
  }
}

interface PinsHarness {
  readonly slack: SlackHarness;
  readonly incident: Incident;
  /** The incident's comms channel id. */
  readonly channel: string;
}

/** Starts the app, declares a live incident through the modal and creates its comms channel. */
function usePinsApp(databaseUrl: string, env: Record<string, string> = {}): () => PinsHarness {
  let harness: PinsHarness | undefined;
  let slack: SlackHarness | undefined;
  before(async () => {
    slack = await startSlackApp(databaseUrl, { env });
    if (!slack.fake.channelByName('incidents')) slack.fake.addChannel({ name: 'incidents' });
    slack.fake.addUser({ id: REPORTER, name: 'rita', realName: 'Rita Reporter' });
    slack.fake.addUser({ id: SCRIBE, name: 'sam', realName: 'Sam Scribe' });
    slack.fake.addUser({ id: AUTHOR, name: 'ann', realName: 'Ann Author' });
    const declared = await slack.send(
      viewSubmission({
        callbackId: 'incident.declare',
        userId: REPORTER,
        viewId: 'V0PINS',
        values: {
          kind: { kind: { type: 'radio_buttons', selected_option: { value: 'live' } } },
          title: { title: { type: 'plain_text_input', value: 'Checkout is failing' } },
        },
      }),
    );
    assert.equal(declared.status, 200);
    const [declaredIncident] = (await slack.app.incidents.list({ limit: 1 })).items;
    assert.ok(declaredIncident);
    await slack.send(
      blockAction({ actionId: 'incident.create_channel', value: declaredIncident.id, userId: REPORTER, channelId: 'C0INCIDENTS', responseUrl: slack.fake.responseUrl() }),
    );
    await slack.fake.waitFor(deliveredTo('bookmarks.add'));
    await slack.app.worker.idle();
    const incident = await slack.app.incidents.get(declaredIncident.id);
    assert.ok(incident.channel);
    harness = { slack, incident, channel: incident.channel.id };
  });
  after(() => slack?.close());
  return () => {
    if (!harness) throw new Error('the Slack app is not started');
    return harness;
  };
}

describeEngines('Slack pins: pinned messages become the timeline', (ctx) => {
  // Nested so that the app stops before describeEngines drops the database.
  describe('in an incident channel', () => {
    const app = usePinsApp(ctx.databaseUrl);
    let slack: SlackHarness;
    let incident: Incident;
    let channel: string;
    before(() => {
      ({ slack, incident, channel } = app());
    });

    const sourceOf = (ts: string, inChannel = channel) => `slack:${inChannel}:${ts}`;
    const entries = (options: { includeRemoved?: boolean } = {}) => slack.app.timeline.list(incident.id, options);
    const pinnedAt = async (ts: string, inChannel = channel) => (await entries()).filter((e) => e.sourceRef === sourceOf(ts, inChannel));

    /** Waits for the entry copied from the message at `ts`. */
    async function entryFor(ts: string): Promise<TimelineEntry> {
      const [entry] = await eventually(`the timeline entry of ${ts}`, () => pinnedAt(ts), (found) => found.length > 0);
      return entry!;
    }

    async function deliver(event: { type: string }, options: { eventId?: string; retryNum?: number } = {}): Promise<void> {
      const request = eventCallback(event, options.eventId ? { eventId: options.eventId } : {});
      const response = await slack.send(request, options.retryNum ? { retryNum: options.retryNum, retryReason: 'http_timeout' } : {});
      assert.equal(response.status, 200);
      assert.equal(response.text, '');
    }

    const pin = (message: PinEventInput['message'], extra: Partial<PinEventInput> = {}) =>
      pinAddedEvent({ user: SCRIBE, channel, message, ...extra });

    /** A pin whose message is shaped by hand (files, bots), as Slack sends it in `item.message`; no `item_user` for a bot. */
    function pinOf(message: JsonObject & { ts: string }) {
      const { type, user, channel_id, item, pin_count, pinned_info, event_ts } = pin({ user: AUTHOR, text: '', ts: message.ts });
      const pinned: JsonObject = { type: 'message', permalink: permalinkFor(channel, message.ts), pinned_to: [channel], ...message };
      return { type, user, channel_id, item: { ...item, message: pinned }, pin_count, pinned_info, event_ts };
    }

    /**
     * Handled events leave a mark we can wait for; one that must do nothing leaves none. So after
     * it, a pin in the incident channel is delivered and awaited: by then the first has been handled.
     */
    async function settle(): Promise<void> {
      const ts = pastTs();
      await deliver(pin({ user: AUTHOR, text: 'marker', ts }));
      await entryFor(ts);
      await slack.app.worker.idle();
    }

    ctx.test('pin_added copies the message with its markup, author, time and permalink', async () => {
      const ts = pastTs(600);
      const permalink = `https://fake.slack.com/archives/${channel}/p${ts.replace('.', '')}`;
      await deliver(
        pin(
          {
            user: AUTHOR,
            text: 'Deploy <https://ci.example.org/builds/42|build 42> by <@U0REPORTER> broke checkout &amp; login: p95 &gt; 2s &lt;ouch&gt;',
            ts,
          },
          { permalink },
        ),
      );
      const entry = await entryFor(ts);
      assert.equal(entry.kind, 'pinnedMessage');
      assert.equal(entry.text, 'Deploy <https://ci.example.org/builds/42|build 42> by <@U0REPORTER> broke checkout & login: p95 > 2s <ouch>');
      assert.equal(entry.author.slackUserId, AUTHOR, 'the author is who wrote the message');
      assert.equal(entry.updatedBy.slackUserId, SCRIBE, 'the pinner is who put it on the timeline');
      assert.equal(entry.occurredAt.toISOString(), tsToDate(ts).toISOString());
      assert.equal(entry.link, permalink);
      assert.equal(entry.source, 'slack');
    });

    ctx.test('a pinned multi-line message keeps all its lines', async () => {
      const ts = pastTs();
      const text = 'Timeline so far:\n• 09:02 alerts fired\n• 09:05 rolled back\n\nStill seeing errors';
      await deliver(pin({ user: AUTHOR, text, ts }));
      assert.equal((await entryFor(ts)).text, text);
    });

    ctx.test('a pinned message with files and no text is recorded with the file names', async () => {
      const ts = pastTs();
      await deliver(
        pinOf({
          ts,
          user: AUTHOR,
          text: '',
          files: [
            { id: 'F0GRAPH', name: 'error-rate.png', title: 'error-rate.png', mimetype: 'image/png' },
            { id: 'F0LOGS', name: 'gateway.log', title: 'gateway.log', mimetype: 'text/plain' },
          ],
        }),
      );
      const entry = await entryFor(ts);
      assert.match(entry.text, /error-rate\.png/);
      assert.match(entry.text, /gateway\.log/);
      assert.equal(entry.author.slackUserId, AUTHOR);
    });

    ctx.test('a pinned bot message (bot_id, no user) is recorded, not a crash', async () => {
      const ts = pastTs();
      await deliver(pinOf({ ts, subtype: 'bot_message', bot_id: 'B0GRAFANA', username: 'Grafana', text: '[FIRING:1] Checkout 5xx rate &gt; 5%' }));
      const entry = await entryFor(ts);
      assert.equal(entry.kind, 'pinnedMessage');
      assert.equal(entry.text, '[FIRING:1] Checkout 5xx rate > 5%');
    });

    ctx.test('a pinned bot message is not credited to the person who pinned it', async () => {
      const ts = pastTs();
      await deliver(pinOf({ ts, subtype: 'bot_message', bot_id: 'B0GRAFANA', username: 'Grafana', text: 'Resolved: checkout 5xx rate normal' }));
      const entry = await entryFor(ts);
      assert.notEqual(entry.author.slackUserId, SCRIBE, `the bot's words are credited to ${entry.author.name} (${entry.author.slackUserId}), who only pinned them`);
    });

    ctx.test('pin_removed takes the entry off the timeline and its history keeps the removal', async () => {
      const ts = pastTs();
      const message = { user: AUTHOR, text: 'We think it is the cache', ts };
      await deliver(pin(message));
      const entry = await entryFor(ts);
      await deliver(pinRemovedEvent({ user: SCRIBE, channel, message }));
      await eventually('the entry to be removed', () => pinnedAt(ts), (found) => found.length === 0);
      assert.ok(!(await entries()).some((e) => e.id === entry.id));
      const removed = (await entries({ includeRemoved: true })).find((e) => e.id === entry.id);
      assert.equal(removed?.removed, true);

      const history = await slack.app.timeline.history(incident.id, entry.id);
      assert.deepEqual(
        history.map((r) => [r.revision, r.removed, r.text]),
        [
          [1, false, 'We think it is the cache'],
          [2, true, 'We think it is the cache'],
        ],
      );
      assert.equal(history[1]!.revisedBy.slackUserId, SCRIBE);
    });

    ctx.test('a message pinned again after being unpinned is back on the timeline', async () => {
      const ts = pastTs();
      const message = { user: AUTHOR, text: 'Cache flushed', ts };
      await deliver(pin(message));
      const first = await entryFor(ts);
      await deliver(pinRemovedEvent({ user: SCRIBE, channel, message }));
      await eventually('the entry to be removed', () => pinnedAt(ts), (found) => found.length === 0);
      await deliver(pin(message));
      const again = await entryFor(ts);
      assert.notEqual(again.id, first.id);
      assert.equal(again.text, 'Cache flushed');
    });

    ctx.test('a pin_added delivered twice (Slack retry, same event id) makes one entry', async () => {
      const ts = pastTs();
      const event = pin({ user: AUTHOR, text: 'Rolled back to v41', ts });
      await deliver(event, { eventId: 'Ev0PINRETRY' });
      await entryFor(ts);
      await deliver(event, { eventId: 'Ev0PINRETRY', retryNum: 1 });
      await settle();
      assert.equal((await pinnedAt(ts)).length, 1);
      assert.equal((await entries({ includeRemoved: true })).filter((e) => e.sourceRef === sourceOf(ts)).length, 1);
    });

    ctx.test('a pin_added and its retry arriving together make one entry', async () => {
      const ts = pastTs();
      const event = pin({ user: AUTHOR, text: 'Paged the database team', ts });
      await Promise.all([deliver(event, { eventId: 'Ev0PINRACE' }), deliver(event, { eventId: 'Ev0PINRACE', retryNum: 1 })]);
      await entryFor(ts);
      await settle();
      assert.equal((await entries({ includeRemoved: true })).filter((e) => e.sourceRef === sourceOf(ts)).length, 1);
    });

    ctx.test('a late retry of a pin_added after the unpin does not bring the entry back', async () => {
      const ts = pastTs();
      const message = { user: AUTHOR, text: 'Suspect the new load balancer', ts };
      await deliver(pin(message), { eventId: 'Ev0PINLATE' });
      await entryFor(ts);
      await deliver(pinRemovedEvent({ user: SCRIBE, channel, message }));
      await eventually('the entry to be removed', () => pinnedAt(ts), (found) => found.length === 0);
      await deliver(pin(message), { eventId: 'Ev0PINLATE', retryNum: 1 });
      await settle();
      assert.equal((await pinnedAt(ts)).length, 0);
    });

    ctx.test('a pin in a channel that is not an incident channel records nothing', async () => {
      const random = slack.fake.addChannel({ name: 'random', members: [SCRIBE, AUTHOR] }).id;
      const ts = pastTs();
      const count = (await entries({ includeRemoved: true })).length;
      await deliver(pinAddedEvent({ user: SCRIBE, channel: random, message: { user: AUTHOR, text: 'Lunch at noon?', ts } }));
      await settle();
      const now = await entries({ includeRemoved: true });
      assert.equal(now.length, count + 1, 'only the marker was added');
      assert.ok(!now.some((e) => e.text === "Lunch at noon?"));
      const everywhere = await Promise.all((await slack.app.incidents.list({ limit: 1000 })).items.map((i) => slack.app.timeline.list(i.id)));
      assert.ok(!everywhere.flat().some((e) => e.sourceRef === sourceOf(ts, random)));
    });

    ctx.test('a pushpin reaction fetches the message and copies it with its text and author', async () => {
      const ts = pastTs(900);
      slack.fake.addMessage(channel, { user: AUTHOR, text: 'Error budget burnt: &lt;https://grafana.example.org/d/1|dashboard&gt; <@U0SCRIBE>', ts });
      await deliver(reactionAddedEvent({ user: SCRIBE, reaction: 'pushpin', channel, ts, itemUser: AUTHOR }));
      const [history] = await slack.fake.waitFor((c) => deliveredTo('conversations.history')(c) && c.params.latest === ts);
      assert.equal(history!.params.channel, channel);
      const entry = await entryFor(ts);
      assert.equal(entry.kind, 'pinnedMessage');
      assert.equal(entry.text, 'Error budget burnt: <https://grafana.example.org/d/1|dashboard> <@U0SCRIBE>');
      assert.equal(entry.author.slackUserId, AUTHOR);
      assert.equal(entry.updatedBy.slackUserId, SCRIBE);
      assert.equal(entry.occurredAt.toISOString(), tsToDate(ts).toISOString());
      assert.equal(entry.link, permalinkFor(channel, ts));
    });

    ctx.test('a pushpin reaction on a thread reply copies the reply', async () => {
      const parent = pastTs(1200);
      const ts = pastTs(1100);
      slack.fake.addMessage(channel, { user: REPORTER, text: 'What changed at 09:00?', ts: parent });
      slack.fake.addMessage(channel, { user: AUTHOR, text: 'The v42 deploy went out at 08:58', ts, threadTs: parent });
      await deliver(reactionAddedEvent({ user: SCRIBE, reaction: 'pushpin', channel, ts, itemUser: AUTHOR }));
      const entry = await entryFor(ts);
      assert.equal(entry.text, 'The v42 deploy went out at 08:58');
      assert.equal(entry.author.slackUserId, AUTHOR);
    });

    ctx.test('another reaction records nothing', async () => {
      const ts = pastTs();
      slack.fake.addMessage(channel, { user: AUTHOR, text: 'Looking into it', ts });
      await deliver(reactionAddedEvent({ user: SCRIBE, reaction: 'eyes', channel, ts, itemUser: AUTHOR }));
      await settle();
      assert.equal((await entries({ includeRemoved: true })).filter((e) => e.sourceRef === sourceOf(ts)).length, 0);
      assert.ok(!slack.fake.callsTo('conversations.history').some((c) => c.params.latest === ts));
    });

    ctx.test('a pushpin reaction in a channel that is not an incident channel records nothing', async () => {
      const elsewhere = slack.fake.addChannel({ name: 'general', members: [SCRIBE, AUTHOR] }).id;
      const ts = pastTs();
      slack.fake.addMessage(elsewhere, { user: AUTHOR, text: 'Happy Friday', ts });
      await deliver(reactionAddedEvent({ user: SCRIBE, reaction: 'pushpin', channel: elsewhere, ts, itemUser: AUTHOR }));
      await settle();
      assert.ok(!slack.fake.callsTo('conversations.history').some((c) => c.params.channel === elsewhere));
      assert.ok(!(await entries({ includeRemoved: true })).some((e) => e.text === 'Happy Friday'));
    });

    ctx.test('a pin and a pushpin on the same message make one entry, in either order', async () => {
      const pinnedFirst = pastTs();
      const reactedFirst = pastTs();
      for (const ts of [pinnedFirst, reactedFirst]) slack.fake.addMessage(channel, { user: AUTHOR, text: `Status page updated (${ts})`, ts });
      const historyFor = (ts: string) => (c: FakeSlackCall) => deliveredTo('conversations.history')(c) && c.params.latest === ts;

      await deliver(pin({ user: AUTHOR, text: `Status page updated (${pinnedFirst})`, ts: pinnedFirst }));
      await entryFor(pinnedFirst);
      await deliver(reactionAddedEvent({ user: SCRIBE, reaction: 'pushpin', channel, ts: pinnedFirst, itemUser: AUTHOR }));
      await slack.fake.waitFor(historyFor(pinnedFirst));
      await slack.app.worker.idle();

      await deliver(reactionAddedEvent({ user: SCRIBE, reaction: 'pushpin', channel, ts: reactedFirst, itemUser: AUTHOR }));
      await entryFor(reactedFirst);
      await deliver(pin({ user: AUTHOR, text: `Status page updated (${reactedFirst})`, ts: reactedFirst }));
      await settle();

      const all = await entries({ includeRemoved: true });
      assert.equal(all.filter((e) => e.sourceRef === sourceOf(pinnedFirst)).length, 1);
      assert.equal(all.filter((e) => e.sourceRef === sourceOf(reactedFirst)).length, 1);
    });

    ctx.test('a pinned message longer than the timeline keeps is still recorded, shortened', async () => {
      const ts = pastTs();
      const text = `Full log follows\n${'GET /checkout 502 upstream timed out\n'.repeat(SLACK_TEXT_MAX / 37)}`.slice(0, SLACK_TEXT_MAX - 1000);
      assert.ok(text.length > LONG_TEXT_MAX);
      await deliver(pin({ user: AUTHOR, text, ts }));
      const entry = await entryFor(ts);
      assert.ok(entry.text.startsWith('Full log follows\nGET /checkout 502'));
      assert.ok(entry.text.length <= LONG_TEXT_MAX);
    });

    ctx.test('a pushpin on a message longer than the timeline keeps does not hold up the incident\'s Slack messages', async () => {
      // Any later Slack work for the incident will do: here, the confirmation of a note.
      const confirmation = (c: FakeSlackCall) =>
        deliveredTo('chat.postMessage')(c) && c.params.channel === channel && /Noted on the timeline/.test(String(c.params.text));
      const note = async (text: string, confirmations: number) => {
        await deliver(appMentionEvent({ user: SCRIBE, text: `note ${text}`, channel }));
        return slack.fake.waitFor(confirmation, confirmations, { timeoutMs: 3000 });
      };
      await note('cache hit ratio falling', 1);

      const ts = pastTs();
      slack.fake.addMessage(channel, { user: AUTHOR, text: 'x'.repeat(LONG_TEXT_MAX + 5000), ts });
      await deliver(reactionAddedEvent({ user: SCRIBE, reaction: 'pushpin', channel, ts, itemUser: AUTHOR }));
      await slack.fake.waitFor((c) => deliveredTo('conversations.history')(c) && c.params.latest === ts);

      await note('cache hit ratio back to 98%', 2);
      assert.ok(
        slack.fake.callsTo('conversations.history').filter((c) => c.params.latest === ts).length <= 1,
        'a message the timeline refuses is not fetched again and again',
      );
    });
  });
});

describeEngines('Slack pins: SLACK_PIN_REACTION', (ctx) => {
  describe('set to star', () => {
    const app = usePinsApp(ctx.databaseUrl, { SLACK_PIN_REACTION: 'star' });

    ctx.test('SLACK_PIN_REACTION=star makes a star add the message, and a pushpin does nothing', async () => {
      const { slack, incident, channel } = app();
      const starred = pastTs();
      const pushpinned = pastTs();
      slack.fake.addMessage(channel, { user: AUTHOR, text: 'Pushpinned, not starred', ts: pushpinned });
      slack.fake.addMessage(channel, { user: AUTHOR, text: 'Starred', ts: starred });
      const react = (reaction: string, ts: string) =>
        slack.send(eventCallback(reactionAddedEvent({ user: SCRIBE, reaction, channel, ts, itemUser: AUTHOR })));
      assert.equal((await react('pushpin', pushpinned)).status, 200);
      assert.equal((await react('star', starred)).status, 200);
      const [entry] = await eventually(
        'the starred message on the timeline',
        async () => (await slack.app.timeline.list(incident.id)).filter((e) => e.kind === 'pinnedMessage'),
        (found) => found.length > 0,
      );
      await slack.app.worker.idle();
      assert.equal(entry!.text, 'Starred');
      assert.equal(entry!.author.slackUserId, AUTHOR);
      const pinned = (await slack.app.timeline.list(incident.id, { includeRemoved: true })).filter((e) => e.kind === 'pinnedMessage');
      assert.deepEqual(
        pinned.map((e) => e.text),
        ['Starred'],
      );
      assert.ok(!slack.fake.callsTo('conversations.history').some((c) => c.params.latest === pushpinned));
    });
  });
});
