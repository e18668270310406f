import type { ActionId, IncidentId, TimelineEntryId, UserId } from './ids.js';
import type { CloseReason, PersonKind, SlackChannelRef } from './incident.js';
import type { NudgeKind } from './nudges.js';
import type { AcknowledgedLead, PageId } from './page.js';
import type { RoleName } from './role.js';
import type { ComponentChange, PublicIncidentId, PublicStatus } from './status-page.js';
import type { TimelineKind } from './timeline.js';
import type { Actor } from './user.js';

/** Enough of a person to tell the story later, even if the user record changes. */
export interface PersonRef {
  readonly id: UserId;
  readonly name: string;
}

export const editableFields = ['title', 'summary', 'impact', 'severity', 'private'] as const;
export type EditableField = (typeof editableFields)[number];

/** Everything that can happen to an incident, in the past tense. Recorded in the audit trail. */
export type DomainEvent =
  | { readonly type: 'incident.declared'; readonly title: string; readonly reportOnly: boolean; readonly occurredAt: string | null }
  | {
      readonly type: 'incident.field_changed';
      readonly field: EditableField;
      readonly from: string | boolean | null;
      readonly to: string | boolean | null;
    }
  | { readonly type: 'incident.role_assigned'; readonly role: RoleName; readonly holder: PersonRef; readonly previous: PersonRef | null }
  | { readonly type: 'incident.role_unassigned'; readonly role: RoleName; readonly previous: PersonRef }
  | {
      readonly type: 'incident.closed';
      readonly reason: CloseReason;
      readonly blockedUntil: string | null;
      readonly note: string | null;
    }
  | { readonly type: 'incident.channel_linked'; readonly channel: SlackChannelRef; readonly previous: SlackChannelRef | null }
  | { readonly type: 'incident.person_added'; readonly person: PersonRef; readonly how: PersonKind }
  | { readonly type: 'incident.person_removed'; readonly person: PersonRef; readonly how: PersonKind }
  | { readonly type: 'incident.reopened' }
  /** The comms channel was archived (`automatic`: by the reminder engine after close; else `by` someone). */
  | { readonly type: 'incident.channel_archived'; readonly channel: SlackChannelRef; readonly automatic: boolean; readonly by: PersonRef | null }
  | { readonly type: 'incident.promoted' }
  | { readonly type: 'timeline.entry_added'; readonly entryId: TimelineEntryId; readonly kind: TimelineKind }
  | { readonly type: 'timeline.entry_revised'; readonly entryId: TimelineEntryId; readonly revision: number }
  | { readonly type: 'timeline.entry_removed'; readonly entryId: TimelineEntryId; readonly revision: number }
  | { readonly type: 'action.added'; readonly actionId: ActionId; readonly text: string; readonly owner: PersonRef | null }
  | {
      readonly type: 'action.updated';
      readonly actionId: ActionId;
      readonly changes: Readonly<Record<string, string | boolean | null>>;
    }
  | { readonly type: 'action.completed'; readonly actionId: ActionId }
  | { readonly type: 'action.reopened'; readonly actionId: ActionId }
  /** A reminder came due and was raised (the `count`th of its kind on this incident); Slack delivers it. */
  | { readonly type: 'nudge.sent'; readonly kind: NudgeKind; readonly count: number }
  /** A raised reminder reached the channel: only then does the timeline say it was sent. */
  | { readonly type: 'nudge.delivered'; readonly kind: NudgeKind }
  | { readonly type: 'nudge.snoozed'; readonly kind: NudgeKind; readonly until: string }
  /** Someone answered a reminder for good: `keep` the channel, the RCA is booked. */
  | { readonly type: 'nudge.stopped'; readonly kind: NudgeKind }
  /** The lead set (or, with null, stopped) the team check-ins. */
  | { readonly type: 'checkins.scheduled'; readonly everyMs: number | null }
  /** A stakeholder update was posted (the comms lead's cadence restarts from it). */
  | { readonly type: 'incident.update_posted'; readonly text: string }
  /** Published to the status page (`first`: the public incident was created); `privateOverride`: although private. */
  | {
      readonly type: 'statuspage.published';
      readonly publicIncidentId: PublicIncidentId;
      readonly first: boolean;
      readonly title: string;
      readonly status: PublicStatus;
      readonly message: string;
      readonly components: readonly ComponentChange[];
      readonly notifySubscribers: boolean;
      readonly privateOverride: boolean;
      /** Likely secrets masked in the title and message before they were stored (kind and hint, never the secret). */
      readonly masked?: readonly { readonly label: string; readonly hint: string }[];
    }
  /** The public incident was created on an outside status page (`service`, e.g. Atlassian Statuspage), at `link`. */
  | { readonly type: 'statuspage.linked'; readonly publicIncidentId: PublicIncidentId; readonly service: string; readonly link: string | null }
  /** Someone asked to publish the RCA to `target` (Confluence); its job does it; `privateOverride`: although private. */
  | { readonly type: 'rca.publish_requested'; readonly target: string; readonly privateOverride?: boolean }
  /** The RCA reached `target` at `url` (`first`: the page was created), masked `masked` likely secrets. */
  | { readonly type: 'rca.published'; readonly target: string; readonly url: string; readonly first: boolean; readonly masked: number }
  /** A summary of the RCA is to be shared to these Slack channels; `privateOverride`: although private. */
  | { readonly type: 'rca.shared'; readonly channels: readonly string[]; readonly privateOverride: boolean; readonly masked: number }
  /** Someone asked to page `target` (`lead` or a team); its job sends it. */
  | { readonly type: 'page.requested'; readonly pageId: PageId; readonly target: string; readonly message: string }
  /** The pager took the page: who asked, when, its key, and who was on call if the pager said. */
  | {
      readonly type: 'page.sent';
      readonly pageId: PageId;
      readonly target: string;
      readonly message: string;
      readonly dedupKey: string;
      readonly requestedBy: PersonRef;
      readonly requestedAt: string;
      readonly onCall: readonly string[] | null;
    }
  /** Someone (`by`, as the pager names them) acknowledged the page at the pager; `lead`: what became of the lead role. */
  | { readonly type: 'page.acknowledged'; readonly pageId: PageId; readonly target: string; readonly by: string; readonly lead: AcknowledgedLead }
  /** The incident closed: the page was resolved at the pager, or (`cancelled`) never sent. */
  | { readonly type: 'page.ended'; readonly pageId: PageId; readonly target: string; readonly dedupKey: string; readonly cancelled: boolean }
  /** The RCA session's date and attendees were recorded (`first`: for the first time). */
  | { readonly type: 'rca.session_recorded'; readonly heldOn: string; readonly attendees: readonly PersonRef[]; readonly first: boolean }
  /** Parts of the RCA's outcome (root cause, contributing factors, went well/badly) were written. */
  | { readonly type: 'rca.outcome_recorded'; readonly fields: readonly string[] }
  | { readonly type: 'rca.completed' }
  /** A complete RCA went back to draft. */
  | { readonly type: 'rca.reopened' }
  | { readonly type: 'follow_up.added'; readonly actionId: ActionId; readonly text: string; readonly owner: PersonRef; readonly dueOn: string }
  | { readonly type: 'follow_up.updated'; readonly actionId: ActionId; readonly changes: Readonly<Record<string, string | null>> }
  | { readonly type: 'follow_up.completed'; readonly actionId: ActionId; readonly text: string }
  | { readonly type: 'follow_up.reopened'; readonly actionId: ActionId; readonly text: string };

export type DomainEventType = DomainEvent['type'];

/** An event as the audit trail keeps it: what, to which incident, who, from where, when. */
export interface AuditRecord {
  readonly incidentId: IncidentId;
  readonly at: Date;
  readonly actor: Actor;
  readonly event: DomainEvent;
}

/** The state after a transition and the events that explain it. */
export interface Transition<T> {
  readonly state: T;
  readonly events: readonly DomainEvent[];
}
