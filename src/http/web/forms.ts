import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import type { Actor } from '../../domain/user.js';
import type { WebContext } from './web.plugin.js';

export interface FormErrors {
  readonly summary: { text: string; href: string }[];
  /** Messages by element id, shown next to that field. */
  readonly byField: Record<string, string>;
}

export const noErrors: FormErrors = Object.freeze({ summary: [], byField: {} });

/**
 * A form refused by the domain: one message in the error summary, linking to the field it is
 * about. `fields` maps the domain's field names (`text`, `roles.lead` by its first segment) to
 * the ids on the page; a field it does not name, or none, goes to `fallback`.
 */
export function formErrors(error: DomainError, options: { fields?: Record<string, string>; fallback?: string } = {}): FormErrors {
  const field = error.details.field;
  const fallback = options.fallback ?? 'title';
  let id: string;
  if (!options.fields) id = field ?? fallback;
  else {
    const key = field?.split('.')[0];
    id = key !== undefined && Object.hasOwn(options.fields, key) ? options.fields[key]! : fallback;
  }
  return { summary: [{ text: error.message, href: `#${id}` }], byField: { [id]: error.message } };
}

/**
 * Reads a posted form. Only single text values count: a field posted twice or not at all is
 * absent, so a crafted post meets the same checks (and messages) as a typed one.
 */
export function readForm<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const fields = typeof body === 'object' && body !== null ? Object.entries(body).filter(([, v]) => typeof v === 'string') : [];
  const parsed = schema.safeParse(Object.fromEntries(fields));
  if (!parsed.success) throw new DomainError('request.invalid', 'The form could not be read. Reload the page and try again.');
  return parsed.data;
}

/** Refuses a form field at the edge, in the shape the domain uses, so one path shows every error. */
export function refuse(field: string, message: string): never {
  throw new DomainError('request.invalid', message, { field });
}

// Deliberately loose: one @, something either side, no spaces. The directory keys people by it.
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A trimmed email address, or a refusal naming `field`; blank is null unless `required`. */
export function readEmail(input: string | undefined, field: string, required: boolean): string | null {
  const email = input?.trim() ?? '';
  if (email === '') {
    if (required) refuse(field, 'Enter the person’s email address');
    return null;
  }
  if (!emailPattern.test(email) || email.length > 254) refuse(field, 'Enter an email address in the correct format, like name@example.com');
  return email;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A moment as the date and time fields show it, in UTC: `2026-11-27` and `13:05`. */
export function utcFields(at: Date): { date: string; time: string } {
  return {
    date: `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}`,
    time: `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}`,
  };
}

function realDate(year: number, month: number, day: number, hours = 0, minutes = 0): Date | null {
  const at = new Date(Date.UTC(year, month - 1, day, hours, minutes));
  const same = at.getUTCFullYear() === year && at.getUTCMonth() === month - 1 && at.getUTCDate() === day;
  return same && year >= 1000 ? at : null;
}

/**
 * A date field (`2026-11-27` from a date picker, or `27/11/2026` typed where there is none) and a
 * time field (`13:05`), both UTC. Both blank: undefined. A time alone is today's.
 */
export function readUtcDateTime(
  dateInput: string | undefined,
  timeInput: string | undefined,
  now: Date,
  fields: { date: string; time: string },
): Date | undefined {
  const date = dateInput?.trim() ?? '';
  const time = timeInput?.trim() ?? '';
  if (date === '' && time === '') return undefined;
  if (time === '') refuse(fields.time, 'Enter the time as well, like 13:05 (UTC)');
  const t = /^(\d{1,2})[:.](\d{2})(?::\d{2})?$/.exec(time);
  const hours = Number(t?.[1]);
  const minutes = Number(t?.[2]);
  if (!t || hours > 23 || minutes > 59) refuse(fields.time, 'Enter a real time in 24-hour UTC, like 13:05');
  let parts: [number, number, number];
  if (date === '') parts = [now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate()];
  else {
    const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(date);
    const british = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(date);
    if (iso) parts = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    else if (british) parts = [Number(british[3]), Number(british[2]), Number(british[1])];
    else refuse(fields.date, 'Enter a real date, like 27/11/2026');
  }
  const at = realDate(parts[0], parts[1], parts[2], hours, minutes);
  if (!at) refuse(fields.date, 'Enter a real date, like 27/11/2026');
  return at;
}

/** A GOV.UK date input (day, month, year) as midnight UTC; all blank: null. */
export function readDayMonthYear(
  input: { day?: string; month?: string; year?: string },
  field: string,
  label: string,
): Date | null {
  const values = [input.day, input.month, input.year].map((v) => v?.trim() ?? '');
  if (values.every((v) => v === '')) return null;
  const names = ['a day', 'a month', 'a year'];
  const missing = names.filter((_, i) => values[i] === '');
  if (missing.length) refuse(field, `${label} must include ${missing.join(' and ')}`);
  if (!values.every((v) => /^\d{1,4}$/.test(v)) || values[2]!.length !== 4) refuse(field, `${label} must be a real date`);
  const at = realDate(Number(values[2]), Number(values[1]), Number(values[0]));
  if (!at) refuse(field, `${label} must be a real date`);
  return at;
}

/** The key a form carries so a double submit is applied once (the service refuses the repeat). */
export function actorFor(request: FastifyRequest, formKey?: string): Actor {
  const actor: Actor = { user: request.webUser!, source: 'web' };
  return formKey && /^[\w-]{16,64}$/.test(formKey) ? { ...actor, requestKey: `web:${formKey}` } : actor;
}

/** The site's "not found" page. */
export function renderNotFound(ctx: WebContext, request: FastifyRequest, reply: FastifyReply, message: string): Promise<FastifyReply> {
  reply.code(404);
  return ctx.render(request, reply, 'error.njk', { title: 'Page not found', message });
}

/**
 * Runs a form's change and answers the no-JavaScript way: 303 to `done` (the page and section
 * to land on), or, when the domain refuses, `refused` re-renders the form with a 400. A repeat of
 * a form already applied (double submit) lands on `done` too.
 */
export async function submitForm(
  ctx: WebContext,
  request: FastifyRequest,
  reply: FastifyReply,
  work: () => Promise<unknown>,
  done: string,
  refused: (error: DomainError) => Promise<FastifyReply>,
): Promise<FastifyReply> {
  try {
    await work();
    return reply.redirect(done, 303);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.code === 'request.duplicate') return reply.redirect(done, 303);
    if (error.category === 'not_found') return renderNotFound(ctx, request, reply, error.message);
    reply.code(400);
    return refused(error);
  }
}
