import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { App, HTTPReceiver, LogLevel, verifySlackRequest, type BlockAction, type ButtonAction as BoltButtonAction } from '@slack/bolt';
import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError, WebClient } from '@slack/web-api';
import { deliveredTo, startFakeSlack, type FakeSlack, type FakeSlackOptions } from '../support/fake-slack.js';
import {
  appMentionEvent,
  blockAction,
  eventCallback,
  pinAddedEvent,
  reactionAddedEvent,
  signedFetch,
  signedHeaders,
  slashCommand,
  urlVerification,
  viewSubmission,
  type SlackRequest,
} from '../support/slack-requests.js';

const SIGNING_SECRET = 'test-signing-secret';

function clientFor(fake: FakeSlack, options: { rejectRateLimitedCalls?: boolean } = {}): WebClient {
  return new WebClient('xoxb-test', {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
    ...options,
  });
}

/** Runs `body` against a fresh fake and a real WebClient, closing the fake whatever happens. */
async function withFake(body: (fake: FakeSlack, client: WebClient) => Promise<void>, options: FakeSlackOptions = {}): Promise<void> {
  const fake = await startFakeSlack(options);
  try {
    await body(fake, clientFor(fake));
  } finally {
    await fake.close();
  }
}

const blocks = [
  { type: 'section', block_id: 'summary', text: { type: 'mrkdwn', text: '*INC-1* database down' } },
  { type: 'actions', block_id: 'controls', elements: [{ type: 'button', action_id: 'ack', text: { type: 'plain_text', text: 'Ack' }, value: 'INC-1' }] },
];

