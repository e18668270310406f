import { z } from 'zod';
import { addableTimelineKinds, timelineKinds } from '../../../domain/timeline.js';

/*
 * The API's wire shapes. Requests are validated against them; the OpenAPI document is generated
 * from them; presenters are typed by them, so the document cannot drift from what is sent.
 */

const dateTime = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().max(max);

export const userRef = z
  .object({
    id: z.string().min(1).optional(),
    slackUserId: z.string().min(1).max(64).optional(),
    email: z.email().optional(),
    name: z.string().min(1).max(200).optional(),
  })
  .strict()
  .refine((u) => u.id !== undefined || u.slackUserId !== undefined || u.email !== undefined, {
    message: 'name the person by id, slackUserId or email',
  })
  .describe('A person: an existing user by `id`, or anyone by `slackUserId` or `email` (created on first mention).');

export const roleChanges = z
  .record(z.string().min(1).max(60), userRef.nullable())
  .describe('Roles to fill, keyed by role: `lead`, `scribe`, `commsLead`, or any other role name. `null` empties a role.');

const severity = z
  .string()
  .max(60)
  .nullable()
  .describe('A key of the configured severity scale (default `critical`, `major`, `trivial`); null clears it.');

export const declareBody = z
  .object({
    title: text(1000).describe('One line: what has happened.'),
    reportOnly: z.boolean().optional().describe('Something that already happened, reported after the fact.'),
    occurredAt: dateTime.optional().describe('For reports: when it happened.'),
    summary: text(20_000).nullable().optional(),
    impact: text(20_000).nullable().optional(),
    severity: severity.optional(),
    private: z.boolean().optional(),
    drill: z.boolean().optional().describe('A drill or test: worked like any other incident, left out of the metrics. Default false.'),
    roles: roleChanges.optional(),
    reporter: userRef.optional().describe('Who discovered it, when not the token’s own user.'),
  })
  .strict();

export const updateBody = z
  .object({
    title: text(1000).optional(),
    summary: text(20_000).nullable().optional(),
    impact: text(20_000).nullable().optional(),
    severity: severity.optional(),
    private: z.boolean().optional(),
    reportOnly: z.boolean().optional().describe('`false` promotes a report to a live incident.'),
    roles: roleChanges.optional(),
    status: z.enum(['open', 'closed']).optional().describe('`closed` closes (with `closeReason`), `open` reopens.'),
    closeReason: z.enum(['resolved', 'blocked']).optional(),
    blockedUntil: dateTime.nullable().optional().describe('With `closeReason: blocked`: when work can resume.'),
  })
  .strict();

const boolQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

export const listQuery = z
  .object({
    status: z.enum(['open', 'closed']).optional(),
    severity: z.string().optional().describe('One key, or several separated by commas.'),
    reportOnly: boolQuery.optional(),
    private: boolQuery.optional(),
    q: z.string().max(200).optional().describe('Text to find in the title, summary, impact or reference.'),
    startedFrom: dateTime.optional(),
    startedTo: dateTime.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z
      .string()
      .regex(/^[1-9][0-9]{0,15}$/, 'not a cursor from a previous page')
      .optional()
      .describe('`nextCursor` of the previous page.'),
  })
  .strict();

export const incidentParams = z.object({ id: z.string().min(1).max(100).describe('Incident id or reference (INC-42).') });
export const entryParams = incidentParams.extend({ entryId: z.string().min(1).max(100) });
export const actionParams = incidentParams.extend({ actionId: z.string().min(1).max(100) });

export const timelineQuery = z.object({ includeRemoved: boolQuery.optional() }).strict();

export const newEntryBody = z
  .object({
    text: text(20_000),
    kind: z.enum(addableTimelineKinds).optional().describe('Default `note`.'),
    occurredAt: dateTime.optional().describe('When it happened; default now.'),
    link: z.string().max(2000).nullable().optional(),
  })
  .strict();

export const reviseEntryBody = z
  .object({
    text: text(20_000).optional(),
    occurredAt: dateTime.optional(),
    link: z.string().max(2000).nullable().optional(),
  })
  .strict();

export const newActionBody = z.object({ text: text(20_000), owner: userRef.nullable().optional() }).strict();
export const updateActionBody = z
  .object({ text: text(20_000).optional(), owner: userRef.nullable().optional(), done: z.boolean().optional() })
  .strict();

