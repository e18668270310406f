import { z } from 'zod';
import { actionIds, blockIds, componentBlockPrefix, optionValues } from '../blocks/index.js';
import { fromSlackText } from './slack-text.js';

/** One input's state as Slack sends it in `view.state.values[block][action]`. */
const inputState = z
  .object({
    type: z.string(),
    value: z.string().nullable().optional(),
    selected_option: z.object({ value: z.string() }).nullable().optional(),
    selected_options: z.array(z.object({ value: z.string() })).optional(),
    selected_user: z.string().nullable().optional(),
    selected_date: z.string().nullable().optional(),
  })
  .loose();

export const viewPayload = z
  .object({
    type: z.literal('view_submission'),
    user: z.object({ id: z.string() }),
    view: z.object({
      id: z.string(),
      callback_id: z.string(),
      private_metadata: z.string().optional().default(''),
      state: z.object({ values: z.record(z.string(), z.record(z.string(), inputState)) }),
    }),
  })
  .loose();

export type ViewPayload = z.output<typeof viewPayload>;
type Values = ViewPayload['view']['state']['values'];

function input(values: Values, block: string, action: string): z.output<typeof inputState> | undefined {
  return values[block]?.[action];
}
const text = (values: Values, block: string, action: string): string | null => {
  const value = input(values, block, action)?.value;
  return value === undefined || value === null ? null : fromSlackText(value);
};
const selected = (values: Values, block: string, action: string) => input(values, block, action)?.selected_option?.value ?? null;
const checked = (values: Values, block: string, action: string, option: string) =>
  (input(values, block, action)?.selected_options ?? []).some((o) => o.value === option);

export interface DeclareForm {
  readonly reportOnly: boolean;
  readonly title: string;
  readonly summary: string | null;
  readonly impact: string | null;
  readonly severity: string | null;
  readonly leadSlackId: string | null;
  readonly private: boolean;
  readonly drill: boolean;
}

/** The declare modal's answers. */
export function readDeclareForm(values: Values): DeclareForm {
  return {
    reportOnly: selected(values, blockIds.kind, actionIds.kind) === optionValues.report,
    title: text(values, blockIds.title, actionIds.title) ?? '',
    summary: text(values, blockIds.summary, actionIds.summary),
    impact: text(values, blockIds.impact, actionIds.impact),
    severity: selected(values, blockIds.severity, actionIds.severity),
    leadSlackId: input(values, blockIds.lead, actionIds.lead)?.selected_user ?? null,
    private: checked(values, blockIds.private, actionIds.private, optionValues.private),
    drill: checked(values, blockIds.drill, actionIds.drill, optionValues.drill),
  };
}

export interface EditForm {
  readonly title: string;
  readonly summary: string | null;
  readonly impact: string | null;
  /** null: cleared; undefined: not in the form. */
  readonly severity: string | null;
  readonly private: boolean;
}

export function readEditForm(values: Values): EditForm {
  const severity = selected(values, blockIds.severity, actionIds.severity);
  return {
    title: text(values, blockIds.title, actionIds.title) ?? '',
    summary: text(values, blockIds.summary, actionIds.summary),
    impact: text(values, blockIds.impact, actionIds.impact),
    severity: severity === optionValues.severityNotSet ? null : severity,
    private: checked(values, blockIds.private, actionIds.private, optionValues.private),
  };
}

export interface CloseForm {
  readonly reason: 'resolved' | 'blocked';
  /** yyyy-mm-dd from the date picker, for `blocked`. */
  readonly blockedUntil: string | null;
  readonly note: string | null;
}

export function readCloseForm(values: Values): CloseForm {
  return {
    reason: selected(values, blockIds.reason, actionIds.reason) === optionValues.blocked ? 'blocked' : 'resolved',
    blockedUntil: input(values, blockIds.blockedUntil, actionIds.blockedUntil)?.selected_date ?? null,
    note: text(values, blockIds.note, actionIds.note),
  };
}

export interface StatusPageForm {
  readonly title: string;
  readonly status: string;
  readonly message: string;
  /** Only the components given a state: "Not affected" ones are left out. */
  readonly components: readonly { readonly name: string; readonly state: string }[];
  readonly notifySubscribers: boolean;
  readonly publishPrivate: boolean;
}

/** The status page modal's answers; each component's name is its block's id (see `componentBlockId`). */
export function readStatusPageForm(values: Values): StatusPageForm {
  const components = Object.keys(values)
    .filter((block) => block.startsWith(componentBlockPrefix))
    .map((block) => ({ name: block.slice(componentBlockPrefix.length), state: selected(values, block, actionIds.componentState) }))
    .filter((c): c is { name: string; state: string } => c.state !== null && c.state !== optionValues.componentUnaffected);
  return {
    title: text(values, blockIds.title, actionIds.title) ?? '',
    status: selected(values, blockIds.publicStatus, actionIds.publicStatus) ?? '',
    message: text(values, blockIds.message, actionIds.message) ?? '',
    components,
    notifySubscribers: checked(values, blockIds.notifySubscribers, actionIds.notifySubscribers, optionValues.notifySubscribers),
    publishPrivate: checked(values, blockIds.publishPrivate, actionIds.publishPrivate, optionValues.publishPrivate),
  };
}

/** What we carry through a modal: where it was opened from, to reply there. */
export const modalMetadata = z.object({
  incidentId: z.string().optional(),
  channelId: z.string().optional(),
  responseUrl: z.string().optional(),
});
export type ModalMetadata = z.output<typeof modalMetadata>;

export function readMetadata(raw: string): ModalMetadata {
  try {
    const parsed = modalMetadata.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}
