import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { PageAcknowledgement } from '../../ports/pager.port.js';

/** The route PagerDuty's V3 webhook subscription posts to. */
export const PAGERDUTY_WEBHOOK_PATH = '/webhooks/pagerduty';

const SIGNATURE = /^v1=([0-9a-f]{64})$/i;

/**
 * True when one of the `v1=<hex>` signatures in `X-PagerDuty-Signature` is the HMAC-SHA256 of
 * the raw body with `secret`. PagerDuty sends several, comma-separated, while a secret is rotated.
 */
export function verifyPagerDutySignature(raw: Buffer, header: string | undefined, secret: string): boolean {
  if (!header) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  let matched = false;
  for (const part of header.split(',')) {
    const hex = SIGNATURE.exec(part.trim())?.[1];
    if (!hex) continue;
    // Every candidate is compared, so the time taken does not tell which one matched.
    if (timingSafeEqual(Buffer.from(hex, 'hex'), expected)) matched = true;
  }
  return matched;
}

// V3 envelope: every event type shares it; only what an acknowledgement needs is required.
const envelope = z.object({ event: z.object({ id: z.string().min(1), event_type: z.string() }).loose() });
const acknowledgedEvent = z.object({
  event: z.object({
    id: z.string().min(1),
    agent: z.object({ id: z.string(), type: z.string().optional(), summary: z.string().optional() }).loose().nullable().optional(),
    data: z
      .object({
        // Events API v2's dedup_key surfaces on the PagerDuty incident as `incident_key`.
        dedup_key: z.string().nullable().optional(),
        incident_key: z.string().nullable().optional(),
        assignees: z.array(z.object({ summary: z.string().optional() }).loose()).optional(),
      })
      .loose(),
  }),
});

/** What a verified webhook says, in the port's words: an acknowledgement, or something we do not act on. */
export type PagerDutyNotice = { readonly kind: 'acknowledged'; readonly acknowledgement: PageAcknowledgement } | { readonly kind: 'ignored' };

/** Reads a V3 webhook body; null when it is not a V3 webhook at all. */
export function parsePagerDutyWebhook(body: unknown): PagerDutyNotice | null {
  const outer = envelope.safeParse(body);
  if (!outer.success) return null;
  if (outer.data.event.event_type !== 'incident.acknowledged') return { kind: 'ignored' };
  const parsed = acknowledgedEvent.safeParse(body);
  if (!parsed.success) return null;
  const { event } = parsed.data;
  const pageKey = event.data.dedup_key || event.data.incident_key;
  if (!pageKey) return { kind: 'ignored' };
  const agent = event.agent ?? null;
  // Only a user has an email to ask for; a service or an integration acknowledging has none.
  const isUser = agent !== null && (agent.type === undefined || agent.type.startsWith('user'));
  const name = agent?.summary ?? event.data.assignees?.[0]?.summary ?? 'someone';
  return { kind: 'acknowledged', acknowledgement: { noticeId: event.id, pageKey, by: { pagerUserId: isUser ? agent.id : null, name } } };
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * `POST /webhooks/pagerduty`: outside the API's bearer auth and the site's sign-in, so the
 * signature is the only gate. Verified against the raw bytes (a re-serialised body would differ),
 * then handed on at once: 202 taken, 200 ignored.
 */
export function registerPagerDutyWebhook(
  server: FastifyInstance,
  options: { readonly secret: string; readonly receive: (notice: PageAcknowledgement) => Promise<'accepted' | 'ignored'> },
): void {
  void server.register(async (scope) => {
    // Raw bytes in this scope only.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));

    scope.post(PAGERDUTY_WEBHOOK_PATH, async (request: FastifyRequest, reply: FastifyReply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (!verifyPagerDutySignature(raw, header(request, 'x-pagerduty-signature'), options.secret)) {
        return reply.code(401).send({ error: { code: 'pagerduty.bad_signature', message: 'Missing or wrong X-PagerDuty-Signature.' } });
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return reply.code(400).send({ error: { code: 'pagerduty.malformed', message: 'The body is not JSON.' } });
      }
      const notice = parsePagerDutyWebhook(body);
      if (!notice) return reply.code(400).send({ error: { code: 'pagerduty.malformed', message: 'Not a PagerDuty V3 webhook event.' } });
      if (notice.kind === 'ignored' || (await options.receive(notice.acknowledgement)) === 'ignored') {
        return reply.code(200).send({ status: 'ignored' });
      }
      return reply.code(202).send({ status: 'accepted' });
    });
  });
}
