import { DomainError } from './errors.js';
import type { Brand, IncidentId, UserId } from './ids.js';

export type PageId = Brand<string, 'PageId'>;

/** Who a page is for: the on-call incident lead, or a specialist team by its configured name. */
export const LEAD_TARGET = 'lead';

/**
 * `requested`: waiting for its job to reach the pager. `sent`: the pager took it (open there until
 * resolved). `resolved`: our incident closed and the pager was told. `cancelled`: the incident
 * closed before the page went out, so nobody was woken.
 */
export type PageStatus = 'requested' | 'sent' | 'resolved' | 'cancelled';

/** One page of one incident: what was asked, by whom, and its key at the pager. */
export interface Page {
  readonly id: PageId;
  readonly incidentId: IncidentId;
  readonly target: string;
  readonly message: string;
  /**
   * The pager's de-duplication key, one per page (`<incidentId>:<pageId>`): a second page on the
   * same incident is a new alert rather than a repeat of the first, and each can be resolved.
   */
  readonly dedupKey: string;
  readonly requestedBy: UserId;
  readonly requestedAt: Date;
  readonly status: PageStatus;
  /** Who was on call when it went out, if the pager could tell. */
  readonly onCall: readonly string[] | null;
  readonly sentAt: Date | null;
  readonly resolvedAt: Date | null;
}

/** PagerDuty truncates a summary at 1024 characters; the message is its body. */
export const PAGE_MESSAGE_MAX = 1000;

/** The de-duplication key of a page: unique per page, and naming the incident for a reader at the pager. */
export function pageKeyFor(incidentId: IncidentId, pageId: PageId): string {
  return `${incidentId}:${pageId}`;
}

/** The message as the person on call will read it; refused when empty or too long for the pager. */
export function checkPageMessage(input: string): string {
  const value = input.replace(/\r\n?/g, '\n').trim();
  if (value.length === 0) {
    throw new DomainError('page.invalid', 'Write what the person on call needs to know.', { field: 'message' });
  }
  if (value.length > PAGE_MESSAGE_MAX) {
    throw new DomainError('page.invalid', `Keep the message under ${PAGE_MESSAGE_MAX} characters (it has ${value.length}).`, { field: 'message' });
  }
  return value;
}

/** "the on-call incident lead" or "the on-call of Database team", for people reading the channel. */
export function describePageTarget(target: string): string {
  return target === LEAD_TARGET ? 'the on-call incident lead' : `the on-call of ${target}`;
}

/**
 * What an acknowledgement did to the incident lead role: `assigned` to the acknowledger (matched
 * by email); `unchanged` (a lead already, or the incident closed); not assigned because the
 * pager gave no email (`email_unknown`) or nobody here has it (`no_user`).
 */
export type AcknowledgedLead = 'assigned' | 'unchanged' | 'email_unknown' | 'no_user';
