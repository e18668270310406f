import type { Incident } from '../../domain/incident.js';
import { severityLabel, type SeverityScale } from '../../domain/severity.js';
import { limits } from './limits.js';
import { escapeMrkdwn, incidentUrl } from './mrkdwn.js';

/**
 * The incident channel's topic: "INC-7 [Major] Title — doc: https://…", at most 250 characters.
 * The title is cut first, so the reference and the link to the living document always survive.
 */
export function renderTopic(incident: Incident, publicUrl: string, severities?: SeverityScale): string {
  const tags = [
    incident.status === 'closed' ? '[Closed]' : '',
    incident.severity ? `[${severities ? severityLabel(severities, incident.severity) : capitalise(incident.severity)}]` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const head = escapeMrkdwn(tags ? `${incident.reference} ${tags} ` : `${incident.reference} `);
  const tail = ` — doc: ${incidentUrl(publicUrl, incident).replace(/&/g, '&amp;')}`;
  const title = escapeMrkdwn(incident.title);
  const room = limits.topic - head.length - tail.length;
  if (room >= title.length) return head + title + tail;
  if (room >= 10) return head + cutEscaped(title, room - 1) + '…' + tail;
  // A URL so long it leaves no room: keep what identifies the incident.
  return cutEscaped(head + title, limits.topic - 1) + '…';
}

function capitalise(key: string): string {
  return key.charAt(0).toUpperCase() + key.slice(1);
}

/** Cuts escaped text without splitting an `&amp;` entity or a surrogate pair. */
function cutEscaped(text: string, max: number): string {
  let cut = Math.min(max, text.length);
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp >= 0 && !text.slice(amp, cut).includes(';')) cut = amp;
  return text.slice(0, cut).trimEnd();
}
