import type { KnownBlock, View } from '@slack/types';
import type { Incident } from '../../domain/incident.js';
import type { Rca } from '../../domain/rca.js';
import { button, plainText, section } from './elements.js';
import { actionIds, blockIds, viewCallbackIds } from './ids.js';
import type { SlackMessage } from './limits.js';
import { escapeMrkdwn, incidentUrl, slackLink } from './mrkdwn.js';
import { modal } from './modal-inputs.js';

/** Slack refuses a plain-text input longer than this. */
const INPUT_MAX = 3000;
/** Slack's multi-users select keeps at most this many. */
const ATTENDEES_MAX = 100;

/** The RCA page on the incident site. */
export function rcaUrl(publicUrl: string, incident: Pick<Incident, 'reference'>): string {
  return `${incidentUrl(publicUrl, incident)}/rca`;
}

export interface RcaModalOptions {
  /** The RCA so far, if any: its date and the attendees we know in Slack are pre-filled. */
  readonly rca: Rca | null;
  /** Today (yyyy-mm-dd), the date picker's start when no date was recorded. */
  readonly today: string;
  readonly privateMetadata: string;
}

/**
 * Records the RCA session: the date (a date picker), who attends (Slack users), and optionally the
 * root cause. Everything else (the outcome in full, follow-ups) is on the RCA page.
 */
export function renderRcaModal(incident: Incident, options: RcaModalOptions): View {
  const { rca } = options;
  const attendees = (rca?.attendees ?? []).flatMap((a) => (a.slackUserId ? [a.slackUserId] : [])).slice(0, ATTENDEES_MAX);
  const blocks: KnownBlock[] = [
    section(`Records the root cause analysis session of *${escapeMrkdwn(incident.reference)}*: ${escapeMrkdwn(incident.title)}`),
    {
      type: 'input',
      block_id: blockIds.rcaHeldOn,
      label: plainText('Date of the session'),
      element: { type: 'datepicker', action_id: actionIds.rcaHeldOn, initial_date: rca?.heldOn ?? options.today },
    },
    {
      type: 'input',
      block_id: blockIds.rcaAttendees,
      label: plainText('Who attends'),
      element: {
        type: 'multi_users_select',
        action_id: actionIds.rcaAttendees,
        max_selected_items: ATTENDEES_MAX,
        ...(attendees.length ? { initial_users: attendees } : {}),
      },
    },
    {
      type: 'input',
      block_id: blockIds.rcaRootCause,
      optional: true,
      label: plainText('Root cause (optional)'),
      hint: plainText('The rest of the outcome, and the follow-ups, go on the RCA page.'),
      element: {
        type: 'plain_text_input',
        action_id: actionIds.rcaRootCause,
        multiline: true,
        max_length: INPUT_MAX,
        ...(rca?.rootCause ? { initial_value: rca.rootCause.slice(0, INPUT_MAX) } : {}),
      },
    },
  ];
  return modal({ callbackId: viewCallbackIds.rcaSession, title: 'Record the RCA', submit: 'Save', privateMetadata: options.privateMetadata, blocks });
}

/** The answer to `rca` from a mention (which cannot open a modal): a button that opens it. */
export function renderRcaPrompt(incident: Incident, publicUrl: string): SlackMessage {
  const text = `Record the root cause analysis session of ${incident.reference}?`;
  return {
    text,
    blocks: [
      section(`${escapeMrkdwn(text)} ${slackLink(rcaUrl(publicUrl, incident), 'The RCA page')}`),
      { type: 'actions', elements: [button({ actionId: actionIds.openRca, text: 'Record the RCA', value: incident.id, style: 'primary' })] },
    ],
  };
}

/** What `rca` says while the incident is open: there is nothing to analyse yet. */
export function rcaWhileOpenText(incident: Pick<Incident, 'reference'>): string {
  return `${incident.reference} is still open: close it first, then record its root cause analysis.`;
}

/** The channel's confirmation of a recorded session, with the way to the RCA page. */
export function renderRcaSessionRecorded(
  incident: Incident,
  input: { readonly heldOn: string; readonly attendees: readonly string[]; readonly by: string; readonly first: boolean; readonly publicUrl: string },
): SlackMessage {
  const what = input.first ? 'RCA session recorded' : 'RCA session changed';
  const text = `${what}: ${input.heldOn}, with ${input.attendees.join(', ')}`;
  return {
    text,
    blocks: [section(`:memo: ${escapeMrkdwn(text)} — ${input.by}. ${slackLink(rcaUrl(input.publicUrl, incident), 'The RCA page')}`)],
  };
}
