import type { InputBlock, Option, View } from '@slack/types';
import type { SeverityScale } from '../../domain/severity.js';
import { plainText, section } from './elements.js';
import { actionIds, blockIds, optionValues, viewCallbackIds } from './ids.js';
import { limits } from './limits.js';
import { longTextInput, modal, privateInput, severityInput, titleInput } from './modal-inputs.js';

/** The process's test for "is this an incident?", shown where people decide. */
export const incidentCriteria = [
  'requires immediate response to return normal service',
  'severely degrades user experience of the service',
  'compromises application security, resulting in a breach or potential breach',
  'has the potential for loss or compromise of data',
] as const;

const liveOption: Option = {
  text: plainText('Live incident — it is happening now', limits.optionText),
  value: optionValues.live,
};
const reportOption: Option = {
  text: plainText('Report something that already happened', limits.optionText),
  value: optionValues.report,
};

const drillOption: Option = {
  text: plainText('This is a drill or test', limits.optionText),
  description: plainText('Worked like any other incident, but left out of the metrics.', limits.optionText),
  value: optionValues.drill,
};

/** The "drill or test" checkbox, unticked: a real incident is the usual case. */
function drillInput(): InputBlock {
  return {
    type: 'input',
    block_id: blockIds.drill,
    optional: true,
    label: plainText('Drill or test'),
    element: { type: 'checkboxes', action_id: actionIds.drill, options: [drillOption] },
  };
}

export interface DeclareModalOptions {
  /** The text typed after the command, if any. */
  readonly title?: string;
  readonly severities: SeverityScale;
  readonly privateMetadata: string;
}

/** The form `/incident <what happened>` opens: only live-or-report is needed now. */
export function renderDeclareModal(options: DeclareModalOptions): View {
  const severity = severityInput(options.severities, { withNotSet: false });
  return modal({
    callbackId: viewCallbackIds.declare,
    title: 'Declare an incident',
    submit: 'Declare',
    privateMetadata: options.privateMetadata,
    blocks: [
      section(`*An incident is an event that:*\n${incidentCriteria.map((c) => `• ${c}`).join('\n')}`),
      {
        type: 'input',
        block_id: blockIds.kind,
        label: plainText('What are you declaring?'),
        hint: plainText('Only this choice is needed now. Everything else can be filled in later.'),
        element: {
          type: 'radio_buttons',
          action_id: actionIds.kind,
          options: [liveOption, reportOption],
          initial_option: liveOption,
        },
      },
      titleInput(options.title),
      longTextInput('summary', null),
      longTextInput('impact', null),
      ...(severity ? [severity] : []),
      {
        type: 'input',
        block_id: blockIds.lead,
        optional: true,
        label: plainText('Incident lead'),
        hint: plainText('Leave empty if you will page the on-call incident lead.'),
        element: { type: 'users_select', action_id: actionIds.lead, placeholder: plainText('Choose a person', 150) },
      },
      privateInput(false),
      drillInput(),
    ],
  });
}
