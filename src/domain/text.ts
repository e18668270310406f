import { DomainError, type ErrorCode } from './errors.js';

/** A one-line text: runs of white space (new lines included) become one space, so no word is lost. */
export function oneLine(input: string, field: string, max: number, code: ErrorCode): string {
  const value = input.replace(/\s+/g, ' ').trim();
  if (value.length === 0) throw new DomainError(code, `The ${field} cannot be empty.`, { field });
  if (value.length > max) {
    throw new DomainError(code, `The ${field} must be at most ${max} characters (it has ${value.length}).`, { field });
  }
  return value;
}

/** A multi-line text kept as written (new lines matter in a summary); blank means "none". */
export function optionalText(input: string | null, field: string, max: number, code: ErrorCode): string | null {
  if (input === null) return null;
  const value = input.replace(/\r\n?/g, '\n').trim();
  if (value.length === 0) return null;
  if (value.length > max) {
    throw new DomainError(code, `The ${field} must be at most ${max} characters (it has ${value.length}).`, { field });
  }
  return value;
}

/** A web link: http or https only, so nothing we render can run script. */
export function optionalLink(input: string | null, field: string, code: ErrorCode): string | null {
  if (input === null || input.trim() === '') return null;
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new DomainError(code, `The ${field} must be a web address (https://…).`, { field });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new DomainError(code, `The ${field} must start with https:// or http://.`, { field });
  }
  return url.toString();
}

export const TITLE_MAX = 200;
export const LONG_TEXT_MAX = 20_000;
