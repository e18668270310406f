import type { Incident } from '../../domain/incident.js';

/** Slack's limit on a channel name. */
export const CHANNEL_NAME_MAX = 80;

/** Letters NFKD does not decompose into ASCII plus accents. */
const folds: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  þ: 'th',
  ı: 'i',
};

/** "Échec de paiement (UK)!" → "echec-de-paiement-uk": lowercase ASCII words joined by hyphens. */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[ßæœøđðłþı]/g, (c) => folds[c] ?? '-')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Cuts a name to `max`, preferring a word boundary, never ending on a hyphen. */
function cutName(name: string, max: number): string {
  if (name.length <= max) return name;
  const cut = name.slice(0, max);
  const boundary = cut.lastIndexOf('-');
  // Keep a long last word rather than losing most of the slug to a far-back hyphen.
  const atWord = boundary >= max - 15 ? cut.slice(0, boundary) : cut;
  return atWord.replace(/-+$/, '');
}

function yyyymmdd(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}`;
}

/**
 * The incident channel's name: `inc-20240501-checkout-is-failing` (UTC date), at most 80
 * characters. A title with no ASCII letters or digits falls back to the incident number.
 */
export function channelNameFor(incident: Pick<Incident, 'title' | 'number'>, date: Date): string {
  const prefix = `inc-${yyyymmdd(date)}-`;
  const slug = slugify(incident.title) || `incident-${incident.number}`;
  return prefix + cutName(slug, CHANNEL_NAME_MAX - prefix.length);
}

/** `name-2`, `name-3`… for when the name is taken; cuts the name so the result stays ≤ 80. */
export function withSuffix(name: string, n: number): string {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`A channel name suffix is an integer ≥ 2 (got ${n}).`);
  const suffix = `-${n}`;
  return name.slice(0, CHANNEL_NAME_MAX - suffix.length).replace(/-+$/, '') + suffix;
}
