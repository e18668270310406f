import { escapeMrkdwn } from './mrkdwn.js';

/** A channel to ask for outside help in (HELP_CHANNELS). */
export interface HelpChannelLike {
  /** A channel name without `#`, or a channel id (`C…`, `G…`). */
  readonly channel: string;
  readonly description: string | null;
}

// A bot's message links `<#C123>` but not a bare `#name`, so ids become links and names stay text.
const CHANNEL_ID = /^[CG][A-Z0-9]{8,}$/;

/** "*Need help from outside the team?*" and one line per channel, as mrkdwn; null when none are configured. */
export function renderHelpChannels(channels: readonly HelpChannelLike[]): string | null {
  if (channels.length === 0) return null;
  const lines = channels.map(({ channel, description }) => {
    const name = CHANNEL_ID.test(channel) ? `<#${channel}>` : `#${escapeMrkdwn(channel)}`;
    return `• ${name}${description ? ` — ${escapeMrkdwn(description)}` : ''}`;
  });
  return `*Need help from outside the team? Ask in:*\n${lines.join('\n')}`;
}