describe('fake Slack Web API, driven by the real WebClient', () => {
  it('answers auth.test as the bot of the fake workspace', () =>
    withFake(async (fake, client) => {
      const result = await client.auth.test();
      assert.equal(result.user_id, 'UBOT');
      assert.equal(result.bot_id, 'BBOT');
      assert.equal(result.team_id, 'T0TEAM');
      assert.equal(result.url, 'https://fake.slack.com/');
      const [call] = fake.callsTo('auth.test');
      assert.equal(call?.token, 'xoxb-test');
      assert.equal(call?.rejected, false);
    }));

  it('round-trips postMessage, update and history with blocks and metadata', () =>
    withFake(async (fake, client) => {
      const metadata = { event_type: 'incident_declared', event_payload: { incident: 'INC-1' } };
      const posted = await client.chat.postMessage({ channel: 'C0INCIDENTS', text: 'INC-1 declared', blocks, metadata });
      assert.equal(posted.channel, 'C0INCIDENTS');
      assert.equal(posted.ts, '1700000000.000100');
      assert.deepEqual(fake.callsTo('chat.postMessage')[0]?.params.blocks, blocks);
      assert.deepEqual(fake.callsTo('chat.postMessage')[0]?.params.metadata, metadata);

      const second = await client.chat.postMessage({ channel: 'C0INCIDENTS', text: 'second' });
      assert.equal(second.ts, '1700000000.000200');

      const updated = await client.chat.update({ channel: 'C0INCIDENTS', ts: posted.ts ?? '', text: 'INC-1 resolved', blocks: blocks.slice(0, 1) });
      assert.equal(updated.ts, posted.ts);

      const history = await client.conversations.history({ channel: 'C0INCIDENTS' });
      assert.deepEqual(history.messages?.map((m) => m.text), ['second', 'INC-1 resolved']);
      const first = history.messages?.[1];
      assert.deepEqual(first?.blocks, blocks.slice(0, 1));
      assert.equal(first?.user, 'UBOT');
      assert.equal(first?.bot_id, 'BBOT');
      assert.ok(first?.edited, 'an updated message carries `edited`');
      assert.equal(first?.metadata, undefined, 'Slack leaves metadata out unless asked');

      const withMetadata = await client.conversations.history({ channel: 'C0INCIDENTS', include_all_metadata: true });
      assert.deepEqual(withMetadata.messages?.[1]?.metadata, metadata);
      assert.equal(fake.messagesIn('C0INCIDENTS').length, 2);

      await assert.rejects(
        client.chat.update({ channel: 'C0INCIDENTS', ts: '1600000000.000100', text: 'nope' }),
        (error: unknown) => error instanceof WebAPIPlatformError && error.data.error === 'message_not_found',
      );
    }));

  it('pages history by latest, oldest, inclusive, limit and cursor, seeded messages included', () =>
    withFake(async (fake, client) => {
      fake.addChannel({ id: 'C0OPS', name: 'ops' });
      for (const n of [1, 2, 3, 4]) fake.addMessage('#ops', { user: 'UALICE', text: `m${n}`, ts: `1700000100.00000${n}` });
      const texts = async (args: { latest?: string; oldest?: string; inclusive?: boolean; limit?: number; cursor?: string }) => {
        const result = await client.conversations.history({ channel: 'C0OPS', ...args });
        return { texts: result.messages?.map((m) => m.text), cursor: result.response_metadata?.next_cursor, hasMore: result.has_more };
      };
      assert.deepEqual((await texts({})).texts, ['m4', 'm3', 'm2', 'm1']);
      assert.deepEqual((await texts({ latest: '1700000100.000003', oldest: '1700000100.000001' })).texts, ['m2']);
      assert.deepEqual((await texts({ latest: '1700000100.000003', oldest: '1700000100.000001', inclusive: true })).texts, ['m3', 'm2', 'm1']);
      const firstPage = await texts({ limit: 3 });
      assert.deepEqual(firstPage.texts, ['m4', 'm3', 'm2']);
      assert.equal(firstPage.hasMore, true);
      const secondPage = await texts({ limit: 3, cursor: firstPage.cursor ?? '' });
      assert.deepEqual(secondPage.texts, ['m1']);
      assert.equal(secondPage.hasMore, false);

      const next = await client.chat.postMessage({ channel: 'C0OPS', text: 'after the seeds' });
      assert.equal(next.ts, '1700000100.000104', 'fresh ts continue after the newest seeded one');
    }));

  it('creates channels under Slack naming rules and refuses a taken name', () =>
    withFake(async (fake, client) => {
      const created = await client.conversations.create({ name: 'inc-1-db-down', is_private: true });
      assert.match(created.channel?.id ?? '', /^C0/);
      assert.equal(created.channel?.is_private, true);
      assert.equal(created.channel?.creator, 'UBOT');

      const failure = (code: string) => (error: unknown) => error instanceof WebAPIPlatformError && error.data.error === code;
      await assert.rejects(client.conversations.create({ name: 'inc-1-db-down' }), failure('name_taken'));
      await assert.rejects(client.conversations.create({ name: 'INC 1' }), failure('invalid_name_specials'));
      await assert.rejects(client.conversations.create({ name: 'a'.repeat(81) }), failure('invalid_name_maxlength'));
      assert.equal(fake.callsTo('conversations.create').length, 4);

      await client.conversations.create({ name: 'public-one' });
      const publicOnly = await client.conversations.list();
      assert.deepEqual(publicOnly.channels?.map((c) => c.name), ['public-one']);
      const names: string[] = [];
      for await (const page of client.paginate('conversations.list', { types: 'public_channel,private_channel', limit: 1 })) {
        for (const channel of (page as { channels?: { name?: string }[] }).channels ?? []) names.push(channel.name ?? '');
      }
      assert.deepEqual(names, ['inc-1-db-down', 'public-one'], 'WebClient.paginate follows the fake cursor');
    }));

  it('keeps channel state: invite, topic, purpose, rename, bookmarks, pins, reactions, archive', () =>
    withFake(async (fake, client) => {
      const channel = (await client.conversations.create({ name: 'inc-2' })).channel?.id ?? '';
      await client.conversations.invite({ channel, users: 'UALICE,UBOB' });
      await assert.rejects(
        client.conversations.invite({ channel, users: 'UALICE' }),
        (error: unknown) => error instanceof WebAPIPlatformError && error.data.error === 'already_in_channel',
      );
      await client.conversations.invite({ channel, users: 'UALICE,UCAROL' });
      await client.conversations.setTopic({ channel, topic: 'SEV1 | lead <@UALICE>' });
      await client.conversations.setPurpose({ channel, purpose: 'Database down' });
      await client.conversations.rename({ channel, name: 'inc-2-db-down' });
      await client.bookmarks.add({ channel_id: channel, title: 'Incident page', type: 'link', link: 'https://incidents.example/INC-2' });
      const { ts = '' } = await client.chat.postMessage({ channel, text: 'summary' });
      await client.pins.add({ channel, timestamp: ts });
      await client.reactions.add({ channel, timestamp: ts, name: 'eyes' });
      const permalink = await client.chat.getPermalink({ channel, message_ts: ts });
      assert.equal(permalink.permalink, `https://fake.slack.com/archives/${channel}/p${ts.replace('.', '')}`);

      const info = await client.conversations.info({ channel });
      assert.equal(info.channel?.name, 'inc-2-db-down');
      assert.equal(info.channel?.topic?.value, 'SEV1 | lead <@UALICE>');

      await client.conversations.archive({ channel });
      const state = fake.state.channels.get(channel);
      assert.deepEqual(
        {
          name: state?.name,
          topic: state?.topic,
          purpose: state?.purpose,
          members: state?.members,
          bookmarks: state?.bookmarks.map((b) => b.link),
          pins: state?.pins,
          archived: state?.archived,
        },
        {
          name: 'inc-2-db-down',
          topic: 'SEV1 | lead <@UALICE>',
          purpose: 'Database down',
          members: ['UBOT', 'UALICE', 'UBOB', 'UCAROL'],
          bookmarks: ['https://incidents.example/INC-2'],
          pins: [ts],
          archived: true,
        },
      );
      assert.deepEqual(fake.messagesIn(channel)[0]?.reactions, [{ name: 'eyes', users: ['UBOT'] }]);
      await assert.rejects(
        client.chat.postMessage({ channel, text: 'too late' }),
        (error: unknown) => error instanceof WebAPIPlatformError && error.data.error === 'is_archived',
      );
    }));

  it('serves seeded users and stable DM channels', () =>
    withFake(
      async (fake, client) => {
        const byId = await client.users.info({ user: 'UALICE' });
        assert.equal(byId.user?.real_name, 'Alice Example');
        assert.equal(byId.user?.profile?.email, 'alice@example.com');
        const byEmail = await client.users.lookupByEmail({ email: 'ALICE@example.com' });
        assert.equal(byEmail.user?.id, 'UALICE');
        await assert.rejects(
          client.users.info({ user: 'UNOBODY' }),
          (error: unknown) => error instanceof WebAPIPlatformError && error.data.error === 'user_not_found',
        );
        await assert.rejects(
          client.users.lookupByEmail({ email: 'nobody@example.com' }),
          (error: unknown) => error instanceof WebAPIPlatformError && error.data.error === 'users_not_found',
        );
        const dm = await client.conversations.open({ users: 'UALICE' });
        const again = await client.conversations.open({ users: 'UALICE' });
        assert.match(dm.channel?.id ?? '', /^D/);
        assert.equal(again.channel?.id, dm.channel?.id);
        fake.addUser({ id: 'UBOB', name: 'bob', realName: 'Bob', email: 'bob@example.com' });
        assert.equal((await client.users.info({ user: 'UBOB' })).user?.name, 'bob');
      },
      { users: [{ id: 'UALICE', name: 'alice', realName: 'Alice Example', email: 'alice@example.com' }] },
    ));

  it('opens, pushes and updates views, and spends each trigger_id once', () =>
    withFake(async (fake, client) => {
      const modal = {
        type: 'modal' as const,
        callback_id: 'declare',
        private_metadata: '{"channel":"C0OPS"}',
        title: { type: 'plain_text' as const, text: 'Declare' },
        blocks: [],
      };
      const opened = await client.views.open({ trigger_id: 'trigger-1', view: modal });
      const viewId = opened.view?.id ?? '';
      assert.match(viewId, /^V0/);
      assert.equal(opened.view?.callback_id, 'declare');
      await assert.rejects(
        client.views.open({ trigger_id: 'trigger-1', view: modal }),
        (error: unknown) => error instanceof WebAPIPlatformError && error.data.error === 'exchanged_trigger_id',
      );
      const updated = await client.views.update({ view_id: viewId, view: { ...modal, callback_id: 'declare-2' } });
      assert.equal(updated.view?.id, viewId);
      const pushed = await client.views.push({ trigger_id: 'trigger-2', view: { ...modal, callback_id: 'confirm' } });
      assert.equal(pushed.view?.root_view_id, viewId);
      assert.deepEqual(fake.state.viewsOpened.map((v) => v.callbackId), ['declare', 'confirm']);
      assert.equal(fake.state.views.get(viewId)?.callbackId, 'declare-2');
      assert.equal(fake.state.views.get(viewId)?.privateMetadata, '{"channel":"C0OPS"}');
    }));

  it('answers unknown methods and missing tokens the way Slack does', () =>
    withFake(async (fake, client) => {
      await assert.rejects(
        client.apiCall('incidents.teleport'),
        (error: unknown) => error instanceof WebAPIPlatformError && error.data.error === 'unknown_method',
      );
      const anonymous = await fetch(`${fake.apiUrl}auth.test`, { method: 'POST' });
      assert.equal(anonymous.status, 200);
      assert.deepEqual(await anonymous.json(), { ok: false, error: 'not_authed' });
      const jsonBodyToken = await fetch(`${fake.apiUrl}auth.test`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: 'xoxb-test' }),
      });
      assert.deepEqual(await jsonBodyToken.json(), { ok: false, error: 'not_authed' }, 'a JSON body token does not count');
    }));
});

