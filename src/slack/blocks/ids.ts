import type { IncidentId } from '../../domain/ids.js';
import type { NudgeKind } from '../../domain/nudges.js';
import type { RoleName } from '../../domain/role.js';

/**
 * Stable ids shared by the renderers and the parsers. Changing a value breaks buttons and modals
 * already posted in Slack, so treat these strings as a public contract.
 */

/** `action_id`s of message buttons and of modal inputs. */
export const actionIds = {
  createChannel: 'incident.create_channel',
  pageLead: 'incident.page_lead',
  startCall: 'incident.start_call',
  edit: 'incident.edit',
  close: 'incident.close',
  reopen: 'incident.reopen',
  /** On the close message: archive the incident's channel now. Value: the incident id. */
  archiveChannel: 'incident.archive_channel',
  /** Value: {@link encodeTakeRoleValue}. */
  takeRole: 'incident.take_role',
  /** On a reminder: not again for a while. Value: {@link encodeSnoozeValue}. */
  snoozeNudge: 'nudge.snooze',
  /** On a reminder: answered for good ("RCA is booked", "Keep channel"). Value: {@link encodeStopNudgeValue}. */
  stopNudge: 'nudge.stop',
  /** Opens the status page modal (the answer to `statuspage`). Value: the incident id. */
  openStatusPage: 'statuspage.open',
  /** On the close message: resolve the public incident, components operational. Value: the incident id. */
  resolveStatusPage: 'statuspage.resolve',
  /** Opens the RCA session modal (the answer to `rca`, and on the close message). Value: the incident id. */
  openRca: 'rca.open',
  rcaHeldOn: 'rca_held_on',
  rcaAttendees: 'rca_attendees',
  rcaRootCause: 'rca_root_cause',
  kind: 'kind',
  title: 'title',
  summary: 'summary',
  impact: 'impact',
  severity: 'severity',
  lead: 'lead',
  private: 'private',
  drill: 'drill',
  reason: 'reason',
  blockedUntil: 'blocked_until',
  note: 'note',
  publicStatus: 'public_status',
  message: 'message',
  notifySubscribers: 'notify_subscribers',
  publishPrivate: 'publish_private',
  /** Every component's select; its block is {@link componentBlockId}. */
  componentState: 'component_state',
} as const;

/** `block_id`s of modal inputs: read `state.values[blockIds.title][actionIds.title].value`. */
export const blockIds = {
  kind: 'kind',
  title: 'title',
  summary: 'summary',
  impact: 'impact',
  severity: 'severity',
  lead: 'lead',
  private: 'private',
  drill: 'drill',
  reason: 'reason',
  blockedUntil: 'blocked_until',
  note: 'note',
  publicStatus: 'public_status',
  message: 'message',
  notifySubscribers: 'notify_subscribers',
  publishPrivate: 'publish_private',
  rcaHeldOn: 'rca_held_on',
  rcaAttendees: 'rca_attendees',
  rcaRootCause: 'rca_root_cause',
} as const;

/** The block of one component's state in the status page modal: the name is read back from it. */
export const componentBlockPrefix = 'component:';
export const componentBlockId = (name: string) => `${componentBlockPrefix}${name}`;

/** `callback_id`s of the modals, matched on `view_submission`. */
export const viewCallbackIds = {
  declare: 'incident.declare',
  edit: 'incident.edit',
  close: 'incident.close',
  statusPage: 'statuspage.publish',
  rcaSession: 'rca.session',
} as const;

/** Option values of the radio buttons, checkboxes and selects above. */
export const optionValues = {
  /** kind: a live incident, happening now. */
  live: 'live',
  /** kind: a report of something that already happened. */
  report: 'report',
  /** private checkbox: ticked. Absent from `selected_options` when unticked. */
  private: 'private',
  /** drill checkbox: ticked (a drill or test). Absent from `selected_options` when unticked. */
  drill: 'drill',
  resolved: 'resolved',
  blocked: 'blocked',
  /** severity select in the edit modal: clear the severity. Never a scale key. */
  severityNotSet: '__not_set__',
  /** A component select in the status page modal: not part of this update. Never a state. */
  componentUnaffected: '__unaffected__',
  notifySubscribers: 'notify',
  publishPrivate: 'publish_private',
} as const;

// Prefixed: the domain's `ActionId` is an incident action item, not a Slack action.
export type SlackActionId = (typeof actionIds)[keyof typeof actionIds];
export type SlackBlockId = (typeof blockIds)[keyof typeof blockIds];
export type SlackViewCallbackId = (typeof viewCallbackIds)[keyof typeof viewCallbackIds];

/** What an `incident.take_role` button carries. Other incident buttons carry the bare incident id. */
export interface TakeRoleValue {
  readonly incidentId: IncidentId;
  readonly role: RoleName;
}

/** The `value` of an `incident.take_role` button: `{"incidentId":"…","role":"lead"}`. */
export function encodeTakeRoleValue(value: TakeRoleValue): string {
  return JSON.stringify({ incidentId: value.incidentId, role: value.role });
}

/** What a `nudge.snooze` button carries: which reminder of which incident, and for how long. */
export interface SnoozeValue {
  readonly incidentId: IncidentId;
  readonly kind: NudgeKind;
  readonly forMs: number;
}

/** The `value` of a `nudge.snooze` button: `{"incidentId":"…","kind":"no_lead","forMs":1800000}`. */
export function encodeSnoozeValue(value: SnoozeValue): string {
  return JSON.stringify({ incidentId: value.incidentId, kind: value.kind, forMs: value.forMs });
}

/** The `value` of a `nudge.stop` button: `{"incidentId":"…","kind":"archive"}`. */
export function encodeStopNudgeValue(value: { readonly incidentId: IncidentId; readonly kind: NudgeKind }): string {
  return JSON.stringify({ incidentId: value.incidentId, kind: value.kind });
}
