import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { builtInRoles } from '../../domain/role.js';
import { requireSignIn } from './auth.routes.js';
import { actorFor, formErrors, readDayMonthYear, readEmail, readForm, refuse, renderNotFound, submitForm, type FormErrors } from './forms.js';
import { renderIncidentPage } from './incident-page.js';
import { severityItems } from './present.js';
import type { WebContext } from './web.plugin.js';

type Ref = { Params: { reference: string } };
type ActionRef = { Params: { reference: string; actionId: string } };

const text = z.string().optional();

const detailsForm = z.object({ title: z.string().default(''), summary: text, impact: text, severity: text, private: text });
const roleForm = z.object({ role: text, customRole: text, email: text, name: text });
const roleButton = z.object({ role: z.string().default('') });
const personForm = z.object({ email: text, name: text });
const personButton = z.object({ userId: z.string().default('') });
const actionForm = z.object({ text: z.string().default(''), owner: text, formKey: text });
const doneForm = z.object({ done: text });
const closeForm = z.object({
  reason: text,
  'blockedUntil-day': text,
  'blockedUntil-month': text,
  'blockedUntil-year': text,
  note: text,
});

/** Where each form's refusals are shown: the domain's field names to the ids on the page. */
const fieldIds = {
  role: { roleSelect: 'role-role', role: 'role-custom', roles: 'role-email', email: 'role-email', name: 'role-name' },
  person: { email: 'person-email', person: 'person-email', name: 'person-name' },
  action: { text: 'action-text', owner: 'action-owner' },
  close: { closeReason: 'close-reason', blockedUntil: 'blockedUntil-day', note: 'close-note' },
};

const pageOf = (reference: string, section: string) => `/incidents/${encodeURIComponent(reference)}#${section}`;

/**
 * The incident page's forms, each a plain POST answered with a 303 back to its section: details,
 * promotion, roles, people, actions, close and reopen. Refusals come back as the page with a 400.
 */