describe('fake Slack fault injection', () => {
  it('failNext 429 makes WebClient throw a rate-limit error carrying retryAfter', async () => {
    const fake = await startFakeSlack();
    try {
      const client = clientFor(fake, { rejectRateLimitedCalls: true });
      fake.failNext('chat.postMessage', 1, { status: 429, retryAfter: 7 });
      await assert.rejects(
        client.chat.postMessage({ channel: 'C0OPS', text: 'first' }),
        (error: unknown) => error instanceof WebAPIRateLimitedError && error.retryAfter === 7,
      );
      const retried = await client.chat.postMessage({ channel: 'C0OPS', text: 'second' });
      assert.equal(retried.ok, true);
      assert.deepEqual(
        fake.callsTo('chat.postMessage').map((c) => [c.rejected, c.rejection, c.response?.status]),
        [
          [true, 'ratelimited', 429],
          [false, undefined, 200],
        ],
      );
      assert.deepEqual(fake.messagesIn('C0OPS').map((m) => m.text), ['second'], 'a refused call changes nothing');
    } finally {
      await fake.close();
    }
  });

  it('injects 5xx answers and Slack errors', () =>
    withFake(async (fake, client) => {
      fake.failNext('*', 1, { status: 500 });
      fake.failNext('conversations.create', 1, { error: 'restricted_action' });
      await assert.rejects(client.auth.test(), (error: unknown) => error instanceof WebAPIHTTPError && error.statusCode === 500);
      await assert.rejects(
        client.conversations.create({ name: 'inc-3' }),
        (error: unknown) => error instanceof WebAPIPlatformError && error.data.error === 'restricted_action',
      );
      assert.equal(fake.state.channels.size, 0);
      assert.equal((await client.conversations.create({ name: 'inc-3' })).ok, true);
    }));

  it('down() refuses every call with 503 and records it as rejected; up() restores service', () =>
    withFake(async (fake, client) => {
      fake.down();
      await assert.rejects(
        client.chat.postMessage({ channel: 'C0OPS', text: 'during the outage' }),
        (error: unknown) => error instanceof WebAPIHTTPError && error.statusCode === 503,
      );
      const [refused] = fake.callsTo('chat.postMessage');
      assert.equal(refused?.rejected, true);
      assert.equal(refused?.rejection, 'down');
      assert.deepEqual(refused?.params.text, 'during the outage', 'a refused call is still recorded with its params');
      fake.up();
      await client.chat.postMessage({ channel: 'C0OPS', text: 'after the outage' });
      const [delivered] = await fake.waitFor(deliveredTo('chat.postMessage'));
      assert.equal(delivered?.params.text, 'after the outage');
    }));

  it('delay holds answers back, globally or for one method', () =>
    withFake(async (fake, client) => {
      fake.delay(120, 'chat.postMessage');
      let started = performance.now();
      await client.chat.postMessage({ channel: 'C0OPS', text: 'slow' });
      assert.ok(performance.now() - started >= 120, 'the per-method delay applies');

      fake.delay(60);
      started = performance.now();
      await client.auth.test();
      const globalElapsed = performance.now() - started;
      assert.ok(globalElapsed >= 60, `the global delay applies (${globalElapsed} ms)`);

      fake.delay(0);
      fake.delay(0, 'chat.postMessage');
      started = performance.now();
      await client.chat.postMessage({ channel: 'C0OPS', text: 'fast' });
      assert.ok(performance.now() - started < 120, 'clearing the delays restores fast answers');
    }));

  it('rateLimit enforces Slack-style per-minute limits with Retry-After', async () => {
    let now = 1_700_000_000_000;
    const fake = await startFakeSlack({ clock: () => now });
    try {
      const client = clientFor(fake, { rejectRateLimitedCalls: true });
      fake.rateLimit('chat.postMessage', 2);
      await client.chat.postMessage({ channel: 'C0OPS', text: '1' });
      now += 10_000;
      await client.chat.postMessage({ channel: 'C0OPS', text: '2' });
      const limited = (retryAfter: number) => (error: unknown) => error instanceof WebAPIRateLimitedError && error.retryAfter === retryAfter;
      await assert.rejects(client.chat.postMessage({ channel: 'C0OPS', text: '3' }), limited(50));
      now += 30_000;
      await assert.rejects(client.chat.postMessage({ channel: 'C0OPS', text: '3' }), limited(20));
      now += 20_001;
      await client.chat.postMessage({ channel: 'C0OPS', text: '3' });
      assert.equal((await client.auth.test()).ok, true, 'other methods are not limited');
      assert.deepEqual(fake.messagesIn('C0OPS').map((m) => m.text), ['1', '2', '3']);
    } finally {
      await fake.close();
    }
  });

  it('close() releases a hung call', async () => {
    const fake = await startFakeSlack();
    const client = clientFor(fake);
    fake.failNext('conversations.info', 1, { hang: true });
    const hung = client.conversations.info({ channel: 'C0OPS' });
    const [call] = await fake.waitFor('conversations.info');
    assert.equal(call?.rejection, 'hang');
    assert.equal(call?.response, undefined);
    await fake.close();
    await assert.rejects(hung, (error: unknown) => error instanceof WebAPIRequestError);
  });
});

