import type { IncidentId, UserId } from './ids.js';
import type { IncidentStatus } from './incident.js';
import { SYSTEM_USER_ID, type User } from './user.js';

/**
 * The retention policy: how long after their last incident ended people are anonymised. Pure
 * rules over facts the repository gathers; the service plans and applies them.
 */

/** A period as configured: `3y` (calendar years) or `1095d` (days). */
export interface RetentionPeriod {
  readonly amount: number;
  readonly unit: 'days' | 'years';
}

export interface RetentionPolicy {
  /** Null: the policy is off and nobody is anonymised. */
  readonly anonymiseAfter: RetentionPeriod | null;
}

/** The shortest period accepted: anything less is more likely a typo (`3d` for `3y`) than a policy. */
export const RETENTION_MIN_DAYS = 30;
const RETENTION_MAX_YEARS = 100;

/** `3y` or `1095d` as a period; null when it is not one or is outside 30 days to 100 years. */
export function parseRetentionPeriod(text: string): RetentionPeriod | null {
  const match = /^(\d{1,6})\s*(y|d)$/.exec(text.trim().toLowerCase());
  if (!match) return null;
  const amount = Number(match[1]);
  const unit = match[2] === 'y' ? 'years' : 'days';
  const days = unit === 'years' ? amount * 365 : amount;
  if (days < RETENTION_MIN_DAYS || days > RETENTION_MAX_YEARS * 366) return null;
  return { amount, unit };
}

/** "3 years", "1095 days". */
export function describeRetentionPeriod(period: RetentionPeriod): string {
  const unit = period.amount === 1 ? period.unit.slice(0, -1) : period.unit;
  return `${period.amount} ${unit}`;
}

/** The moment `period` before `now`: incidents that ended before it are old enough. Years are calendar years (UTC). */
export function retentionCutoff(now: Date, period: RetentionPeriod): Date {
  if (period.unit === 'days') return new Date(now.getTime() - period.amount * 24 * 60 * 60 * 1000);
  const cutoff = new Date(now.getTime());
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - period.amount);
  return cutoff;
}

/** One incident a person appears in, as far as retention cares. */
export interface InvolvementFact {
  readonly incidentId: IncidentId;
  readonly status: IncidentStatus;
  readonly endedAt: Date | null;
}

/**
 * What the rules need to know about one person. `incidents` are every incident they appear in by
 * id anywhere in its record: reporter, role holder (or who assigned or ended a role), one of its
 * people (or who added them), author or editor of a timeline entry or revision, owner or creator
 * of an action, actor of an audit event, RCA attendee or author, requester of a page, publisher of
 * a status page update.
 */
export interface RetentionFacts {
  readonly user: User;
  readonly anonymisedAt: Date | null;
  readonly incidents: readonly InvolvementFact[];
  /** An API token not revoked acts as them: a live integration is not a former colleague. */
  readonly hasLiveApiToken: boolean;
}

/** Why someone is kept as they are. */
export type RetentionKeepReason = 'anonymised' | 'system' | 'admin' | 'api_token' | 'no_incidents' | 'open_incident' | 'recent';

export type RetentionDecision =
  | { readonly anonymise: true; readonly lastInvolvement: Date }
  | { readonly anonymise: false; readonly reason: RetentionKeepReason };

/**
 * Whether the policy anonymises this person now: never anonymised before, not the app itself,
 * not an admin (`adminEmails`, lower case), no live API token, in at least one incident, every
 * one of them closed and ended before `cutoff`. People in no incident are left alone: the policy
 * is about incident records.
 */
export function decideRetention(facts: RetentionFacts, options: { readonly cutoff: Date; readonly adminEmails: readonly string[] }): RetentionDecision {
  const { user } = facts;
  if (facts.anonymisedAt) return { anonymise: false, reason: 'anonymised' };
  if (user.id === SYSTEM_USER_ID) return { anonymise: false, reason: 'system' };
  if (user.email && options.adminEmails.includes(user.email.toLowerCase())) return { anonymise: false, reason: 'admin' };
  if (facts.hasLiveApiToken) return { anonymise: false, reason: 'api_token' };
  if (facts.incidents.length === 0) return { anonymise: false, reason: 'no_incidents' };
  let last = 0;
  for (const incident of facts.incidents) {
    if (incident.status === 'open' || !incident.endedAt) return { anonymise: false, reason: 'open_incident' };
    last = Math.max(last, incident.endedAt.getTime());
  }
  if (last >= options.cutoff.getTime()) return { anonymise: false, reason: 'recent' };
  return { anonymise: true, lastInvolvement: new Date(last) };
}

/**
 * The name an anonymised person gets: "Former colleague" and a short id derived from their user
 * id (FNV-1a), so the same person reads the same across incidents and runs, and two people differ.
 */
export function anonymisedName(userId: UserId): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `Former colleague ${hash.toString(16).toUpperCase().padStart(8, '0').slice(0, 6)}`;
}

// A name this short would match inside ordinary words' neighbours too often to replace safely.
const NAME_MIN_LENGTH = 3;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const notWordBefore = '(?<![\\p{L}\\p{N}_])';
const notWordAfter = '(?![\\p{L}\\p{N}_])';

/**
 * Replaces a person's identity in text copied into an incident's record: their email (any case),
 * their Slack id (also as a `<@U…>` mention) and their name as a whole word (exact case; names
 * under three characters are left, as too likely to hit other words). Anything else, including
 * nicknames or a name typed differently, stays as written.
 */
export function redactIdentity(text: string, user: Pick<User, 'name' | 'email' | 'slackUserId'>, replacement: string): string {
  let result = text;
  if (user.email) result = result.replace(new RegExp(escapeRegExp(user.email), 'giu'), replacement);
  if (user.slackUserId) {
    const id = escapeRegExp(user.slackUserId);
    result = result.replace(new RegExp(`<@${id}(?:\\|[^>]*)?>`, 'gu'), replacement);
    result = result.replace(new RegExp(`${notWordBefore}${id}${notWordAfter}`, 'gu'), replacement);
  }
  const name = user.name.trim();
  if (name.length >= NAME_MIN_LENGTH && name !== replacement) {
    result = result.replace(new RegExp(`${notWordBefore}${escapeRegExp(name)}${notWordAfter}`, 'gu'), replacement);
  }
  return result;
}

/** {@link redactIdentity} over every string in a JSON value (an audit event's data), keys kept. */
export function redactIdentityInJson(value: unknown, user: Pick<User, 'name' | 'email' | 'slackUserId'>, replacement: string): unknown {
  if (typeof value === 'string') return redactIdentity(value, user, replacement);
  if (Array.isArray(value)) return value.map((item) => redactIdentityInJson(item, user, replacement));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactIdentityInJson(item, user, replacement)]));
  }
  return value;
}

/** An email shown partly, for a list someone may read over a shoulder: `r***@example.org`. */
export function maskEmail(email: string | null): string {
  if (!email) return '(no email)';
  const at = email.indexOf('@');
  if (at <= 0) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}