// ---- responses ----

export const person = z.object({ id: z.string(), name: z.string(), slackUserId: z.string().nullable() });

export const roleHolder = z.object({
  role: z.string().describe('`reporter`, `lead`, `scribe`, `commsLead` or a custom role name.'),
  label: z.string(),
  holder: person,
  since: dateTime,
  assignedBy: person.nullable(),
});

export const roleHistoryItem = z.object({
  role: z.string(),
  label: z.string(),
  holder: person,
  assignedAt: dateTime,
  assignedBy: person,
  endedAt: dateTime.nullable(),
  endedBy: person.nullable(),
});

export const incident = z.object({
  id: z.string(),
  reference: z.string(),
  title: z.string(),
  status: z.enum(['open', 'closed']),
  closeReason: z.enum(['resolved', 'blocked']).nullable(),
  blockedUntil: dateTime.nullable(),
  reportOnly: z.boolean(),
  occurredAt: dateTime.nullable(),
  private: z.boolean(),
  drill: z.boolean().describe('A drill or test, left out of the metrics.'),
  summary: z.string().nullable(),
  impact: z.string().nullable(),
  severity: z.string().nullable(),
  severityLabel: z.string().nullable(),
  lead: person.nullable(),
  scribe: person.nullable(),
  commsLead: person.nullable(),
  reporter: person,
  roles: z.array(roleHolder).describe('Everyone holding a role now, the reporter first.'),
  roleHistory: z.array(roleHistoryItem).describe('Every assignment ever made, so hand-overs are visible.'),
  warnings: z.array(z.object({ code: z.string(), message: z.string() })),
  startedAt: dateTime,
  endedAt: dateTime.nullable(),
  channel: z.object({ id: z.string(), name: z.string() }).nullable(),
  createdAt: dateTime,
  updatedAt: dateTime,
});

export const incidentList = z.object({ items: z.array(incident), nextCursor: z.string().nullable() });

export const timelineEntry = z.object({
  id: z.string(),
  incidentId: z.string(),
  occurredAt: dateTime,
  kind: z.enum(timelineKinds),
  text: z.string(),
  link: z.string().nullable(),
  removed: z.boolean(),
  author: person,
  source: z.enum(['slack', 'web', 'api', 'system']),
  revision: z.number().int(),
  createdAt: dateTime,
  updatedAt: dateTime,
  updatedBy: person,
});

export const timelineList = z.object({ items: z.array(timelineEntry) });

export const timelineRevision = z.object({
  revision: z.number().int(),
  occurredAt: dateTime,
  kind: z.enum(timelineKinds),
  text: z.string(),
  link: z.string().nullable(),
  removed: z.boolean(),
  revisedBy: person,
  source: z.enum(['slack', 'web', 'api', 'system']),
  revisedAt: dateTime,
});

export const timelineHistory = z.object({ entryId: z.string(), items: z.array(timelineRevision) });

export const action = z.object({
  id: z.string(),
  incidentId: z.string(),
  text: z.string(),
  owner: person.nullable(),
  done: z.boolean(),
  doneAt: dateTime.nullable(),
  createdBy: person,
  createdAt: dateTime,
  updatedAt: dateTime,
});

export const actionList = z.object({ items: z.array(action) });

export const auditList = z.object({
  items: z.array(
    z.object({
      at: dateTime,
      type: z.string(),
      actor: person,
      source: z.enum(['slack', 'web', 'api', 'system']),
      data: z.record(z.string(), z.unknown()),
    }),
  ),
});

export const errorResponse = z.object({
  error: z.object({
    code: z.string().describe('Stable, machine-readable: `incident.not_found`, `request.invalid`…'),
    message: z.string(),
    field: z.string().optional(),
    allowed: z.array(z.string()).optional(),
    requestId: z.string().optional(),
  }),
});

/** The 404 of the incident routes: a private incident the token may not see is answered the same. */
export const incidentNotFound = errorResponse.describe(
  'Not found. A private incident this token may not see is answered exactly as one that does not exist.',
);

export type IncidentJson = z.output<typeof incident>;
export type TimelineEntryJson = z.output<typeof timelineEntry>;
export type TimelineRevisionJson = z.output<typeof timelineRevision>;
export type ActionJson = z.output<typeof action>;
export type PersonJson = z.output<typeof person>;
