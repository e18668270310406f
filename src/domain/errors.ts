/**
 * Every failure the domain and services can report, with a stable code. Transports map the
 * category to their own form (HTTP status, Slack reply) in one table each.
 */
export const errorCategories = {
  'request.invalid': 'invalid',
  'request.duplicate': 'conflict',
  'incident.not_found': 'not_found',
  'incident.title_invalid': 'invalid',
  'incident.severity_invalid': 'invalid',
  'incident.field_invalid': 'invalid',
  'incident.already_closed': 'conflict',
  'incident.already_open': 'conflict',
  'incident.not_report_only': 'conflict',
  'incident.close_reason_invalid': 'invalid',
  'incident.concurrent_update': 'conflict',
  'role.invalid': 'invalid',
  'user.not_found': 'invalid',
  'user.invalid': 'invalid',
  'timeline.not_found': 'not_found',
  'timeline.entry_invalid': 'invalid',
  'timeline.entry_removed': 'conflict',
  'timeline.concurrent_update': 'conflict',
  'action.not_found': 'not_found',
  'action.invalid': 'invalid',
  'command.unknown': 'invalid',
  'command.invalid': 'invalid',
  'token.not_found': 'not_found',
  'token.invalid': 'invalid',
  'nudge.invalid': 'invalid',
  'statuspage.invalid': 'invalid',
  /** A private incident, published without the explicit override. */
  'statuspage.private': 'conflict',
  'statuspage.already_resolved': 'conflict',
  'page.invalid': 'invalid',
  /** No pager (or no such team) is configured. */
  'page.not_configured': 'conflict',
  /** A private incident's RCA shared without the explicit "share anyway". */
  'rca.private': 'conflict',
  /** Publishing or sharing an RCA where nothing (Confluence, share channels) is configured. */
  'rca.not_configured': 'conflict',
  'team.invalid': 'invalid',
  'team.not_found': 'not_found',
  /** Another team (from configuration or the site) has that name. */
  'team.name_taken': 'conflict',
  /** An export document that cannot be imported (not JSON, wrong format, inconsistent). */
  'import.invalid': 'invalid',
  /** An RCA (or follow-up) field that cannot be saved: a bad date, no attendee, no owner. */
  'rca.invalid': 'invalid',
  /** The RCA of an incident that is still open. */
  'rca.incident_open': 'conflict',
  /** A form filled from an older version of the RCA than the one saved since. */
  'rca.concurrent_update': 'conflict',
} as const;

export type ErrorCode = keyof typeof errorCategories;
export type ErrorCategory = (typeof errorCategories)[ErrorCode];

/** Extra, machine-readable context shown to the caller (never secrets). */
export interface ErrorDetails {
  readonly field?: string;
  readonly allowed?: readonly string[];
}

/** A failure the caller can understand and act on; anything else is a bug. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }

  get category(): ErrorCategory {
    return errorCategories[this.code];
  }
}
