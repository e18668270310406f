import { DomainError } from '../domain/errors.js';
import type { IncidentId } from '../domain/ids.js';
import type { Incident } from '../domain/incident.js';
import type { RedactedIncidentExport } from '../domain/incident-export-redaction.js';
import { renderIncidentMarkdown } from '../domain/incident-markdown.js';
import type { RcaReport } from '../domain/rca.js';
import { rcaDocumentTitle, redactRcaReport, renderRcaMarkdown, renderRcaStorage, type RedactedRcaReport } from '../domain/rca-document.js';
import type { RcaPublication } from '../domain/rca-publication.js';
import type { RedactionPattern } from '../domain/redaction.js';
import type { SeverityScale } from '../domain/severity.js';
import { systemUser, type Actor } from '../domain/user.js';
import { RcaPublisherRefused, RcaPublisherUnavailable, type RcaPublisher } from '../ports/rca-publisher.port.js';
import { claimRequest, contextFor, type ServiceDeps } from './context.js';
import { findIncident, findIncidentForUpdate } from './find-incident.js';
import { recordEvents } from './record-change.js';

/** Publish (or publish again) one incident's RCA to Confluence. */
export const RCA_CONFLUENCE_JOB = 'rca.confluence.publish';

export interface RcaConfluencePayload {
  readonly incidentId: IncidentId;
}

/** Where the RCA read model comes from (the RCA service's `report`). */
export interface RcaReportSource {
  report(idOrReference: string): Promise<RcaReport>;
}

/** The whole record as the portable export (the export service's, masked). */
export interface IncidentExporter {
  exportIncident(idOrReference: string): Promise<RedactedIncidentExport>;
}

export interface RcaPublishingSettings {
  readonly publicUrl: string;
  readonly severities: SeverityScale;
  readonly redactPatterns: readonly RedactionPattern[];
  /** RCA_SHARE_CHANNELS; empty: sharing is off. */
  readonly shareChannels: readonly string[];
}

/** What the publish page shows: the redacted RCA, what was masked, and where it has been published. */
export interface RcaPublishingView extends RedactedRcaReport {
  readonly confluence: RcaPublication | null;
  readonly confluenceConfigured: boolean;
  readonly shareChannels: readonly string[];
}

/**
 * Everything that takes an RCA off the site: the Confluence page (a durable job that re-reads
 * the report, so a retry is harmless and finds the page it made), the summary shared to Slack
 * (the Slack reactor posts it, once per press), and the downloads. Each copy is masked first.
 */
