import type { ActionsBlock, KnownBlock, View } from '@slack/types';
import type { Incident } from '../../domain/incident.js';
import { describePageTarget, LEAD_TARGET, PAGE_MESSAGE_MAX, type AcknowledgedLead } from '../../domain/page.js';
import { button, context, plainText, section } from './elements.js';
import { actionIds } from './ids.js';
import { fallbackText, fitBlocks, type SlackMessage } from './limits.js';
import { escapeMrkdwn, incidentUrl, keepSlackMarkup } from './mrkdwn.js';
import { modal } from './modal-inputs.js';

/** Ids of the page modal and the team buttons; like those in ids.ts, a public contract. */
export const pageIds = {
  /** `callback_id` of the page modal. */
  view: 'incident.page',
  /** `block_id` and `action_id` of its message input. */
  message: 'page_message',
  /** A "Page" button in the `escalate` list. Value: {@link encodePageTeamValue}. */
  pageTeam: 'incident.page_team',
} as const;

/** What a team's "Page" button carries. */
export function encodePageTeamValue(value: { incidentId: string; team: string }): string {
  return JSON.stringify(value);
}

export interface PageModalOptions {
  /** `lead` or a team's name. */
  readonly target: string;
  readonly privateMetadata: string;
}

/** Asks for the message the person on call will read (maybe woken by it). */
export function renderPageModal(incident: Incident, options: PageModalOptions): View {
  return modal({
    callbackId: pageIds.view,
    title: options.target === LEAD_TARGET ? 'Page on-call lead' : 'Page a team',
    submit: 'Page',
    privateMetadata: options.privateMetadata,
    blocks: [
      section(`Page ${escapeMrkdwn(describePageTarget(options.target))} about *${escapeMrkdwn(incident.reference)}: ${escapeMrkdwn(incident.title)}*.`),
      {
        type: 'input',
        block_id: pageIds.message,
        label: plainText('Message'),
        hint: plainText('You may be waking someone up: be clear and kind. Say what is wrong and what you need from them.'),
        element: {
          type: 'plain_text_input',
          action_id: pageIds.message,
          multiline: true,
          max_length: PAGE_MESSAGE_MAX,
          placeholder: plainText('Checkout is failing for everyone since 02:10. We need someone to lead.', 150),
        },
      },
    ],
  });
}

export interface PageSentInput {
  readonly target: string;
  readonly message: string;
  /** Who asked, as mrkdwn. */
  readonly by: string;
  readonly onCall: readonly string[] | null;
  readonly dedupKey: string;
  readonly publicUrl: string;
}

/** The channel's note that a page went out: to whom, the message, who is on call. */
export function renderPageSent(incident: Incident, input: PageSentInput): SlackMessage {
  const url = incidentUrl(input.publicUrl, incident);
  const who = describePageTarget(input.target);
  const onCall = input.onCall && input.onCall.length > 0 ? `\n*On call:* ${input.onCall.map(escapeMrkdwn).join(', ')}` : '';
  const blocks: KnownBlock[] = [
    section(`:pager: *Paged ${escapeMrkdwn(who)}* — ${input.by}\n>${keepSlackMarkup(input.message).replace(/\n/g, '\n>')}${onCall}`, url),
    context(`PagerDuty key \`${escapeMrkdwn(input.dedupKey)}\` · resolved when ${escapeMrkdwn(incident.reference)} is closed`),
  ];
  return { text: fallbackText(`Paged ${who}: ${input.message}`), blocks: fitBlocks(blocks, url) };
}

// What an acknowledgement did about the lead, said after it (nothing when a lead was kept).
const leadOutcome: Record<AcknowledgedLead, (name: string) => string> = {
  assigned: (name) => ` ${name} is now incident lead (nobody was leading; matched by email).`,
  unchanged: () => '',
  email_unknown: () => ' Nobody was made incident lead: PagerDuty did not tell us their email. Send `lead @person` to name one.',
  no_user: () => ' Nobody was made incident lead: nobody here has their PagerDuty email. Send `lead @person` to name one.',
};

/** The channel's note that someone took a page in PagerDuty, and what it did about the lead. */
export function renderPageAcknowledged(input: { readonly told: string; readonly by: string; readonly lead: AcknowledgedLead }): SlackMessage {
  const text = `:pager: ${escapeMrkdwn(input.told)}.${leadOutcome[input.lead](escapeMrkdwn(input.by))}`;
  return { text: fallbackText(text), blocks: [section(text)] };
}

/** A way to the page modal where a command cannot open it itself (a mention has no trigger id). */
export function renderPagePrompt(incident: Incident): SlackMessage {
  const blocks: KnownBlock[] = [
    section(`Page the on-call incident lead about *${escapeMrkdwn(incident.reference)}*: press the button to write the message.`),
    { type: 'actions', elements: [button({ actionId: actionIds.pageLead, text: 'Page on-call lead', value: incident.id, style: 'danger' })] } satisfies ActionsBlock,
  ];
  return { text: `Page the on-call incident lead about ${incident.reference}`, blocks };
}

/** The `escalate` answer: the lead and each configured team, with a "Page" button each. */
export function renderEscalate(incident: Incident, teams: readonly { name: string; description: string }[]): SlackMessage {
  const blocks: KnownBlock[] = [
    section(`*Who can be paged about ${escapeMrkdwn(incident.reference)}:*`),
    {
      ...section(`*On-call incident lead* — coordinates the response`),
      accessory: button({ actionId: actionIds.pageLead, text: 'Page', value: incident.id }),
    },
  ];
  for (const team of teams.slice(0, 40)) {
    blocks.push({
      ...section(`*${escapeMrkdwn(team.name)}*${team.description ? ` — ${escapeMrkdwn(team.description)}` : ''}`),
      accessory: button({ actionId: pageIds.pageTeam, text: 'Page', value: encodePageTeamValue({ incidentId: incident.id, team: team.name }) }),
    });
  }
  return { text: `Who can be paged about ${incident.reference}`, blocks };
}

/** Said when paging is asked for but no pager is configured. */
export const pagerNotConfiguredText = 'Paging is not set up here (no PagerDuty routing key). Call the on-call lead directly.';
