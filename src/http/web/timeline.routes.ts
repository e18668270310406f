import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import type { Incident } from '../../domain/incident.js';
import { addableTimelineKinds, type AddableTimelineKind, type TimelineEntry } from '../../domain/timeline.js';
import { requireSignIn } from './auth.routes.js';
import { actorFor, formErrors, readForm, readUtcDateTime, refuse, renderNotFound, submitForm, utcFields, type FormErrors } from './forms.js';
import { entryHref, renderIncidentPage } from './incident-page.js';
import { presentRevisions, presentTimelineEntry } from './present.js';
import type { WebContext } from './web.plugin.js';

type Ref = { Params: { reference: string } };
type EntryRef = { Params: { reference: string; entryId: string } };

const text = z.string().optional();
const entryForm = z.object({ text: z.string().default(''), kind: text, date: text, time: text, link: text, formKey: text });
type EntryForm = z.infer<typeof entryForm>;

const whenFields = { date: 'date', time: 'time' };
const addFieldIds = {
  text: 'timeline-text',
  kind: 'timeline-kind',
  occurredAt: 'timeline-date',
  date: 'timeline-date',
  time: 'timeline-time',
  link: 'timeline-link',
};
const editFieldIds = { text: 'text', occurredAt: 'date', date: 'date', time: 'time', link: 'link' };

const isAddable = (kind: string): kind is AddableTimelineKind => (addableTimelineKinds as readonly string[]).includes(kind);

/**
 * The timeline from the browser: add an entry, correct one (a page of its own), remove one (a
 * confirmation page, then a POST), and each entry's history, every revision with who and when.
 */
