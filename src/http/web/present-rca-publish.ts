import { rcaOutline } from '../../domain/rca-document.js';
import type { MaskedInField } from '../../domain/redaction.js';
import type { SeverityScale } from '../../domain/severity.js';
import type { RcaPublishingView } from '../../services/rca-publishing.service.js';
import { showDate } from './present.js';

const statusLabels = { pending: 'Publishing', published: 'Published', failed: 'Failed' } as const;
const statusClasses = { pending: 'govuk-tag--blue', published: 'govuk-tag--green', failed: 'govuk-tag--red' } as const;

/** A channel as people know it: `#name`, or the id Slack gave it. */
export const channelLabel = (channel: string) => (/^[CG][A-Z0-9]{6,}$/.test(channel) ? channel : `#${channel}`);

/** "What was masked": one row per kind, hint and place; the secret itself is never in the list. */
export function presentMasked(masked: readonly MaskedInField[]) {
  return masked.map((m) => ({ label: m.label.charAt(0).toUpperCase() + m.label.slice(1), hint: m.hint, field: m.field }));
}

/** The publish page's view model: the masked preview, what was masked, Confluence's state, sharing, downloads. */
export function presentRcaPublishPage(view: RcaPublishingView, severities: SeverityScale, publicUrl: string) {
  const incident = view.report.incident;
  const base = `/incidents/${encodeURIComponent(incident.reference)}/rca`;
  const outline = rcaOutline(view.report, { severities, rcaUrl: `${publicUrl}${base}` });
  const publication = view.confluence;
  return {
    reference: incident.reference,
    incidentTitle: incident.title,
    private: incident.private,
    base,
    rcaStarted: view.report.rca !== null,
    outline,
    masked: presentMasked(view.masked),
    confluence: view.confluenceConfigured
      ? {
          published: Boolean(publication?.externalId),
          url: publication?.url ?? null,
          status: publication ? { text: statusLabels[publication.status], classes: statusClasses[publication.status] } : null,
          publishedAt: showDate(publication?.publishedAt ?? null),
          requestedAt: showDate(publication?.requestedAt ?? null),
          requestedBy: publication?.requestedBy.name ?? null,
          lastError: publication?.lastError ?? null,
        }
      : null,
    shareChannels: view.shareChannels.map(channelLabel),
  };
}
