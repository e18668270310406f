import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import { describeEngines } from '../support/engines.js';
import { deliveredTo, startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { appMentionEvent, eventCallback, slashCommand } from '../support/slack-requests.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';

/** Slack's side of a Socket Mode connection: says hello, sends envelopes, collects acks. */
class FakeSocketServer {
  readonly server: WebSocketServer;
  socket: WebSocket | undefined;
  readonly acks = new Map<string, unknown>();
  #waiters: { id: string; resolve: (payload: unknown) => void }[] = [];

  constructor() {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    this.server.on('connection', (socket) => {
      this.socket = socket;
      socket.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake' }, connection_info: { app_id: 'A0FAKE' } }));
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
        if (!message.envelope_id) return;
        this.acks.set(message.envelope_id, message.payload);
        for (const w of this.#waiters.filter((x) => x.id === message.envelope_id)) w.resolve(message.payload);
        this.#waiters = this.#waiters.filter((x) => x.id !== message.envelope_id);
      });
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link`;
  }

  async connected(): Promise<void> {
    if (!this.socket) await once(this.server, 'connection');
  }

  /** Sends an envelope and resolves with the app's ack payload. */
  send(type: 'slash_commands' | 'events_api' | 'interactive', id: string, payload: unknown): Promise<unknown> {
    const acked = new Promise<unknown>((resolve) => this.#waiters.push({ id, resolve }));
    this.socket!.send(JSON.stringify({ envelope_id: id, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '' }));
    return acked;
  }

  async close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describeEngines('Slack in Socket Mode (no public URL)', (ctx) => {
  let sockets: FakeSocketServer;
  let fake: FakeSlack;
  let slack: SlackHarness;
  before(async () => {
    sockets = new FakeSocketServer();
    await once(sockets.server, 'listening');
    fake = await startFakeSlack({ socketModeUrl: sockets.url });
    slack = await startSlackApp(ctx.databaseUrl, { fake, env: { SLACK_APP_TOKEN: 'xapp-1-test', SLACK_SIGNING_SECRET: '' } });
    await sockets.connected();
  });
  after(async () => {
    await slack.close();
    await sockets.close();
    await fake.close();
  });

  ctx.test('connects out with the app-level token and serves no /slack/events route', async () => {
    const open = fake.callsTo('apps.connections.open');
    assert.equal(open.length >= 1, true);
    assert.equal(open[0]!.token, 'xapp-1-test');
    const response = await fetch(`${slack.baseUrl}/slack/events`, { method: 'POST', body: '{}' });
    assert.equal(response.status, 404);
  });

  ctx.test('a slash command over the socket is acked and opens the declare modal', async () => {
    const command = slashCommand({ command: '/incident', text: 'Queue is stuck', userId: 'U0SOCK', channelId: 'C0TEAM', triggerId: 'trig-sock' });
    await sockets.send('slash_commands', 'env-1', command.payload);
    const [open] = await fake.waitFor(deliveredTo('views.open'));
    assert.equal(open!.params.trigger_id, 'trig-sock');
    assert.match(JSON.stringify(open!.params.view), /Queue is stuck/);
  });

  ctx.test('an app_mention over the socket outside an incident channel gets told where commands work', async () => {
    const event = eventCallback(appMentionEvent({ user: 'U0SOCK', text: 'sev major', channel: 'C0ELSEWHERE' }));
    await sockets.send('events_api', 'env-2', event.payload);
    const [reply] = await fake.waitFor(deliveredTo('chat.postEphemeral'));
    assert.match(String(reply!.params.text), /incident's own channel/);
  });
});
