import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import type { UserInput } from '../../services/user-directory.js';
import { requireSignIn } from './auth.routes.js';
import { actorFor, formErrors, noErrors, readDayMonthYear, readEmail, readForm, renderNotFound, submitForm, type FormErrors } from './forms.js';
import { presentRcaPage } from './present-rca.js';
import { mentionedSlackIds } from './slack-markup.js';
import type { WebContext } from './web.plugin.js';

type Ref = { Params: { reference: string } };

const text = z.string().optional();
const version = z.string().regex(/^\d{1,9}$/).transform(Number);
const outcomeForm = z.object({ rootCause: text, contributingFactors: text, wentWell: text, wentBadly: text, version });
const statusForm = z.object({ status: z.enum(['complete', 'draft']), version });
// Every form is read as a map of single values first (what was typed, to show again), then checked
// inside the change, so a crafted post gets the page back with a message, never a 500.
// The session form names each attendee's box after them (`attendee-<id>`), so it stays a map of single values.
const sessionForm = z.record(z.string(), z.string());

/** What a refused form brings back to the RCA page: the errors, what was typed, and the status (400 or 409). */
export interface RcaPageState {
  readonly errors?: FormErrors;
  readonly forms?: Record<string, Record<string, unknown>>;
  readonly status?: number;
}

/** Turns ISO `yyyy-mm-dd` from a Date made by readDayMonthYear. */
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** Reads a GOV.UK date input (`<prefix>-day`, `-month`, `-year`) as an ISO calendar day, or '' when blank. */
export function readDay(form: Record<string, string | undefined>, prefix: string, label: string): string {
  const day = readDayMonthYear({ day: form[`${prefix}-day`], month: form[`${prefix}-month`], year: form[`${prefix}-year`] }, prefix, label);
  return day ? isoDay(day) : '';
}

/** The RCA page with its forms; an unknown incident is the 404 page (a private one too, by the site's hook). */
export async function renderRcaPage(ctx: WebContext, request: FastifyRequest, reply: FastifyReply, reference: string, state: RcaPageState = {}) {
  let report;
  try {
    report = await ctx.rca.report(reference);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'incident.not_found') return renderNotFound(ctx, request, reply, `There is no incident ${reference}.`);
    throw error;
  }
  const i = report.incident;
  const mentioned = [i.summary ?? '', i.impact ?? '', ...report.timeline.map((e) => e.text)].flatMap(mentionedSlackIds);
  const names = await ctx.users.namesBySlackId(mentioned);
  const errors = state.errors ?? noErrors;
  const title = `Root cause analysis: ${i.reference}`;
  if (state.status) reply.code(state.status);
  const page = presentRcaPage(report, ctx.severities, ctx.clock.now(), names);
  const rca = report.rca;
  const [year, month, day] = rca?.heldOn?.split('-') ?? [];
  return ctx.render(request, reply, 'rca/show.njk', {
    title: errors.summary.length ? `Error: ${title}` : title,
    section: 'incidents',
    ...page,
    errors,
    // A stale form: what was typed stays in the form, and the saved version is shown beside it.
    conflict: state.status === 409,
    forms: {
      session: { 'heldOn-day': day ?? '', 'heldOn-month': month ?? '', 'heldOn-year': year ?? '' },
      outcome: {
        rootCause: rca?.rootCause ?? '',
        contributingFactors: rca?.contributingFactors ?? '',
        wentWell: rca?.wentWell ?? '',
        wentBadly: rca?.wentBadly ?? '',
      },
      ...state.forms,
    },
    formKey: randomUUID(),
  });
}

/** Runs a change and answers with a 303 to `done`; a refusal re-renders the RCA page (409 for a conflict). */
export async function submitRcaForm(
  ctx: WebContext,
  request: FastifyRequest,
  reply: FastifyReply,
  work: () => Promise<unknown>,
  done: string,
  refused: (error: DomainError, status: number) => Promise<FastifyReply>,
): Promise<FastifyReply> {
  return submitForm(ctx, request, reply, work, done, (error) => {
    const status = error.category === 'conflict' ? 409 : 400;
    reply.code(status);
    return refused(error, status);
  });
}

