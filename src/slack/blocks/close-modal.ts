import type { Option, View } from '@slack/types';
import type { Incident } from '../../domain/incident.js';
import { plainText, section } from './elements.js';
import { actionIds, blockIds, optionValues, viewCallbackIds } from './ids.js';
import { limits } from './limits.js';
import { escapeMrkdwn } from './mrkdwn.js';
import { modal } from './modal-inputs.js';

const resolvedOption: Option = {
  text: plainText('Resolved — the problem is fixed', limits.optionText),
  value: optionValues.resolved,
};
const blockedOption: Option = {
  text: plainText('Blocked — work stops until a later date', limits.optionText),
  value: optionValues.blocked,
};

export interface CloseModalOptions {
  readonly privateMetadata: string;
}

/** Asks why work stops; closing is the official end of the incident. */
export function renderCloseModal(incident: Incident, options: CloseModalOptions): View {
  return modal({
    callbackId: viewCallbackIds.close,
    title: 'Close incident',
    submit: 'Close incident',
    privateMetadata: options.privateMetadata,
    blocks: [
      section(
        `Closing marks the official end of *${escapeMrkdwn(incident.reference)}: ${escapeMrkdwn(incident.title)}*.`,
      ),
      {
        type: 'input',
        block_id: blockIds.reason,
        label: plainText('Why is work stopping?'),
        element: { type: 'radio_buttons', action_id: actionIds.reason, options: [resolvedOption, blockedOption] },
      },
      {
        type: 'input',
        block_id: blockIds.blockedUntil,
        optional: true,
        label: plainText('Blocked until'),
        hint: plainText('Only for "Blocked", if you know when work can resume.'),
        element: { type: 'datepicker', action_id: actionIds.blockedUntil, placeholder: plainText('Pick a date', 150) },
      },
      {
        type: 'input',
        block_id: blockIds.note,
        optional: true,
        label: plainText('Note'),
        element: {
          type: 'plain_text_input',
          action_id: actionIds.note,
          multiline: true,
          max_length: 3000,
          placeholder: plainText('What fixed it, or what work is waiting for', 150),
        },
      },
    ],
  });
}
