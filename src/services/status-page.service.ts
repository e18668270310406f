import { DomainError } from '../domain/errors.js';
import {
  currentComponentStates,
  publishStatus,
  type ComponentChange,
  type PublicIncident,
  type PublishInput,
} from '../domain/status-page.js';
import { redact, type RedactionPattern } from '../domain/redaction.js';
import type { Actor } from '../domain/user.js';
import { claimRequest, contextFor, type ServiceDeps } from './context.js';
import { findIncident, findIncidentForUpdate } from './find-incident.js';
import { recordEvents } from './record-change.js';

/** Everything the public may see: only what was published. */
export interface PublicStatusView {
  readonly components: readonly ComponentChange[];
  /** Not resolved yet, most recently updated first. */
  readonly current: readonly PublicIncident[];
  /** Resolved, most recently updated first. */
  readonly history: readonly PublicIncident[];
  /** The latest publication (or null: nothing was ever published). */
  readonly updatedAt: Date | null;
}

/**
 * Publishing to the status page, and reading it back for the public. A publication is a change to
 * our incident: its timeline line (kind `statusPage`) restarts the comms lead's update cadence.
 */
export function createStatusPageService(
  deps: ServiceDeps,
  settings: { readonly components: readonly string[]; readonly redactPatterns?: readonly RedactionPattern[] },
) {
  const { store } = deps;
  return {
    /** The configured components, in their configured order. */
    components: settings.components,

    /** What has been published for this incident, if anything (to prefill the next update). */
    async forIncident(idOrReference: string): Promise<PublicIncident | null> {
      const incident = await findIncident(store, idOrReference);
      return store.statusPage.findByIncident(incident.id);
    },

    /**
     * Creates the public incident, or adds an update to it. Likely secrets in the title and message
     * are masked before anything is stored (the outside status page syncs from what is stored), and
     * the event says what was masked, so the channel confirmation tells the publisher.
     */
    async publish(actor: Actor, idOrReference: string, typed: PublishInput): Promise<PublicIncident> {
      const title = redact(typed.title, settings.redactPatterns);
      const message = redact(typed.message, settings.redactPatterns);
      const input: PublishInput = { ...typed, title: title.text, message: message.text };
      const masked = [...title.masked, ...message.masked].map(({ label, hint }) => ({ label, hint }));
      return store.transaction(async (repos) => {
        const ctx = contextFor(deps, actor);
        await claimRequest(repos, actor, ctx.at);
        const incident = await findIncidentForUpdate(repos, idOrReference);
        if (incident.reportOnly) {
          throw new DomainError('statuspage.invalid', `${incident.reference} is a report of something past: there is nothing to tell the public now.`);
        }
        const current = await repos.statusPage.findByIncident(incident.id);
        const published = publishStatus(incident, current, input, settings.components, ctx);
        await repos.statusPage.savePublication(published.state);
        const events = masked.length === 0 ? published.events : published.events.map((e) => (e.type === 'statuspage.published' ? { ...e, masked } : e));
        await recordEvents(repos, incident, events, actor, ctx, deps.listeners);
        return published.state.publicIncident;
      });
    },

    /**
     * Resolves the public incident (offered when our incident closes): status resolved, and every
     * component it ever named back to operational. It was published already, so no override is asked.
     */
    async resolve(actor: Actor, idOrReference: string, message = 'This incident has been resolved. Everything is working normally.'): Promise<PublicIncident> {
      return store.transaction(async (repos) => {
        const ctx = contextFor(deps, actor);
        await claimRequest(repos, actor, ctx.at);
        const incident = await findIncidentForUpdate(repos, idOrReference);
        const current = await repos.statusPage.findByIncident(incident.id);
        if (!current) throw new DomainError('statuspage.invalid', `${incident.reference} was never published to the status page.`);
        if (current.status === 'resolved') {
          throw new DomainError('statuspage.already_resolved', `${incident.reference} is already resolved on the status page.`);
        }
        const named = new Set(current.updates.flatMap((u) => u.components.map((c) => c.name)));
        const components = settings.components.filter((name) => named.has(name)).map((name) => ({ name, state: 'operational' }));
        const input = { title: current.title, status: 'resolved', message, components, notifySubscribers: current.notifySubscribers, publishPrivate: true };
        const published = publishStatus(incident, current, input, settings.components, ctx);
        await repos.statusPage.savePublication(published.state);
        await recordEvents(repos, incident, published.events, actor, ctx, deps.listeners);
        return published.state.publicIncident;
      });
    },

    /** The public page's content. */
    async publicView(): Promise<PublicStatusView> {
      const [all, states] = await Promise.all([store.statusPage.list(), store.statusPage.componentStates()]);
      return {
        components: currentComponentStates(settings.components, states),
        current: all.filter((p) => p.status !== 'resolved'),
        history: all.filter((p) => p.status === 'resolved'),
        updatedAt: all[0]?.updatedAt ?? null,
      };
    },
  };
}

export type StatusPageService = ReturnType<typeof createStatusPageService>;
