import type { IncidentId, TimelineEntryId, UserId } from '../domain/ids.js';
import type { RetentionFacts } from '../domain/retention.js';

/** The free text of some incidents' records, where a person's name may have been copied. */
export interface RecordTexts {
  readonly timelineEntries: readonly { readonly id: TimelineEntryId; readonly incidentId: IncidentId; readonly text: string }[];
  readonly timelineRevisions: readonly { readonly entryId: TimelineEntryId; readonly revision: number; readonly text: string }[];
  /** Audit events' data, as stored (a JSON object without its `type`). */
  readonly auditEvents: readonly { readonly seq: number; readonly incidentId: IncidentId; readonly data: string }[];
}

/** What the retention policy reads and rewrites; the only SQL behind it is retention.repository.ts. */
export interface RetentionRepository {
  /** The facts of every person (or of `userId` alone): who they are and every incident they appear in. */
  people(userId?: UserId): Promise<RetentionFacts[]>;
  /** The free text of these incidents' timelines (current and past revisions) and audit trails. */
  textsOf(incidentIds: readonly IncidentId[]): Promise<RecordTexts>;
  setTimelineText(entryId: TimelineEntryId, text: string): Promise<void>;
  setRevisionText(entryId: TimelineEntryId, revision: number, text: string): Promise<void>;
  setAuditData(seq: number, data: string): Promise<void>;
  /** Renames the person, clears their email and Slack id, and marks them anonymised at `at`. */
  anonymise(userId: UserId, name: string, at: Date): Promise<void>;
}
