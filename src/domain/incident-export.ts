import { z } from 'zod';
import { closeReasons, incidentStatuses, personKinds } from './incident.js';
import { rcaStatuses } from './rca.js';
import { timelineKinds } from './timeline.js';
import { sources } from './user.js';

/*
 * The portable record of one incident: what `GET /incidents/{id}/export` writes and `cli import`
 * reads. People are named by name, email and Slack id (never our ids), so the document means the
 * same thing in another database; dates are ISO strings. A change of shape gets a new `format`.
 */

export const INCIDENT_EXPORT_FORMAT = 'incident-response/v1';

const isoDate = z.iso.datetime({ offset: true });
/** A calendar day (an RCA session, a follow-up's due date). */
const isoDay = z.iso.date();

export const exportedPerson = z.object({
  name: z.string().min(1).max(200),
  email: z.string().max(320).nullable(),
  slackUserId: z.string().max(64).nullable(),
});
export type ExportedPerson = z.infer<typeof exportedPerson>;

const exportedRevision = z.object({
  revision: z.number().int().positive(),
  occurredAt: isoDate,
  kind: z.enum(timelineKinds),
  text: z.string(),
  link: z.string().nullable(),
  removed: z.boolean(),
  revisedBy: exportedPerson,
  source: z.enum(sources),
  revisedAt: isoDate,
});

const exportedEntry = z.object({
  occurredAt: isoDate,
  kind: z.enum(timelineKinds),
  text: z.string(),
  link: z.string().nullable(),
  removed: z.boolean(),
  author: exportedPerson,
  sourceRef: z.string().nullable(),
  source: z.enum(sources),
  createdAt: isoDate,
  updatedAt: isoDate,
  updatedBy: exportedPerson,
  /** Every version, oldest first; the last one is the entry as it stands. */
  revisions: z.array(exportedRevision).min(1),
});

export const incidentExport = z.object({
  format: z.literal(INCIDENT_EXPORT_FORMAT),
  incident: z.object({
    reference: z.string().min(1).max(60),
    title: z.string().min(1),
    status: z.enum(incidentStatuses),
    closeReason: z.enum(closeReasons).nullable(),
    blockedUntil: isoDate.nullable(),
    reportOnly: z.boolean(),
    occurredAt: isoDate.nullable(),
    private: z.boolean(),
    /** Optional: exports made before drills existed import as not a drill. */
    drill: z.boolean().optional(),
    summary: z.string().nullable(),
    impact: z.string().nullable(),
    severity: z.string().nullable(),
    startedAt: isoDate,
    endedAt: isoDate.nullable(),
    channel: z.object({ id: z.string(), name: z.string() }).nullable(),
    channelArchivedAt: isoDate.nullable().optional(),
    reporter: exportedPerson,
    createdAt: isoDate,
    updatedAt: isoDate,
    /** Every assignment ever made, hand-overs included (current ones have `endedAt: null`). */
    roles: z.array(
      z.object({
        role: z.string().min(1).max(60),
        holder: exportedPerson,
        assignedAt: isoDate,
        assignedBy: exportedPerson,
        endedAt: isoDate.nullable(),
        endedBy: exportedPerson.nullable(),
      }),
    ),
    people: z.array(z.object({ person: exportedPerson, how: z.enum(personKinds), addedBy: exportedPerson, addedAt: isoDate })),
  }),
  timeline: z.array(exportedEntry),
  actions: z.array(
    z.object({
      text: z.string().min(1),
      owner: exportedPerson.nullable(),
      done: z.boolean(),
      doneAt: isoDate.nullable(),
      /** Optional (earlier exports had none): a follow-up agreed at the RCA, and when it is due. */
      followUp: z.boolean().optional(),
      dueOn: isoDay.nullable().optional(),
      createdBy: exportedPerson,
      createdAt: isoDate,
      updatedAt: isoDate,
    }),
  ),
  /** The root cause analysis, if one was started; optional, so earlier exports still import. */
  rca: z
    .object({
      heldOn: isoDay.nullable(),
      attendees: z.array(exportedPerson),
      rootCause: z.string().nullable(),
      contributingFactors: z.string().nullable(),
      wentWell: z.string().nullable(),
      wentBadly: z.string().nullable(),
      status: z.enum(rcaStatuses),
      version: z.number().int().positive(),
      createdBy: exportedPerson,
      createdAt: isoDate,
      updatedBy: exportedPerson,
      updatedAt: isoDate,
    })
    .nullable()
    .optional(),
  audit: z.array(
    z.object({
      at: isoDate,
      actor: exportedPerson,
      source: z.enum(sources),
      type: z.string().min(1),
      data: z.record(z.string(), z.unknown()),
    }),
  ),
  /** What was masked before the document left the site (kind, hint, where; never the secret). Ignored on import. */
  redactions: z.array(z.object({ kind: z.string(), label: z.string(), hint: z.string(), field: z.string() })).optional(),
});
export type IncidentExport = z.infer<typeof incidentExport>;
