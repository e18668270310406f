import { DomainError } from './errors.js';
import type { Brand, UserId } from './ids.js';
import { LEAD_TARGET } from './page.js';

export type PagingTeamId = Brand<string, 'PagingTeamId'>;

/**
 * A specialist team managed on the site's admin page (teams from configuration are not stored).
 * `routingKey` is the Events API v2 integration key of its PagerDuty service: a secret, shown
 * only by its last characters and never logged.
 */
export interface PagingTeam {
  readonly id: PagingTeamId;
  readonly name: string;
  /** What the team covers, as `escalate` shows it. */
  readonly description: string;
  readonly routingKey: string;
  /** Offered by `escalate`; an inactive team is kept so its open pages can still be resolved. */
  readonly active: boolean;
  readonly createdBy: UserId;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A team `escalate` offers besides the lead, from configuration or the admin page. */
export interface EscalationTeam {
  readonly name: string;
  readonly description: string;
  readonly fromConfig: boolean;
}

export const TEAM_NAME_MAX = 40;
export const TEAM_DESCRIPTION_MAX = 200;

// The same rule as PAGERDUTY_TEAMS' names, so both kinds of team read alike in Slack.
const NAME = /^[a-z][a-z0-9_-]*$/i;
// PagerDuty's Events API v2 integration keys are 32 lowercase letters and digits.
const ROUTING_KEY = /^[a-z0-9]{32}$/;

/** A team's name as typed, or a refusal (`field: name`). Uniqueness is the service's to check. */
export function checkTeamName(input: string): string {
  const name = input.trim();
  if (name === '') throw new DomainError('team.invalid', 'Enter the team’s name', { field: 'name' });
  if (name.length > TEAM_NAME_MAX) throw new DomainError('team.invalid', `Team name must be ${TEAM_NAME_MAX} characters or fewer`, { field: 'name' });
  if (!NAME.test(name)) {
    throw new DomainError('team.invalid', 'Team name must start with a letter and contain only letters, digits, dashes and underscores, like database or payments-oncall', { field: 'name' });
  }
  if (name.toLowerCase() === LEAD_TARGET) throw new DomainError('team.invalid', 'Team name cannot be “lead”: it means the on-call incident lead', { field: 'name' });
  return name;
}

/** What the team covers, or a refusal (`field: description`). */
export function checkTeamDescription(input: string): string {
  const description = input.replace(/\s+/g, ' ').trim();
  if (description === '') throw new DomainError('team.invalid', 'Enter what the team covers', { field: 'description' });
  if (description.length > TEAM_DESCRIPTION_MAX) {
    throw new DomainError('team.invalid', `What the team covers must be ${TEAM_DESCRIPTION_MAX} characters or fewer`, { field: 'description' });
  }
  return description;
}

/** An Events API v2 integration key, or a refusal (`field: routingKey`) that never repeats the input. */
export function checkRoutingKey(input: string): string {
  const key = input.trim();
  if (key === '') throw new DomainError('team.invalid', 'Enter the integration key of the team’s PagerDuty service', { field: 'routingKey' });
  if (!ROUTING_KEY.test(key)) {
    throw new DomainError('team.invalid', 'Integration key must be 32 characters, lowercase letters and digits only (an Events API v2 integration key)', { field: 'routingKey' });
  }
  return key;
}

/** A secret shown by its last 4 characters only: enough to tell keys apart, too little to use. */
export function maskSecret(secret: string): string {
  return secret.length > 8 ? `•••• ${secret.slice(-4)}` : '••••';
}