export function createRcaPublishingService(
  deps: ServiceDeps,
  reports: RcaReportSource,
  publisher: RcaPublisher | null,
  exporter: IncidentExporter,
  settings: RcaPublishingSettings,
) {
  const { store, clock } = deps;
  const systemActor: Actor = { user: systemUser, source: 'system' };
  const rcaUrl = (incident: Incident) => `${settings.publicUrl}/incidents/${encodeURIComponent(incident.reference)}/rca`;
  const documentOptions = (incident: Incident) => ({ severities: settings.severities, rcaUrl: rcaUrl(incident) });

  async function redacted(idOrReference: string): Promise<RedactedRcaReport> {
    return redactRcaReport(await reports.report(idOrReference), settings.redactPatterns);
  }

  return {
    /** Confluence is configured: the publish button is offered. */
    confluenceConfigured: publisher !== null,
    /** Where "Share summary to Slack" posts; empty: the button is not offered. */
    shareChannels: settings.shareChannels,

    /** The RCA with every free-text field masked, and what was masked where. */
    redacted,

    /** The publish page's content. */
    async view(idOrReference: string): Promise<RcaPublishingView> {
      const result = await redacted(idOrReference);
      const confluence = publisher ? await store.rcaPublications.find(result.report.incident.id, 'confluence') : null;
      return { ...result, confluence, confluenceConfigured: publisher !== null, shareChannels: settings.shareChannels };
    },

    /** The masked RCA as Markdown, and the file name it downloads as. */
    async markdown(idOrReference: string): Promise<{ readonly fileName: string; readonly text: string }> {
      const { report } = await redacted(idOrReference);
      const base = `${report.incident.reference.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-rca`;
      return { fileName: `${base}.md`, text: renderRcaMarkdown(report, documentOptions(report.incident)) };
    },

    /** The whole record as the API exports it (masked), for the signed-in person to download: JSON and Markdown. */
    async exportRecord(idOrReference: string): Promise<{ readonly baseName: string; readonly json: RedactedIncidentExport; readonly markdown: string }> {
      const json = await exporter.exportIncident(idOrReference);
      const baseName = json.incident.reference.toLowerCase().replace(/[^a-z0-9-]/g, '-');
      return { baseName, json, markdown: renderIncidentMarkdown(json, settings.severities) };
    },

    /**
     * Asks for the RCA to be published to Confluence: the request is recorded (and audited) and
     * its job queued in one transaction. A repeat of the same form (double submit) does nothing;
     * a later press publishes again, updating the same page. A private incident needs the
     * publisher's explicit `publishAnyway` (a Confluence space is read more widely than the
     * incident), recorded in the audit trail.
     */
    async requestConfluence(actor: Actor, idOrReference: string, options: { readonly publishAnyway: boolean }): Promise<void> {
      if (!publisher) throw new DomainError('rca.not_configured', 'Publishing to Confluence is not set up here.');
      await store.transaction(async (repos) => {
        const ctx = contextFor(deps, actor);
        await claimRequest(repos, actor, ctx.at);
        const incident = await findIncidentForUpdate(repos, idOrReference);
        if (incident.private && !options.publishAnyway) {
          throw new DomainError('rca.private', `${incident.reference} is private: tick "publish anyway" to publish its RCA to Confluence.`, { field: 'publishAnyway' });
        }
        await repos.rcaPublications.request(incident.id, 'confluence', actor.user.id, ctx.at);
        const payload: RcaConfluencePayload = { incidentId: incident.id };
        // One at a time per incident; a press while one is still waiting joins it (it reads the latest RCA anyway).
        await repos.jobs.enqueue({ type: RCA_CONFLUENCE_JOB, payload, queueKey: `rca-publish:${incident.id}`, dedupeKey: `rca-publish:${incident.id}` });
        await recordEvents(repos, incident, [{ type: 'rca.publish_requested', target: publisher.name, privateOverride: incident.private }], actor, ctx, deps.listeners);
      });
    },

    /**
     * The Confluence job: re-reads and masks the RCA, writes the page (updating the one stored, or
     * the one already titled so after a crash, else creating it), then stores the page and tells
     * the timeline. Outages throw {@link RcaPublisherUnavailable} for the job to retry.
     */
    async publishToConfluence({ incidentId }: RcaConfluencePayload): Promise<void> {
      if (!publisher) return;
      const current = await store.rcaPublications.find(incidentId, 'confluence');
      if (!current || current.status !== 'pending') return;
      const { report, masked } = await redacted(incidentId);
      const document = { title: rcaDocumentTitle(report), body: renderRcaStorage(report, documentOptions(report.incident)) };
      let page;
      try {
        page = await publisher.publish(document, current.externalId);
      } catch (error) {
        if (error instanceof RcaPublisherRefused || error instanceof RcaPublisherUnavailable) {
          await store.rcaPublications.markFailed(incidentId, 'confluence', error.message, error instanceof RcaPublisherUnavailable);
        }
        throw error;
      }
      await store.transaction(async (repos) => {
        const incident = await findIncidentForUpdate(repos, incidentId);
        await repos.rcaPublications.markPublished(incident.id, 'confluence', page, clock.now());
        const first = current.externalId === null || current.externalId !== page.id;
        const event = { type: 'rca.published', target: publisher.name, url: page.url, first, masked: masked.length } as const;
        await recordEvents(repos, incident, [event], systemActor, contextFor(deps, systemActor), deps.listeners);
      });
    },

    /**
     * Shares a summary of the RCA to every RCA_SHARE_CHANNELS channel, once per press (the form's
     * key). A private incident needs the sharer's explicit `shareAnyway`, recorded in the audit trail.
     */
    async share(actor: Actor, idOrReference: string, options: { readonly shareAnyway: boolean }): Promise<void> {
      if (settings.shareChannels.length === 0) throw new DomainError('rca.not_configured', 'No Slack channels are set up to share RCA summaries to.');
      const { masked } = await redacted(idOrReference);
      await store.transaction(async (repos) => {
        const ctx = contextFor(deps, actor);
        await claimRequest(repos, actor, ctx.at);
        const incident = await findIncidentForUpdate(repos, idOrReference);
        if (incident.private && !options.shareAnyway) {
          throw new DomainError('rca.private', `${incident.reference} is private: tick "share anyway" to share its summary to Slack.`, { field: 'shareAnyway' });
        }
        const event = { type: 'rca.shared', channels: settings.shareChannels, privateOverride: incident.private, masked: masked.length } as const;
        await recordEvents(repos, incident, [event], actor, ctx, deps.listeners);
      });
    },

    /** The incident an id or reference names (for transports that need its reference). */
    async incident(idOrReference: string): Promise<Incident> {
      return findIncident(store, idOrReference);
    },
  };
}

export type RcaPublishingService = ReturnType<typeof createRcaPublishingService>;
