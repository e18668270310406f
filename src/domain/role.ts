import { DomainError } from './errors.js';

/** The roles the process names; the lead may add others by name ("Subject matter expert"). */
export const builtInRoles = ['lead', 'scribe', 'commsLead'] as const;
export type BuiltInRole = (typeof builtInRoles)[number];

/** A role key: one of the built-in roles, or a custom role's display name. */
export type RoleName = BuiltInRole | (string & { readonly customRole?: true });

const roleLabels: Record<BuiltInRole, string> = {
  lead: 'Incident lead',
  scribe: 'Incident scribe',
  commsLead: 'Communications lead',
};

const aliases: Record<string, BuiltInRole> = {
  lead: 'lead',
  'incident lead': 'lead',
  il: 'lead',
  scribe: 'scribe',
  'incident scribe': 'scribe',
  commslead: 'commsLead',
  comms: 'commsLead',
  'comms lead': 'commsLead',
  comms_lead: 'commsLead',
  'communications lead': 'commsLead',
};

const reserved = new Set(['reporter', 'incident reporter']);
const MAX_ROLE_NAME = 60;

/** Normalises a role as typed by a person or sent to the API: built-ins by alias, others by name. */
export function parseRoleName(input: string): RoleName {
  const collapsed = input.trim().replace(/\s+/g, ' ');
  const key = collapsed.toLowerCase();
  // Own properties only: "constructor" is a fine custom role name, not Object.prototype's.
  const builtIn = Object.hasOwn(aliases, key) ? aliases[key] : undefined;
  if (builtIn) return builtIn;
  if (collapsed.length === 0 || collapsed.length > MAX_ROLE_NAME) {
    throw new DomainError('role.invalid', `A role name must be 1 to ${MAX_ROLE_NAME} characters.`, {
      field: 'role',
    });
  }
  if (reserved.has(collapsed.toLowerCase())) {
    throw new DomainError('role.invalid', 'The reporter is whoever declared the incident; it cannot be assigned.', {
      field: 'role',
    });
  }
  return collapsed;
}

export function isBuiltInRole(role: RoleName): role is BuiltInRole {
  return (builtInRoles as readonly string[]).includes(role);
}

/** Two role names denote the same role (custom names compare without regard to case). */
export function sameRole(a: RoleName, b: RoleName): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The name people read: "Incident lead", or the custom role as the lead named it. */
export function roleLabel(role: RoleName): string {
  return isBuiltInRole(role) ? roleLabels[role] : role;
}

/** Built-in roles first, in the process's order, then custom roles by name: a stable reading order. */
export function compareRoles(a: RoleName, b: RoleName): number {
  const rank = (r: RoleName) => (isBuiltInRole(r) ? builtInRoles.indexOf(r) : builtInRoles.length);
  return rank(a) - rank(b) || a.localeCompare(b);
}