/**
 * The RCA page, /incidents/{reference}/rca: pre-filled from the incident, then the session, the
 * outcome and its status. Each form is a plain POST carrying the version it was filled from; a
 * stale one comes back with a 409, what was typed kept in the form, and the saved version shown.
 */
export function rcaRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    const guarded = { preHandler: [requireSignIn, app.csrfProtection] };
    const pageOf = (reference: string, section: string) => `/incidents/${encodeURIComponent(reference)}/rca#${section}`;

    app.get<Ref>('/incidents/:reference/rca', { preHandler: requireSignIn }, async (request, reply) => renderRcaPage(ctx, request, reply, request.params.reference));

    app.post<Ref>('/incidents/:reference/rca/session', guarded, async (request, reply) => {
      const { reference } = request.params;
      const form = readForm(sessionForm, request.body);
      return submitRcaForm(
        ctx,
        request,
        reply,
        () => {
          const expectedVersion = readForm(z.object({ version }), form).version;
          const heldOn = readDay(form, 'heldOn', 'The session date');
          if (heldOn === '') throw new DomainError('rca.invalid', 'Enter the date of the RCA session', { field: 'heldOn' });
          const attendees: UserInput[] = Object.entries(form)
            .filter(([name, value]) => name.startsWith('attendee-') && value === 'yes')
            .map(([name]) => ({ id: name.slice('attendee-'.length) }));
          for (const line of (form.attendeeEmails ?? '').split(/[\s,;]+/)) {
            const email = readEmail(line, 'attendeeEmails', false);
            if (email) attendees.push({ email });
          }
          return ctx.rca.recordSession(actorFor(request), reference, { heldOn, attendees, expectedVersion });
        },
        pageOf(reference, 'session'),
        (error, status) =>
          renderRcaPage(ctx, request, reply, reference, {
            status,
            errors: formErrors(error, { fields: { heldOn: 'heldOn-day', 'session date': 'heldOn-day', attendees: 'attendees', attendeeEmails: 'attendeeEmails' }, fallback: 'session-heading' }),
            forms: { session: form },
          }),
      );
    });

    app.post<Ref>('/incidents/:reference/rca/outcome', guarded, async (request, reply) => {
      const { reference } = request.params;
      const form = readForm(sessionForm, request.body);
      return submitRcaForm(
        ctx,
        request,
        reply,
        () =>
          ctx.rca.recordOutcome(
            actorFor(request),
            reference,
            { rootCause: form.rootCause ?? null, contributingFactors: form.contributingFactors ?? null, wentWell: form.wentWell ?? null, wentBadly: form.wentBadly ?? null },
            readForm(outcomeForm, form).version,
          ),
        pageOf(reference, 'outcome'),
        (error, status) =>
          renderRcaPage(ctx, request, reply, reference, {
            status,
            errors: formErrors(error, { fields: { rootCause: 'rootCause', contributingFactors: 'contributingFactors', wentWell: 'wentWell', wentBadly: 'wentBadly' }, fallback: 'outcome-heading' }),
            forms: { outcome: form },
          }),
      );
    });

    app.post<Ref>('/incidents/:reference/rca/status', guarded, async (request, reply) => {
      const { reference } = request.params;
      return submitRcaForm(
        ctx,
        request,
        reply,
        () => {
          const form = readForm(statusForm, request.body);
          return ctx.rca.setStatus(actorFor(request), reference, form.status, form.version);
        },
        pageOf(reference, 'outcome'),
        (error, status) => renderRcaPage(ctx, request, reply, reference, { status, errors: formErrors(error, { fields: { rootCause: 'rootCause' }, fallback: 'outcome-heading' }) }),
      );
    });
  };
}