export function incidentForms(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    const guarded = { preHandler: [requireSignIn, app.csrfProtection] };

    /** Re-renders the incident page after a refused form, with `form` as it was typed. */
    const again = (request: FastifyRequest, reply: FastifyReply, errors: FormErrors, forms: Record<string, Record<string, unknown>> = {}) =>
      renderIncidentPage(ctx, request, reply, (request.params as { reference: string }).reference, { errors, forms });

    // --- details: a page of its own, reached by the summary list's change links ---

    const renderDetails = (request: FastifyRequest, reply: FastifyReply, reference: string, form: z.infer<typeof detailsForm>, errors?: FormErrors) =>
      ctx.render(request, reply, 'incidents/edit.njk', {
        title: `${errors ? 'Error: ' : ''}Change the details of ${reference}`,
        section: 'incidents',
        reference,
        form,
        errors,
        severityItems: severityItems(ctx.severities, form.severity ?? ''),
      });

    app.get<Ref>('/incidents/:reference/edit', { preHandler: requireSignIn }, async (request, reply) => {
      const incident = await ctx.incidents.get(request.params.reference).catch((error: unknown) => {
        if (error instanceof DomainError && error.code === 'incident.not_found') return null;
        throw error;
      });
      if (!incident) return renderNotFound(ctx, request, reply, `There is no incident ${request.params.reference}.`);
      return renderDetails(request, reply, incident.reference, {
        title: incident.title,
        summary: incident.summary ?? '',
        impact: incident.impact ?? '',
        severity: incident.severity ?? '',
        private: incident.private ? 'yes' : undefined,
      });
    });

    app.post<Ref>('/incidents/:reference/edit', guarded, async (request, reply) => {
      const { reference } = request.params;
      const form = readForm(detailsForm, request.body);
      return submitForm(
        ctx,
        request,
        reply,
        () =>
          ctx.incidents.update(actorFor(request), reference, {
            title: form.title,
            summary: form.summary ?? null,
            impact: form.impact ?? null,
            // A crafted post without the field changes nothing; "Not set" ('') clears it.
            severity: form.severity,
            // An unticked box is not posted at all: absent means "not private".
            private: form.private === 'yes',
          }),
        pageOf(reference, 'details'),
        (error) => renderDetails(request, reply, reference.toUpperCase(), form, formErrors(error, { fields: { title: 'title', summary: 'summary', impact: 'impact', severity: 'severity', private: 'private' } })),
      );
    });

    app.post<Ref>('/incidents/:reference/promote', guarded, async (request, reply) =>
      submitForm(
        ctx,
        request,
        reply,
        () => ctx.incidents.update(actorFor(request), request.params.reference, { reportOnly: false }),
        pageOf(request.params.reference, 'details'),
        (error) => again(request, reply, formErrors(error, { fields: {}, fallback: 'details' })),
      ),
    );

    // --- roles ---

    app.post<Ref>('/incidents/:reference/roles', guarded, async (request, reply) => {
      const { reference } = request.params;
      const form = readForm(roleForm, request.body);
      return submitForm(
        ctx,
        request,
        reply,
        () => {
          const role = form.role === 'other' ? (form.customRole ?? '') : (form.role ?? '');
          if (form.role !== 'other' && !(builtInRoles as readonly string[]).includes(role)) refuse('roleSelect', 'Select the role to assign');
          const email = readEmail(form.email, 'email', true)!;
          return ctx.incidents.update(actorFor(request), reference, { roles: { [role]: { email, name: form.name } } });
        },
        pageOf(reference, 'roles'),
        (error) => again(request, reply, formErrors(error, { fields: fieldIds.role, fallback: 'role-role' }), { role: form }),
      );
    });

    const roleButtonRoute = (path: string, holder: (request: FastifyRequest) => { id: string } | null) =>
      app.post<Ref>(path, guarded, async (request, reply) => {
        const { role } = readForm(roleButton, request.body);
        return submitForm(
          ctx,
          request,
          reply,
          () => ctx.incidents.update(actorFor(request), request.params.reference, { roles: { [role]: holder(request) } }),
          pageOf(request.params.reference, 'roles'),
          (error) => again(request, reply, formErrors(error, { fields: {}, fallback: 'roles' })),
        );
      });
    roleButtonRoute('/incidents/:reference/roles/mine', (request) => ({ id: request.webUser!.id }));
    roleButtonRoute('/incidents/:reference/roles/unassign', () => null);

    // --- people: who may see a private incident ---

    app.post<Ref>('/incidents/:reference/people', guarded, async (request, reply) => {
      const { reference } = request.params;
      const form = readForm(personForm, request.body);
      return submitForm(
        ctx,
        request,
        reply,
        () => {
          const email = readEmail(form.email, 'email', true)!;
          return ctx.incidents.addPerson(actorFor(request), reference, { email, name: form.name });
        },
        pageOf(reference, 'people'),
        (error) => again(request, reply, formErrors(error, { fields: fieldIds.person, fallback: 'person-email' }), { person: form }),
      );
    });

    app.post<Ref>('/incidents/:reference/people/remove', guarded, async (request, reply) => {
      const { reference } = request.params;
      const { userId } = readForm(personButton, request.body);
      // Someone removing themselves from a private incident may no longer see its page.
      const done = userId === request.webUser!.id ? '/incidents' : pageOf(reference, 'people');
      return submitForm(
        ctx,
        request,
        reply,
        () => ctx.incidents.removePerson(actorFor(request), reference, { id: userId }),
        done,
        (error) => again(request, reply, formErrors(error, { fields: {}, fallback: 'people' })),
      );
    });

    // --- actions ---

    app.post<Ref>('/incidents/:reference/actions', guarded, async (request, reply) => {
      const { reference } = request.params;
      const form = readForm(actionForm, request.body);
      return submitForm(
        ctx,
        request,
        reply,
        () => {
          const email = readEmail(form.owner, 'owner', false);
          return ctx.actions.add(actorFor(request, form.formKey), reference, { text: form.text, owner: email ? { email } : null });
        },
        pageOf(reference, 'actions'),
        (error) => again(request, reply, formErrors(error, { fields: fieldIds.action, fallback: 'action-text' }), { action: form }),
      );
    });

    app.post<ActionRef>('/incidents/:reference/actions/:actionId/done', guarded, async (request, reply) => {
      const { reference, actionId } = request.params;
      const form = readForm(doneForm, request.body);
      return submitForm(
        ctx,
        request,
        reply,
        () => ctx.actions.update(actorFor(request), reference, actionId, { done: form.done === 'yes' }),
        pageOf(reference, 'actions'),
        (error) => again(request, reply, formErrors(error, { fields: {}, fallback: 'actions' })),
      );
    });

    // --- close and reopen ---

    app.post<Ref>('/incidents/:reference/close', guarded, async (request, reply) => {
      const { reference } = request.params;
      const form = readForm(closeForm, request.body);
      return submitForm(
        ctx,
        request,
        reply,
        () => {
          if (form.reason !== 'resolved' && form.reason !== 'blocked') refuse('closeReason', 'Select why the incident is closing');
          const blockedUntil = readDayMonthYear(
            { day: form['blockedUntil-day'], month: form['blockedUntil-month'], year: form['blockedUntil-year'] },
            'blockedUntil',
            'The “blocked until” date',
          );
          return ctx.incidents.update(actorFor(request), reference, {
            status: 'closed',
            closeReason: form.reason,
            ...(blockedUntil ? { blockedUntil } : {}),
            closeNote: form.note ?? null,
          });
        },
        pageOf(reference, 'status'),
        (error) => again(request, reply, formErrors(error, { fields: fieldIds.close, fallback: 'close-reason' }), { close: form }),
      );
    });

    app.post<Ref>('/incidents/:reference/reopen', guarded, async (request, reply) =>
      submitForm(
        ctx,
        request,
        reply,
        () => ctx.incidents.update(actorFor(request), request.params.reference, { status: 'open' }),
        pageOf(request.params.reference, 'status'),
        (error) => again(request, reply, formErrors(error, { fields: {}, fallback: 'status' })),
      ),
    );
  };
}
