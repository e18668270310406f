import { section } from './elements.js';
import { fallbackText, type SlackMessage } from './limits.js';
import { keepSlackMarkup } from './mrkdwn.js';

/**
 * A short reply to a command in the channel. The text is escaped but keeps Slack mentions and
 * links, because error messages often quote what the person typed.
 */
export function renderCommandReply(kind: 'ok' | 'error', text: string): SlackMessage {
  const body = `${kind === 'ok' ? ':white_check_mark:' : ':warning:'} ${keepSlackMarkup(text)}`;
  return { text: fallbackText(keepSlackMarkup(text)), blocks: [section(body)] };
}
