import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import type { Actor } from '../../domain/user.js';
import { requireSignIn } from './auth.routes.js';
import { incidentForms } from './incident-forms.routes.js';
import { renderIncidentPage } from './incident-page.js';
import { formErrors } from './forms.js';
import { presentIncidentRow, severityItems } from './present.js';
import { timelinePages } from './timeline.routes.js';
import type { WebContext } from './web.plugin.js';

// Each filter stands alone: a bad value in one (a hand-edited URL) drops that one, not the rest.
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)));
const listQuery = z.object({
  status: z.enum(['open', 'closed', '']).optional().catch(undefined),
  severity: z.string().max(60).optional().catch(undefined),
  reportOnly: z.enum(['true', 'false', '']).optional().catch(undefined),
  q: z.string().max(200).optional().catch(undefined),
  from: isoDay.optional().catch(undefined),
  to: isoDay.optional().catch(undefined),
  cursor: z.string().regex(/^\d{1,16}$/).optional().catch(undefined),
});
const DAY_MS = 86_400_000;

const declareForm = z.object({
  kind: z.enum(['live', 'report']).optional(),
  title: z.string().default(''),
  summary: z.string().optional(),
  impact: z.string().optional(),
  severity: z.string().optional(),
  private: z.string().optional(),
  drill: z.string().optional(),
});

export const webActor = (request: FastifyRequest): Actor => ({ user: request.webUser!, source: 'web' });

export { formErrors };

/** The list, the declare form, and the incident page with its forms. */
export function incidentPages(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    app.get('/incidents', { preHandler: requireSignIn }, async (request, reply) => {
      const parsed = listQuery.safeParse(request.query);
      const q = parsed.success ? parsed.data : {};
      const filter = {
        severities: q.severity ? [q.severity] : undefined,
        reportOnly: q.reportOnly ? q.reportOnly === 'true' : undefined,
        text: q.q?.trim() || undefined,
        startedFrom: q.from ? new Date(`${q.from}T00:00:00Z`) : undefined,
        // "to" is inclusive: everything started on that day too.
        startedTo: q.to ? new Date(Date.parse(`${q.to}T00:00:00Z`) + DAY_MS) : undefined,
        // Private incidents only for their people; admins see all.
        visibleTo: ctx.viewer(request).admin ? undefined : request.webUser!.id,
      };
      // Open incidents first, all of them; then the rest, newest first, a page at a time.
      const open = q.status === 'closed' ? null : await ctx.incidents.list({ ...filter, status: 'open', limit: 200 });
      const closed =
        q.status === 'open'
          ? null
          : await ctx.incidents.list({ ...filter, status: 'closed', limit: 25, cursor: q.cursor ? Number(q.cursor) : undefined });
      const query = new URLSearchParams(Object.entries(q).filter(([k, v]) => k !== 'cursor' && v) as [string, string][]);
      return ctx.render(request, reply, 'incidents/list.njk', {
        title: 'Incidents',
        section: 'incidents',
        filters: q,
        severityItems: severityItems(ctx.severities, q.severity ?? ''),
        open: open?.items.map((i) => presentIncidentRow(i, ctx.severities, ctx.clock.now())) ?? null,
        closed: closed?.items.map((i) => presentIncidentRow(i, ctx.severities, ctx.clock.now())) ?? null,
        nextPage: closed?.nextCursor ? `/incidents?${new URLSearchParams([...query, ['cursor', String(closed.nextCursor)]])}` : null,
      });
    });

    app.get('/incidents/new', { preHandler: requireSignIn }, async (request, reply) =>
      ctx.render(request, reply, 'incidents/new.njk', {
        title: 'Declare an incident',
        section: 'declare',
        form: { kind: 'live' },
        severityItems: severityItems(ctx.severities, ''),
      }),
    );

    app.post('/incidents', { preHandler: [requireSignIn, app.csrfProtection] }, async (request, reply) => {
      const form = declareForm.parse(request.body ?? {});
      try {
        const incident = await ctx.incidents.declare(webActor(request), {
          title: form.title,
          reportOnly: form.kind === 'report',
          summary: form.summary ?? null,
          impact: form.impact ?? null,
          severity: form.severity || null,
          private: form.private === 'yes',
          drill: form.drill === 'yes',
        });
        return reply.redirect(`/incidents/${incident.reference}`, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        reply.code(400);
        // GOV.UK: a page with errors says so first in its title, so screen reader users hear it.
        return ctx.render(request, reply, 'incidents/new.njk', {
          title: 'Error: Declare an incident',
          section: 'declare',
          form,
          errors: formErrors(error),
          severityItems: severityItems(ctx.severities, form.severity ?? ''),
        });
      }
    });

    app.get<{ Params: { reference: string } }>('/incidents/:reference', { preHandler: requireSignIn }, async (request, reply) =>
      renderIncidentPage(ctx, request, reply, request.params.reference),
    );

    await app.register(incidentForms(ctx));
    await app.register(timelinePages(ctx));
  };
}
