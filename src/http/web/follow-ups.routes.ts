import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import type { UserInput } from '../../services/user-directory.js';
import { requireSignIn } from './auth.routes.js';
import { actorFor, formErrors, readEmail, readForm, renderNotFound, type FormErrors } from './forms.js';
import { presentFollowUp, rcaCandidates, todayOf } from './present-rca.js';
import { readDay, renderRcaPage, submitRcaForm } from './rca.routes.js';
import type { WebContext } from './web.plugin.js';

type Ref = { Params: { reference: string } };
type FollowUpRef = { Params: { reference: string; actionId: string } };

const values = z.record(z.string(), z.string());
const doneForm = z.object({ done: z.enum(['yes', 'no']) });

const fieldIds = { 'followUp-dueOn': 'followUp-dueOn-day', text: 'followUp-text', owner: 'followUp-owner', dueOn: 'followUp-dueOn-day', 'due date': 'followUp-dueOn-day', ownerEmail: 'followUp-ownerEmail' };

/** The owner a follow-up form names: one of the people offered, or someone else by email. */
function readOwner(form: Record<string, string | undefined>): UserInput | null {
  const email = readEmail(form.ownerEmail, 'ownerEmail', false);
  if (email) return { email };
  const id = form.owner?.trim();
  return id ? { id } : null;
}

/**
 * Follow-ups on the RCA page (add, change, done and reopened) and /follow-ups, every open one the
 * viewer may see across incidents, soonest due first, until done.
 */
export function followUpRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    const guarded = { preHandler: [requireSignIn, app.csrfProtection] };
    const rcaPage = (reference: string) => `/incidents/${encodeURIComponent(reference)}/rca#follow-ups`;

    app.get('/follow-ups', { preHandler: requireSignIn }, async (request, reply) => {
      const today = todayOf(ctx.clock.now());
      const rows = await ctx.followUps.openFor(ctx.viewer(request));
      return ctx.render(request, reply, 'follow-ups/list.njk', {
        title: 'Open follow-ups',
        section: 'follow-ups',
        rows: rows.map(({ incident, followUp }) => ({
          ...presentFollowUp(incident.reference, followUp, today),
          reference: incident.reference,
          incidentTitle: incident.title,
          rcaHref: `/incidents/${incident.reference}/rca#follow-ups`,
        })),
      });
    });

    app.post<Ref>('/incidents/:reference/rca/follow-ups', guarded, async (request, reply) => {
      const { reference } = request.params;
      const form = readForm(values, request.body);
      return submitRcaForm(
        ctx,
        request,
        reply,
        () => {
          const dueOn = readDay(form, 'followUp-dueOn', 'The due date');
          if (dueOn === '') throw new DomainError('rca.invalid', 'Enter the date the follow-up is due', { field: 'dueOn' });
          return ctx.followUps.add(actorFor(request, form.formKey), reference, { text: form.text ?? '', owner: readOwner(form), dueOn });
        },
        rcaPage(reference),
        (error, status) =>
          renderRcaPage(ctx, request, reply, reference, { status, errors: formErrors(error, { fields: fieldIds, fallback: 'followUp-text' }), forms: { followUp: form } }),
      );
    });

    const renderEdit = async (request: FastifyRequest, reply: FastifyReply, reference: string, actionId: string, form?: Record<string, string>, errors?: FormErrors) => {
      let report;
      let followUp;
      try {
        report = await ctx.rca.report(reference);
        followUp = await ctx.followUps.find(reference, actionId);
      } catch (error) {
        if (error instanceof DomainError && error.category === 'not_found') return renderNotFound(ctx, request, reply, error.message);
        throw error;
      }
      const [year, month, day] = followUp.dueOn?.split('-') ?? [];
      const typed = form ?? {
        text: followUp.text,
        owner: followUp.owner?.id ?? '',
        'followUp-dueOn-day': day ?? '',
        'followUp-dueOn-month': month ?? '',
        'followUp-dueOn-year': year ?? '',
      };
      const people = rcaCandidates(report);
      if (followUp.owner && !people.some((p) => p.id === followUp.owner?.id)) people.push(followUp.owner);
      const title = `Change a follow-up of ${report.incident.reference}`;
      return ctx.render(request, reply, 'follow-ups/edit.njk', {
        title: errors ? `Error: ${title}` : title,
        section: 'incidents',
        reference: report.incident.reference,
        action: `/incidents/${report.incident.reference}/rca/follow-ups/${followUp.id}/edit`,
        form: typed,
        ownerItems: [{ value: '', text: 'Choose a person' }, ...people.map((p) => ({ value: p.id, text: p.name, selected: p.id === typed.owner }))],
        errors,
      });
    };

    app.get<FollowUpRef>('/incidents/:reference/rca/follow-ups/:actionId/edit', { preHandler: requireSignIn }, async (request, reply) =>
      renderEdit(request, reply, request.params.reference, request.params.actionId),
    );

    app.post<FollowUpRef>('/incidents/:reference/rca/follow-ups/:actionId/edit', guarded, async (request, reply) => {
      const { reference, actionId } = request.params;
      const form = readForm(values, request.body);
      return submitRcaForm(
        ctx,
        request,
        reply,
        () => {
          const owner = readOwner(form);
          const dueOn = readDay(form, 'followUp-dueOn', 'The due date');
          if (dueOn === '') throw new DomainError('rca.invalid', 'Enter the date the follow-up is due', { field: 'dueOn' });
          if (!owner) throw new DomainError('rca.invalid', 'Choose who owns the follow-up, or enter their email', { field: 'owner' });
          return ctx.followUps.update(actorFor(request), reference, actionId, { text: form.text ?? '', owner, dueOn });
        },
        rcaPage(reference),
        async (error, status) => {
          reply.code(status);
          return renderEdit(request, reply, reference, actionId, form, formErrors(error, { fields: fieldIds, fallback: 'followUp-text' }));
        },
      );
    });

    app.post<FollowUpRef>('/incidents/:reference/rca/follow-ups/:actionId/done', guarded, async (request, reply) => {
      const { reference, actionId } = request.params;
      return submitRcaForm(
        ctx,
        request,
        reply,
        () => ctx.followUps.update(actorFor(request), reference, actionId, { done: readForm(doneForm, request.body).done === 'yes' }),
        rcaPage(reference),
        (error, status) => renderRcaPage(ctx, request, reply, reference, { status, errors: formErrors(error, { fields: {}, fallback: 'follow-ups' }) }),
      );
    });
  };
}