describe('fake Slack recording', () => {
  it('records posts to response URLs', () =>
    withFake(async (fake) => {
      const url = fake.responseUrl('cmd-1');
      assert.equal(url, `${fake.baseUrl}/response/cmd-1`);
      const pending = fake.waitForResponses(1);
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', text: 'Declared INC-1' }),
      });
      assert.equal(res.status, 200);
      const [post] = await pending;
      assert.equal(post?.id, 'cmd-1');
      assert.deepEqual(post?.body, { response_type: 'ephemeral', text: 'Declared INC-1' });
      assert.equal(fake.responses.length, 1);
    }));

  it('waitFor resolves when matching calls arrive later', () =>
    withFake(async (fake, client) => {
      let resolved = false;
      const waiting = fake.waitFor('chat.postMessage', 2).then((calls) => {
        resolved = true;
        return calls;
      });
      await client.chat.postMessage({ channel: 'C0OPS', text: 'one' });
      assert.equal(resolved, false, 'one call is not two');
      await client.chat.postMessage({ channel: 'C0OPS', text: 'two' });
      const calls = await waiting;
      assert.deepEqual(calls.map((c) => c.params.text), ['one', 'two']);

      const byPredicate = fake.waitFor((c) => c.method === 'reactions.add' && c.params.name === 'white_check_mark');
      await client.reactions.add({ channel: 'C0OPS', timestamp: calls[0]?.response?.body.ts?.toString() ?? '', name: 'white_check_mark' });
      assert.equal((await byPredicate).length, 1);
    }));

  it('waitFor gives up after its safety timeout, listing the calls it saw', () =>
    withFake(async (fake, client) => {
      await client.auth.test();
      await assert.rejects(fake.waitFor('views.open', 1, { timeoutMs: 50 }), (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.match(error.message, /waitFor\(views\.open, 1\) timed out after 50 ms; 1 call\(s\) seen:\n {2}auth\.test \{\} -> 200 ok/);
        return true;
      });
    }));
});