export function timelinePages(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    const guarded = { preHandler: [requireSignIn, app.csrfProtection] };

    /** The incident and one entry of it (removed ones too), or the 404 page already sent. */
    async function findEntry(
      request: FastifyRequest<EntryRef>,
      reply: FastifyReply,
    ): Promise<{ incident: Incident; entry: TimelineEntry; timeline: TimelineEntry[] } | FastifyReply> {
      const { reference, entryId } = request.params;
      try {
        const incident = await ctx.incidents.get(reference);
        const timeline = await ctx.timeline.list(incident.id, { includeRemoved: true });
        const entry = timeline.find((e) => e.id === entryId);
        if (entry) return { incident, entry, timeline };
        return await renderNotFound(ctx, request, reply, `There is no timeline entry ${entryId} on ${incident.reference}.`);
      } catch (error) {
        if (error instanceof DomainError && error.category === 'not_found') return renderNotFound(ctx, request, reply, error.message);
        throw error;
      }
    }

    const pageData = (incident: Incident, entry: TimelineEntry, timeline: TimelineEntry[], title: string) => ({
      title,
      section: 'incidents',
      incident: { reference: incident.reference, title: incident.title },
      entry: presentTimelineEntry(incident.reference, entry),
      backHref: entryHref(incident.reference, timeline, entry.id),
    });

    app.post<Ref>('/incidents/:reference/timeline', guarded, async (request, reply) => {
      const { reference } = request.params;
      const form = readForm(entryForm, request.body);
      return submitForm(
        ctx,
        request,
        reply,
        () => {
          const kind = form.kind || 'note';
          if (!isAddable(kind)) refuse('kind', 'Select what kind of entry this is');
          const occurredAt = readUtcDateTime(form.date, form.time, ctx.clock.now(), whenFields);
          return ctx.timeline.add(actorFor(request, form.formKey), reference, { kind, text: form.text, occurredAt, link: form.link || null });
        },
        `/incidents/${encodeURIComponent(reference)}#timeline`,
        (error) =>
          renderIncidentPage(ctx, request, reply, reference, {
            errors: formErrors(error, { fields: addFieldIds, fallback: 'timeline-text' }),
            forms: { timeline: form },
          }),
      );
    });

    // --- correct ---

    const renderEdit = (
      request: FastifyRequest,
      reply: FastifyReply,
      { incident, entry, timeline }: { incident: Incident; entry: TimelineEntry; timeline: TimelineEntry[] },
      form: EntryForm,
      errors?: FormErrors,
    ) =>
      ctx.render(request, reply, 'incidents/timeline-edit.njk', {
        ...pageData(incident, entry, timeline, `${errors ? 'Error: ' : ''}Correct a timeline entry – ${incident.reference}`),
        form,
        errors,
      });

    app.get<EntryRef>('/incidents/:reference/timeline/:entryId/edit', { preHandler: requireSignIn }, async (request, reply) => {
      const found = await findEntry(request, reply);
      if (!('entry' in found)) return found;
      const { entry } = found;
      if (entry.removed) {
        reply.code(409);
        return ctx.render(request, reply, 'error.njk', {
          title: 'This entry was removed',
          message: 'A removed entry cannot be corrected. Add a new entry instead; the removed one stays in its history.',
        });
      }
      return renderEdit(request, reply, found, { text: entry.text, link: entry.link ?? '', ...utcFields(entry.occurredAt) });
    });

    app.post<EntryRef>('/incidents/:reference/timeline/:entryId/edit', guarded, async (request, reply) => {
      const found = await findEntry(request, reply);
      if (!('entry' in found)) return found;
      const { incident, entry } = found;
      const form = readForm(entryForm, request.body);
      const shownMinute = Math.floor(entry.occurredAt.getTime() / 60_000) * 60_000;
      // Whether the form changes the entry's time. Unreadable fields are the change's own refusal,
      // answered by the form; here they only mean the entry stays where it is.
      const movesEntry = (): boolean => {
        try {
          const typed = readUtcDateTime(form.date, form.time, ctx.clock.now(), whenFields);
          return typed !== null && typed !== undefined && typed.getTime() !== shownMinute;
        } catch {
          return false;
        }
      };
      return submitForm(
        ctx,
        request,
        reply,
        () => {
          // The fields show minutes; the same minute posted back keeps the exact time recorded.
          const typed = readUtcDateTime(form.date, form.time, ctx.clock.now(), whenFields);
          const occurredAt = typed && typed.getTime() !== shownMinute ? typed : undefined;
          return ctx.timeline.revise(actorFor(request), incident.id, entry.id, { text: form.text, link: form.link || null, occurredAt });
        },
        // Back to the entry, on a page of the timeline that shows it (all of it when its time moves).
        entryHref(incident.reference, found.timeline, entry.id, movesEntry()),
        (error) => renderEdit(request, reply, found, form, formErrors(error, { fields: editFieldIds, fallback: 'text' })),
      );
    });

    // --- remove ---

    app.get<EntryRef>('/incidents/:reference/timeline/:entryId/remove', { preHandler: requireSignIn }, async (request, reply) => {
      const found = await findEntry(request, reply);
      if (!('entry' in found)) return found;
      return ctx.render(request, reply, 'incidents/timeline-remove.njk', pageData(found.incident, found.entry, found.timeline, `Remove a timeline entry – ${found.incident.reference}`));
    });

    app.post<EntryRef>('/incidents/:reference/timeline/:entryId/remove', guarded, async (request, reply) => {
      const found = await findEntry(request, reply);
      if (!('entry' in found)) return found;
      const { incident, entry } = found;
      return submitForm(
        ctx,
        request,
        reply,
        () => ctx.timeline.remove(actorFor(request), incident.id, entry.id),
        `/incidents/${incident.reference}#timeline`,
        (error) =>
          ctx.render(request, reply, 'incidents/timeline-remove.njk', {
            ...pageData(incident, entry, found.timeline, `Error: Remove a timeline entry – ${incident.reference}`),
            errors: formErrors(error, { fields: {}, fallback: 'remove' }),
          }),
      );
    });

    // --- history ---

    app.get<EntryRef>('/incidents/:reference/timeline/:entryId/history', { preHandler: requireSignIn }, async (request, reply) => {
      const found = await findEntry(request, reply);
      if (!('entry' in found)) return found;
      const { incident, entry } = found;
      const revisions = await ctx.timeline.history(incident.id, entry.id);
      return ctx.render(request, reply, 'incidents/timeline-history.njk', {
        ...pageData(incident, entry, found.timeline, `History of a timeline entry – ${incident.reference}`),
        revisions: presentRevisions(revisions),
      });
    });
  };
}
