import type { InputBlock, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { TITLE_MAX } from '../../domain/text.js';
import type { SeverityScale } from '../../domain/severity.js';
import { context, plainText } from './elements.js';
import { actionIds, blockIds, optionValues } from './ids.js';
import { limits, truncatePlain } from './limits.js';
import { slackLink } from './mrkdwn.js';

/** Inputs shared by the declare and edit modals, so both submit the same state shape. */

const MODAL_TITLE_MAX = 24;
/** Slack refuses a plain-text input longer than this, whatever the domain allows. */
const INPUT_MAX = 3000;

/** A modal with Cancel as its close button. */
export function modal(spec: {
  callbackId: string;
  title: string;
  submit: string;
  privateMetadata: string;
  blocks: KnownBlock[];
}): ModalView {
  return {
    type: 'modal',
    callback_id: spec.callbackId,
    title: plainText(spec.title, MODAL_TITLE_MAX),
    submit: plainText(spec.submit, MODAL_TITLE_MAX),
    close: plainText('Cancel', MODAL_TITLE_MAX),
    private_metadata: spec.privateMetadata,
    blocks: spec.blocks.slice(0, 100),
  };
}

/** The required one-line title, prefilled when given. */
export function titleInput(initial: string | undefined): InputBlock {
  const value = initial?.replace(/\s+/g, ' ').trim();
  return {
    type: 'input',
    block_id: blockIds.title,
    label: plainText('Title'),
    hint: plainText('One line: what is happening, as people will see it.'),
    element: {
      type: 'plain_text_input',
      action_id: actionIds.title,
      max_length: TITLE_MAX,
      placeholder: plainText('Checkout is failing for all users', 150),
      ...(value ? { initial_value: truncatePlain(value, TITLE_MAX) } : {}),
    },
  };
}

/**
 * A multi-line summary or impact. A value too long for Slack's input is not offered for editing
 * (cutting it would lose the rest on save); the reader is sent to the incident page instead.
 */
export function longTextInput(
  field: 'summary' | 'impact',
  initial: string | null | undefined,
  pageUrl?: string,
): KnownBlock {
  const label = field === 'summary' ? 'Summary' : 'Impact';
  if (initial && initial.length > INPUT_MAX) {
    const where = pageUrl ? slackLink(pageUrl, 'the incident page') : 'the incident page';
    return context(`*${label}* is too long to edit here (over ${INPUT_MAX} characters): edit it on ${where}.`);
  }
  const placeholder =
    field === 'summary' ? 'What is happening, what we know so far' : 'Who or what is affected, and how badly';
  return {
    type: 'input',
    block_id: blockIds[field],
    optional: true,
    label: plainText(label),
    element: {
      type: 'plain_text_input',
      action_id: actionIds[field],
      multiline: true,
      max_length: INPUT_MAX,
      placeholder: plainText(placeholder, 150),
      ...(initial ? { initial_value: initial } : {}),
    },
  };
}

function severityOption(key: string, label: string): PlainTextOption {
  return { text: plainText(label, limits.optionText), value: key };
}

/** The team's scale as a select; `withNotSet` adds a way to clear it (a select cannot be emptied). */
export function severityInput(
  severities: SeverityScale,
  options: { initial?: string | null; withNotSet: boolean },
): InputBlock | null {
  const levels = severities.slice(0, options.withNotSet ? 99 : 100).map((l) => severityOption(l.key, l.label));
  if (levels.length === 0) return null;
  const notSet = severityOption(optionValues.severityNotSet, 'Not set');
  const all = options.withNotSet ? [...levels, notSet] : levels;
  const initial = options.initial
    ? levels.find((o) => o.value === options.initial)
    : options.withNotSet
      ? notSet
      : undefined;
  return {
    type: 'input',
    block_id: blockIds.severity,
    optional: true,
    label: plainText('Severity'),
    element: {
      type: 'static_select',
      action_id: actionIds.severity,
      placeholder: plainText('Choose a severity', 150),
      options: all,
      ...(initial ? { initial_option: initial } : {}),
    },
  };
}

const privateOption: PlainTextOption = {
  text: plainText('Private — only the people involved can see it', limits.optionText),
  value: optionValues.private,
};

/** The "Private" checkbox, ticked when `initial`. */
export function privateInput(initial: boolean): InputBlock {
  return {
    type: 'input',
    block_id: blockIds.private,
    optional: true,
    label: plainText('Visibility'),
    element: {
      type: 'checkboxes',
      action_id: actionIds.private,
      options: [privateOption],
      ...(initial ? { initial_options: [privateOption] } : {}),
    },
  };
}
