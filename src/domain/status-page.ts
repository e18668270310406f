import type { TransitionContext } from './context.js';
import { DomainError } from './errors.js';
import type { Transition } from './events.js';
import type { Brand, IncidentId } from './ids.js';
import type { Incident } from './incident.js';
import { oneLine, optionalText, TITLE_MAX } from './text.js';

/** Status messages are read at a glance; this also keeps the timeline line within its limit. */
export const STATUS_MESSAGE_MAX = 5000;
import type { User } from './user.js';

export type PublicIncidentId = Brand<string, 'PublicIncidentId'>;
export type PublicUpdateId = Brand<string, 'PublicUpdateId'>;

/** A component's state, as Atlassian Statuspage names them (so one flow can feed both pages). */
export const componentStates = ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'] as const;
export type ComponentState = (typeof componentStates)[number];

export const componentStateLabels: Readonly<Record<ComponentState, string>> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  under_maintenance: 'Under maintenance',
};

/** Where a public incident stands, as the public is told. */
export const publicStatuses = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type PublicStatus = (typeof publicStatuses)[number];

export const publicStatusLabels: Readonly<Record<PublicStatus, string>> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

export interface ComponentChange {
  readonly name: string;
  readonly state: ComponentState;
}

/** One published message about a public incident: what the public was told, when, by whom. */
export interface PublicUpdate {
  readonly id: PublicUpdateId;
  readonly publicIncidentId: PublicIncidentId;
  readonly status: PublicStatus;
  readonly message: string;
  readonly components: readonly ComponentChange[];
  readonly at: Date;
  readonly by: User;
}

/**
 * What the public knows of one of our incidents. It exists only once someone published it: our
 * incident's own title, summary and timeline never reach the status page by themselves.
 */
export interface PublicIncident {
  readonly id: PublicIncidentId;
  readonly incidentId: IncidentId;
  readonly title: string;
  readonly status: PublicStatus;
  /** Asked for on publishing; the Atlassian adapter passes it on (the built-in page has no subscribers). */
  readonly notifySubscribers: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly resolvedAt: Date | null;
  /** Newest first. */
  readonly updates: readonly PublicUpdate[];
}

export interface PublishInput {
  readonly title: string;
  readonly status: string;
  readonly message: string;
  readonly components: readonly { readonly name: string; readonly state: string }[];
  readonly notifySubscribers: boolean;
  /** The publisher's explicit "publish anyway" for a private incident. */
  readonly publishPrivate: boolean;
}

export interface Published {
  readonly publicIncident: PublicIncident;
  readonly update: PublicUpdate;
}

export function parsePublicStatus(value: string): PublicStatus {
  const found = publicStatuses.find((s) => s === value);
  if (!found) throw new DomainError('statuspage.invalid', `Choose a status: ${publicStatuses.join(', ')}.`, { field: 'status', allowed: publicStatuses });
  return found;
}

export function parseComponentState(value: string): ComponentState {
  const found = componentStates.find((s) => s === value);
  if (!found) throw new DomainError('statuspage.invalid', `A component state is one of: ${componentStates.join(', ')}.`, { field: 'components', allowed: componentStates });
  return found;
}

function checkComponents(input: PublishInput['components'], configured: readonly string[]): ComponentChange[] {
  const seen = new Set<string>();
  return input.map(({ name, state }) => {
    if (!configured.includes(name)) {
      throw new DomainError('statuspage.invalid', `"${name}" is not a status page component.`, { field: 'components', allowed: configured });
    }
    if (seen.has(name)) throw new DomainError('statuspage.invalid', `"${name}" is given twice.`, { field: 'components' });
    seen.add(name);
    return { name, state: parseComponentState(state) };
  });
}

/**
 * Publishes to the status page: the first time creates the public incident, later times add an
 * update. A private incident is refused unless the publisher overrides, and the override is told.
 */
export function publishStatus(
  incident: Incident,
  current: PublicIncident | null,
  input: PublishInput,
  configuredComponents: readonly string[],
  ctx: TransitionContext,
): Transition<Published> {
  if (incident.private && !input.publishPrivate) {
    throw new DomainError(
      'statuspage.private',
      `${incident.reference} is private: tick "publish anyway" to publish it to the status page.`,
      { field: 'publishPrivate' },
    );
  }
  const title = oneLine(input.title, 'title', TITLE_MAX, 'statuspage.invalid');
  const message = optionalText(input.message, 'message', STATUS_MESSAGE_MAX, 'statuspage.invalid');
  if (!message) throw new DomainError('statuspage.invalid', 'Write a message for the public.', { field: 'message' });
  const status = parsePublicStatus(input.status);
  const components = checkComponents(input.components, configuredComponents);
  const publicIncidentId = current?.id ?? (ctx.newId() as PublicIncidentId);
  const update: PublicUpdate = {
    id: ctx.newId() as PublicUpdateId,
    publicIncidentId,
    status,
    message,
    components,
    at: ctx.at,
    by: ctx.actor,
  };
  const resolvedAt = status === 'resolved' ? (current?.resolvedAt ?? ctx.at) : null;
  const publicIncident: PublicIncident = {
    id: publicIncidentId,
    incidentId: incident.id,
    title,
    status,
    notifySubscribers: input.notifySubscribers,
    createdAt: current?.createdAt ?? ctx.at,
    updatedAt: ctx.at,
    resolvedAt,
    updates: [update, ...(current?.updates ?? [])],
  };
  return {
    state: { publicIncident, update },
    events: [
      {
        type: 'statuspage.published',
        publicIncidentId,
        first: current === null,
        title,
        status,
        message,
        components,
        notifySubscribers: input.notifySubscribers,
        privateOverride: incident.private,
      },
    ],
  };
}

/** Each configured component with its state now: the latest published state, operational when never touched. */
export function currentComponentStates(
  configured: readonly string[],
  stored: ReadonlyMap<string, ComponentState>,
): ComponentChange[] {
  return configured.map((name) => ({ name, state: stored.get(name) ?? 'operational' }));
}
