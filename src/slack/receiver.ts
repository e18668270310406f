import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Clock } from '../ports/clock.port.js';
import type { SlackInbox } from './inbox.js';
import { isRoutableSlackBody } from './parse/envelope.js';
import { slackSignatureMatches } from './signature.js';

const FIVE_MINUTES_S = 5 * 60;
/** Slack gives up after 3 s; answering a little before keeps a slow listener from causing a retry. */
const ACK_DEADLINE_MS = 2500;

/** Bolt's side of our HTTP route: Bolt calls `init`; requests arrive through fastify, not a server of Bolt's. */
export class FastifyReceiver implements Receiver {
  app: App | undefined;
  /** Listener runs not yet finished: some go on writing after Slack has had its answer. */
  private readonly inFlight = new Set<Promise<unknown>>();
  init(app: App): void {
    this.app = app;
  }
  /** Keeps `run` until it settles, so `stop` can wait for it; returns it unchanged. */
  track<T>(run: Promise<T>): Promise<T> {
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
    return run;
  }
  async start(): Promise<void> {}
  /**
   * Waits for every listener run still going: on SIGTERM the HTTP server has answered Slack, but a
   * listener that answered early may still be writing, and the database closes after this.
   */
  async stop(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

type Parsed = { ok: true; body: Record<string, unknown> } | { ok: false; reason: string };

function parseBody(raw: string, contentType: string | undefined): Parsed {
  try {
    if (contentType?.includes('application/json')) {
      const body: unknown = JSON.parse(raw);
      return isObject(body) ? { ok: true, body } : { ok: false, reason: 'not an object' };
    }
    const form = Object.fromEntries(new URLSearchParams(raw));
    if (typeof form.payload === 'string') {
      const payload: unknown = JSON.parse(form.payload);
      return isObject(payload) ? { ok: true, body: payload } : { ok: false, reason: 'payload is not an object' };
    }
    return { ok: true, body: form };
  } catch {
    return { ok: false, reason: 'malformed body' };
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sendAnswer(reply: FastifyReply, response: unknown): FastifyReply {
  if (response === undefined || response === null || response === '') return reply.code(200).send('');
  if (typeof response === 'string') return reply.type('text/plain; charset=utf-8').send(response);
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(response));
}

export interface SlackRouteOptions {
  readonly receiver: FastifyReceiver;
  readonly signingSecret: string;
  readonly clock: Clock;
  /** Where events and slash commands are written before Slack gets its answer. */
  readonly inbox: SlackInbox;
  /** What a person is told when their slash command could not be recorded. */
  readonly notRecorded: (error: unknown) => string;
}

/**
 * `POST /slack/events`: every Slack request (commands, interactivity, events) arrives here. The
 * signature is checked against the raw body with our clock (both stale and future timestamps are
 * refused). Events and slash commands are answered once written to the inbox (src/slack/inbox.ts),
 * which then runs them through Bolt; interactivity goes to Bolt at once (a form's answer may carry
 * its validation errors), and we answer as soon as a listener acks — or at the deadline.
 */
export function registerSlackRoute(server: FastifyInstance, options: SlackRouteOptions): void {
  const { receiver, signingSecret, clock, inbox } = options;
  void server.register(async (scope) => {
    // Raw text in this scope only: the signature covers the exact bytes Slack sent.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));

    scope.post('/slack/events', async (request: FastifyRequest, reply: FastifyReply) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      const signature = header(request, 'x-slack-signature');
      // Only the plain digits Slack sends: the HMAC is checked over the number written back as
      // text, so `+17…`, `017…` or `17….0` would pass with a signature made for other bytes.
      const timestampHeader = header(request, 'x-slack-request-timestamp') ?? '';
      const timestamp = /^[1-9]\d{0,11}$/.test(timestampHeader) ? Number(timestampHeader) : Number.NaN;
      const nowS = clock.now().getTime() / 1000;
      if (!signature || !Number.isFinite(timestamp) || Math.abs(nowS - timestamp) > FIVE_MINUTES_S) {
        return reply.code(401).send({ error: { code: 'slack.bad_signature', message: 'Missing, stale or future Slack signature.' } });
      }
      if (!slackSignatureMatches(signingSecret, timestamp, raw, signature)) {
        return reply.code(401).send({ error: { code: 'slack.bad_signature', message: 'The Slack signature does not match.' } });
      }

      const parsed = parseBody(raw, header(request, 'content-type'));
      if (!parsed.ok) return reply.code(400).send({ error: { code: 'slack.malformed', message: `Unreadable Slack request: ${parsed.reason}.` } });
      const body = parsed.body;
      if (body.ssl_check) return reply.send('');
      if (body.type === 'url_verification') return reply.send({ challenge: body.challenge });
      if (!isRoutableSlackBody(body)) {
        return reply.code(400).send({ error: { code: 'slack.malformed', message: 'Unreadable Slack request: not the shape Slack sends.' } });
      }
      const app = receiver.app;
      if (!app) return reply.code(503).send({ error: { code: 'slack.not_ready', message: 'Slack is starting.' } });

      const retryNum = Number(header(request, 'x-slack-retry-num'));
      const kind = body.type === 'event_callback' ? 'event' : typeof body.command === 'string' ? 'command' : null;
      if (kind) {
        const received = await inbox.receive({
          kind,
          body,
          retryNum: Number.isFinite(retryNum) ? retryNum : null,
          retryReason: header(request, 'x-slack-retry-reason') ?? null,
          log: request.log as Logger,
        });
        if (received.recorded) return sendAnswer(reply, received.answer);
        // Not written: Slack sends an event again after a 503; a person must hear that it did not count.
        if (kind === 'event') {
          return reply.code(503).send({ error: { code: 'slack.retry', message: 'The event could not be recorded now; Slack will send it again.' } });
        }
        return sendAnswer(reply, { response_type: 'ephemeral', text: options.notRecorded(received.error) });
      }
      // Interactivity: a button or a form, answered by its listener's ack (or at the deadline).
      let settled = false;
      const answered = new Promise<unknown>((resolve) => {
        const settle = (response: unknown) => {
          if (settled) return;
          settled = true;
          resolve(response);
        };
        const event: ReceiverEvent = {
          body,
          retryNum: Number.isFinite(retryNum) ? retryNum : undefined,
          retryReason: header(request, 'x-slack-retry-reason'),
          // Listeners read it from their `context` (slack/request-log.ts): their lines carry this request's id.
          customProperties: { requestLog: request.log },
          ack: async (response?: unknown) => settle(response),
        };
        const timer = setTimeout(() => {
          if (settled) return;
          request.log.warn('no ack before the deadline; answering Slack empty so it does not retry');
          settle(undefined);
        }, ACK_DEADLINE_MS);
        timer.unref();
        receiver.track(app.processEvent(event)).then(
          () => {
            clearTimeout(timer);
            // No listener acked: answer so Slack stops waiting.
            settle(undefined);
          },
          (error: unknown) => {
            clearTimeout(timer);
            request.log.error({ err: error }, 'slack listener failed');
            settle(undefined);
          },
        );
      });
      const response = await answered;
      return sendAnswer(reply, response);
    });
  });
}
