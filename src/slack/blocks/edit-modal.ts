import type { View } from '@slack/types';
import type { Incident } from '../../domain/incident.js';
import type { SeverityScale } from '../../domain/severity.js';
import { context } from './elements.js';
import { viewCallbackIds } from './ids.js';
import { escapeMrkdwn, incidentUrl } from './mrkdwn.js';
import { longTextInput, modal, privateInput, severityInput, titleInput } from './modal-inputs.js';

export interface EditModalOptions {
  readonly severities: SeverityScale;
  readonly privateMetadata: string;
  /** The site's address; the incident page is offered when a field is too long to edit in Slack. */
  readonly publicUrl?: string;
}

/** The incident's details, prefilled; submitting saves only what changed. */
export function renderEditModal(incident: Incident, options: EditModalOptions): View {
  const severity = severityInput(options.severities, { initial: incident.severity, withNotSet: true });
  const pageUrl = options.publicUrl ? incidentUrl(options.publicUrl, incident) : undefined;
  return modal({
    callbackId: viewCallbackIds.edit,
    title: 'Edit incident',
    submit: 'Save',
    privateMetadata: options.privateMetadata,
    blocks: [
      context(`Editing *${escapeMrkdwn(incident.reference)}*. Changes are posted in the incident channel.`),
      titleInput(incident.title),
      longTextInput('summary', incident.summary, pageUrl),
      longTextInput('impact', incident.impact, pageUrl),
      ...(severity ? [severity] : []),
      privateInput(incident.private),
    ],
  });
}
