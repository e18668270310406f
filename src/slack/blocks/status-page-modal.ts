import type { InputBlock, KnownBlock, PlainTextOption, View } from '@slack/types';
import type { Incident } from '../../domain/incident.js';
import {
  componentStateLabels,
  componentStates,
  publicStatusLabels,
  publicStatuses,
  type PublicIncident,
} from '../../domain/status-page.js';
import { TITLE_MAX } from '../../domain/text.js';
import { button, context, plainText, section } from './elements.js';
import { actionIds, blockIds, componentBlockId, optionValues, viewCallbackIds } from './ids.js';
import { limits, truncatePlain, type SlackMessage } from './limits.js';
import { escapeMrkdwn } from './mrkdwn.js';
import { modal } from './modal-inputs.js';

/** Slack refuses a plain-text input longer than this. */
const INPUT_MAX = 3000;

const option = (text: string, value: string): PlainTextOption => ({ text: plainText(text, limits.optionText), value });
const notifyOption = option('Notify subscribers (Atlassian Statuspage)', optionValues.notifySubscribers);
const publishPrivateOption = option('Publish anyway: I know this incident is private', optionValues.publishPrivate);

export interface StatusPageModalOptions {
  /** What was published for this incident so far, if anything. */
  readonly current: PublicIncident | null;
  /** The configured components, in order. */
  readonly components: readonly string[];
  readonly privateMetadata: string;
}

function componentInput(name: string, initial: string | null): InputBlock {
  const unaffected = option('Not affected', optionValues.componentUnaffected);
  const options = [unaffected, ...componentStates.map((s) => option(componentStateLabels[s], s))];
  return {
    type: 'input',
    block_id: componentBlockId(name),
    optional: true,
    label: plainText(name),
    element: {
      type: 'static_select',
      action_id: actionIds.componentState,
      options,
      initial_option: options.find((o) => o.value === initial) ?? unaffected,
    },
  };
}

/**
 * Publishes to the status page: the public title, where things stand, what to tell people, and
 * which components are affected. The first submission creates the public incident; later ones
 * add updates. A private incident needs "publish anyway" ticked (the input is required).
 */
export function renderStatusPageModal(incident: Incident, options: StatusPageModalOptions): View {
  const { current } = options;
  const latest = current?.updates[0] ?? null;
  const statusOptions = publicStatuses.map((s) => option(publicStatusLabels[s], s));
  const blocks: KnownBlock[] = [
    section(
      current
        ? `Adds an update to the public incident *${escapeMrkdwn(current.title)}* (now ${publicStatusLabels[current.status]}).`
        : `Publishes *${escapeMrkdwn(incident.reference)}* to the public status page. Only what you write here is shown.`,
    ),
  ];
  if (incident.private) {
    blocks.push({
      type: 'input',
      block_id: blockIds.publishPrivate,
      label: plainText('This incident is private'),
      hint: plainText('The public status page is seen by everyone. Publish only what may be said in public.'),
      element: { type: 'checkboxes', action_id: actionIds.publishPrivate, options: [publishPrivateOption] },
    });
  }
  const title = (current?.title ?? incident.title).replace(/\s+/g, ' ').trim();
  blocks.push(
    {
      type: 'input',
      block_id: blockIds.title,
      label: plainText('Public title'),
      hint: plainText('As the public will see it: no internal names.'),
      element: {
        type: 'plain_text_input',
        action_id: actionIds.title,
        max_length: TITLE_MAX,
        ...(title ? { initial_value: truncatePlain(title, TITLE_MAX) } : {}),
      },
    },
    {
      type: 'input',
      block_id: blockIds.publicStatus,
      label: plainText('Status'),
      element: {
        type: 'static_select',
        action_id: actionIds.publicStatus,
        options: statusOptions,
        initial_option: statusOptions.find((o) => o.value === (current?.status ?? 'investigating')),
      },
    },
    {
      type: 'input',
      block_id: blockIds.message,
      label: plainText('Message'),
      element: {
        type: 'plain_text_input',
        action_id: actionIds.message,
        multiline: true,
        max_length: INPUT_MAX,
        placeholder: plainText('What people may notice, what we are doing, when we will next update', 150),
      },
    },
  );
  if (options.components.length > 0) {
    blocks.push(context('*Affected components* — leave the others as "Not affected".'));
    for (const name of options.components) {
      blocks.push(componentInput(name, latest?.components.find((c) => c.name === name)?.state ?? null));
    }
  }
  blocks.push({
    type: 'input',
    block_id: blockIds.notifySubscribers,
    optional: true,
    label: plainText('Subscribers'),
    element: {
      type: 'checkboxes',
      action_id: actionIds.notifySubscribers,
      options: [notifyOption],
      ...((current?.notifySubscribers ?? true) ? { initial_options: [notifyOption] } : {}),
    },
  });
  return modal({
    callbackId: viewCallbackIds.statusPage,
    title: 'Status page',
    submit: current ? 'Publish update' : 'Publish',
    privateMetadata: options.privateMetadata,
    blocks,
  });
}

/** The answer to `statuspage`: a button, because only a press (not a mention) lets us open a modal. */
export function renderStatusPagePrompt(incident: Incident, options: { readonly published: boolean; readonly publicUrl: string }): SlackMessage {
  const text = options.published
    ? `${incident.reference} is on the status page. Post an update?`
    : `Publish ${incident.reference} to the status page?`;
  return {
    text,
    blocks: [
      section(`${escapeMrkdwn(text)} <${options.publicUrl}/status|See the status page>`),
      {
        type: 'actions',
        elements: [
          button({
            actionId: actionIds.openStatusPage,
            text: options.published ? 'Post a status update' : 'Publish to the status page',
            value: incident.id,
            style: 'primary',
          }),
        ],
      },
    ],
  };
}
