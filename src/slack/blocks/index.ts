/** Block Kit renderers: pure functions from domain state to Slack payloads. */
export { channelNameFor, slugify, withSuffix, CHANNEL_NAME_MAX } from './channel-name.js';
export { callNotConfiguredText, renderCallReply, renderCallStarted } from './call.js';
export { renderCloseModal, type CloseModalOptions } from './close-modal.js';
export { renderClosedMessage, type ClosedMessageOptions } from './closed-message.js';
export { renderCommandReply } from './command-reply.js';
export { incidentCriteria, renderDeclareModal, type DeclareModalOptions } from './declare-modal.js';
export { renderEditModal, type EditModalOptions } from './edit-modal.js';
export { renderHeadline, type HeadlineOptions } from './headline.js';
export { renderHelp, type HelpOptions } from './help.js';
export * from './ids.js';
export type { SlackFeatures } from './incident-parts.js';
export { renderKickoff, type KickoffOptions } from './kickoff.js';
export { limits, type SlackMessage } from './limits.js';
export { escapeMrkdwn, keepSlackMarkup, type PersonLike } from './mrkdwn.js';
export { renderReporterConfirmation, type ReporterConfirmationOptions } from './reporter-confirmation.js';
export { renderRoleAnnouncement, renderRoleDm, type RoleAnnouncementInput, type RoleDmOptions } from './roles.js';
export { renderStatusPageModal, renderStatusPagePrompt, type StatusPageModalOptions } from './status-page-modal.js';
export { renderTopic } from './topic.js';
export {
  missingDetails,
  renderCheckinsScheduled,
  renderNudge,
  renderNudgeSnoozed,
  renderNudgeStopped,
  renderStakeholderUpdate,
  SNOOZE_DAY_MS,
  SNOOZE_SHORT_MS,
  type NudgeOptions,
  type StakeholderUpdateInput,
} from './nudge.js';
export { rcaUrl, rcaWhileOpenText, renderRcaModal, renderRcaPrompt, renderRcaSessionRecorded, type RcaModalOptions } from './rca-modal.js';
