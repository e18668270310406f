import type { SlackUserId, UserId } from './ids.js';

/** A person (or the system itself) who can hold a role or make a change. */
export interface User {
  readonly id: UserId;
  readonly name: string;
  readonly email: string | null;
  readonly slackUserId: SlackUserId | null;
}

/** The user the app itself acts as: reminders, imports, anything nobody asked for in person. */
export const SYSTEM_USER_ID = 'system' as UserId;

/** The app itself, as stored by the first migration. */
export const systemUser: User = Object.freeze({ id: SYSTEM_USER_ID, name: 'incident-response', email: null, slackUserId: null });

/** Where a change came from: recorded with every change so the audit trail can tell. */
export const sources = ['slack', 'web', 'api', 'system'] as const;
export type Source = (typeof sources)[number];

/** Who did something, and through which surface. */
export interface Actor {
  readonly user: User;
  readonly source: Source;
  /**
   * The request that made the change (a Slack event id, a modal submission), when it may be
   * delivered twice: a change carrying a key already seen is refused as a duplicate.
   */
  readonly requestKey?: string;
}