describe('signed Slack requests', () => {
  const verify = (request: SlackRequest<unknown>, body: string, options: { timestamp: number; nowSeconds: number; secret?: string }) => {
    const headers = signedHeaders(request, { signingSecret: options.secret ?? SIGNING_SECRET, timestamp: options.timestamp });
    verifySlackRequest({
      signingSecret: SIGNING_SECRET,
      body,
      headers: {
        'x-slack-signature': headers['x-slack-signature'] ?? '',
        'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']),
      },
      nowMilliseconds: options.nowSeconds * 1000,
    });
  };

  it("signs bodies the way @slack/bolt's verifySlackRequest accepts, and a tampered body fails", () => {
    const timestamp = 1_700_000_000;
    const command = slashCommand({ command: '/incident', text: 'declare db down', userId: 'UALICE', channelId: 'C0OPS' });
    const mention = eventCallback(appMentionEvent({ user: 'UALICE', text: 'sev major', channel: 'C0OPS' }));
    for (const request of [command, mention]) {
      assert.doesNotThrow(() => verify(request, request.body, { timestamp, nowSeconds: timestamp + 10 }));
      assert.throws(() => verify(request, `${request.body}x`, { timestamp, nowSeconds: timestamp + 10 }), /signature/i);
    }
    assert.throws(() => verify(command, command.body, { timestamp, nowSeconds: timestamp, secret: 'wrong' }), /signature/i);
    assert.throws(() => verify(command, command.body, { timestamp, nowSeconds: timestamp + 600 }), /stale|old/i);
  });

  it('builds payloads Bolt parses and routes to its listeners', async () => {
    const fake = await startFakeSlack();
    const receiver = new HTTPReceiver({ signingSecret: SIGNING_SECRET, processBeforeResponse: true, logLevel: LogLevel.ERROR });
    const app = new App({
      receiver,
      token: 'xoxb-test',
      botId: 'BBOT',
      botUserId: 'UBOT',
      tokenVerificationEnabled: false,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
    });
    const seen: Record<string, unknown> = {};
    app.command('/incident', async ({ ack, command, respond }) => {
      await ack();
      seen.command = command.text;
      await respond({ response_type: 'ephemeral', text: `got ${command.text}` });
    });
    app.action<BlockAction<BoltButtonAction>>('ack', async ({ ack, action, body, client }) => {
      await ack();
      await client.chat.postMessage({ channel: body.channel?.id ?? '', text: `acked ${action.value}`, thread_ts: body.message?.ts });
    });
    app.view('declare', async ({ ack, view }) => {
      await ack();
      seen.view = { metadata: view.private_metadata, values: view.state.values };
    });
    app.event('app_mention', async ({ event, say }) => {
      await say({ text: `heard ${event.text}`, thread_ts: event.ts });
    });
    app.event('pin_added', async ({ event }) => {
      seen.pin = event.item;
    });
    app.event('reaction_added', async ({ event, context }) => {
      seen.reaction = { reaction: event.reaction, retryNum: context.retryNum, retryReason: context.retryReason };
    });
    const server = createServer(receiver.requestListener);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const send = (request: SlackRequest<unknown>, extra: { retryNum?: number; retryReason?: string; signature?: string } = {}) =>
      signedFetch(baseUrl, request, { signingSecret: SIGNING_SECRET, ...extra });
    try {
      const command = await send(slashCommand({ command: '/incident', text: 'declare db down', userId: 'UALICE', channelId: 'C0OPS', responseUrl: fake.responseUrl('cmd') }));
      assert.equal(command.status, 200);
      assert.equal(seen.command, 'declare db down');
      const [reply] = await fake.waitForResponses(1);
      assert.deepEqual(reply?.body, { response_type: 'ephemeral', text: 'got declare db down' });

      const click = await send(blockAction({ actionId: 'ack', value: 'INC-1', userId: 'UALICE', channelId: 'C0OPS', messageTs: '1700000000.000100' }));
      assert.equal(click.status, 200);
      const [acked] = await fake.waitFor('chat.postMessage');
      assert.deepEqual([acked?.params.text, acked?.params.thread_ts, acked?.token], ['acked INC-1', '1700000000.000100', 'xoxb-test']);

      const submit = await send(
        viewSubmission({
          callbackId: 'declare',
          userId: 'UALICE',
          privateMetadata: '{"channel":"C0OPS"}',
          values: {
            title: { title: { type: 'plain_text_input', value: 'DB down' } },
            sev: { sev: { type: 'static_select', selected_option: { value: 'major' } } },
            lead: { lead: { type: 'users_select', selected_user: 'UBOB' } },
          },
        }),
      );
      assert.equal(submit.status, 200);
      assert.deepEqual(seen.view, {
        metadata: '{"channel":"C0OPS"}',
        values: {
          title: { title: { type: 'plain_text_input', value: 'DB down' } },
          sev: { sev: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'major', emoji: true }, value: 'major' } } },
          lead: { lead: { type: 'users_select', selected_user: 'UBOB' } },
        },
      });

      await send(eventCallback(appMentionEvent({ user: 'UALICE', text: 'sev critical', channel: 'C0OPS', ts: '1700000000.000900' })));
      const [, heard] = await fake.waitFor('chat.postMessage', 2);
      assert.deepEqual([heard?.params.text, heard?.params.thread_ts], ['heard <@UBOT> sev critical', '1700000000.000900']);

      await send(eventCallback(pinAddedEvent({ user: 'UALICE', channel: 'C0OPS', message: { user: 'UBOB', text: 'root cause found', ts: '1700000000.000500' } })));
      assert.deepEqual(seen.pin, {
        type: 'message',
        channel: 'C0OPS',
        created: (seen.pin as { created: number }).created,
        created_by: 'UALICE',
        message: {
          type: 'message',
          user: 'UBOB',
          text: 'root cause found',
          ts: '1700000000.000500',
          permalink: 'https://fake.slack.com/archives/C0OPS/p1700000000000500',
          pinned_to: ['C0OPS'],
        },
      });

      await send(eventCallback(reactionAddedEvent({ user: 'UALICE', reaction: 'eyes', channel: 'C0OPS', ts: '1700000000.000100' })), {
        retryNum: 1,
        retryReason: 'http_timeout',
      });
      assert.deepEqual(seen.reaction, { reaction: 'eyes', retryNum: 1, retryReason: 'http_timeout' });

      const challenge = await send(urlVerification('challenge-token'));
      assert.equal(challenge.status, 200);
      assert.deepEqual(challenge.json(), { challenge: 'challenge-token' });

      const forged = await send(slashCommand({ command: '/incident', text: 'forged', userId: 'UEVE', channelId: 'C0OPS' }), { signature: 'v0=deadbeef' });
      assert.equal(forged.status, 401);
      assert.notEqual(seen.command, 'forged');
      assert.ok(forged.elapsedMs >= 0);
    } finally {
      server.close();
      server.closeAllConnections();
      await fake.close();
    }
  });
});
