import { z } from 'zod';
import { compileRedactionPattern, type RedactionPattern } from '../domain/redaction.js';

// REDACT_PATTERNS and RCA_SHARE_CHANNELS: their parsers. config.ts holds the schema.

/**
 * REDACT_PATTERNS: regular expressions separated by whitespace (write a space inside one as `\s`),
 * each optionally `/body/flags`. Every one is compiled at start-up, so a bad one is named then,
 * not discovered when a publication fails.
 */
export const redactPatternList = z.string().transform((value, ctx): readonly RedactionPattern[] => {
  const sources = value.split(/\s+/).filter(Boolean);
  if (sources.length > 50) {
    ctx.addIssue({ code: 'custom', message: 'at most 50 patterns' });
    return z.NEVER;
  }
  const patterns: RedactionPattern[] = [];
  for (const source of sources) {
    if (source.length > 500) {
      ctx.addIssue({ code: 'custom', message: `"${source.slice(0, 40)}…" is longer than 500 characters` });
      return z.NEVER;
    }
    const compiled = compileRedactionPattern(source);
    if (typeof compiled === 'string') {
      ctx.addIssue({ code: 'custom', message: compiled });
      return z.NEVER;
    }
    patterns.push(compiled);
  }
  return Object.freeze(patterns);
});

/**
 * RCA_SHARE_CHANNELS: where "Share summary to Slack" posts, as channel ids (`C0123ABCD`) or
 * names (`#incident-reviews`), comma-separated; names lose their `#` (chat.postMessage takes both).
 */
export const rcaShareChannelList = z.string().transform((value, ctx): readonly string[] => {
  const channels: string[] = [];
  for (const item of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!/^#?[a-z0-9][a-z0-9_-]{0,79}$/.test(item) && !/^[CG][A-Z0-9]{6,}$/.test(item)) {
      ctx.addIssue({ code: 'custom', message: `"${item}" is not a channel id (like C0123ABCD) or a #channel-name (lower case)` });
      return z.NEVER;
    }
    const channel = item.replace(/^#/, '');
    if (!channels.includes(channel)) channels.push(channel);
  }
  return Object.freeze(channels);
});
