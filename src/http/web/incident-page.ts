import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { noErrors, renderNotFound, type FormErrors } from './forms.js';
import { presentIncidentPage } from './present.js';
import { mentionedSlackIds } from './slack-markup.js';
import type { WebContext } from './web.plugin.js';

/** What a refused form on the incident page brings back: the errors and what was typed, by form. */
export interface IncidentPageState {
  readonly errors?: FormErrors;
  readonly forms?: Record<string, Record<string, unknown>>;
}

/** How many of the latest timeline entries the incident page shows, and adds per "show earlier". */
export const TIMELINE_PAGE = 100;

/**
 * `?entries=` on the incident page: a count (rounded up to whole pages, so links stay few and
 * cacheable) or `all`; anything else is the first page, never an error (it only shapes a view).
 */
export function timelineShown(query: unknown): number | 'all' {
  const raw = typeof query === 'object' && query !== null ? (query as Record<string, unknown>).entries : undefined;
  if (raw === 'all') return 'all';
  const n = typeof raw === 'string' && /^\d{1,7}$/.test(raw) ? Number(raw) : TIMELINE_PAGE;
  return Math.max(1, Math.ceil(n / TIMELINE_PAGE)) * TIMELINE_PAGE;
}

/**
 * A link to one entry on the incident page that shows it: the latest page when the entry is among
 * the latest entries, else enough pages to reach it. `timeline` is the whole timeline in page
 * order (removed entries included, as the page lists them); `moved`: its time is being changed, so
 * its place is unknown until saved and the whole timeline is shown.
 */
export function entryHref(reference: string, timeline: readonly { readonly id: string }[], entryId: string, moved = false): string {
  const fromEnd = timeline.length - timeline.findIndex((e) => e.id === entryId);
  const query = moved ? '?entries=all' : fromEnd > TIMELINE_PAGE && fromEnd <= timeline.length ? `?entries=${fromEnd}` : '';
  return `/incidents/${encodeURIComponent(reference)}${query}#entry-${entryId}`;
}

/**
 * The incident page with every form on it; after a refused form, with the error summary at the
 * top and that form as it was typed. An unknown incident is the 404 page.
 */
export async function renderIncidentPage(
  ctx: WebContext,
  request: FastifyRequest,
  reply: FastifyReply,
  reference: string,
  state: IncidentPageState = {},
): Promise<FastifyReply> {
  let incident;
  try {
    incident = await ctx.incidents.get(reference);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'incident.not_found') return renderNotFound(ctx, request, reply, `There is no incident ${reference}.`);
    throw error;
  }
  // A long timeline (thousands of entries) made the page megabytes of HTML and half a second of
  // rendering: the page shows the latest entries, with a plain link (no script) to earlier ones.
  const shown = timelineShown(request.query);
  const [listed, actions] = await Promise.all([
    ctx.timeline.list(incident.id, { includeRemoved: true, ...(shown === 'all' ? {} : { latest: shown + 1 }) }),
    ctx.actions.list(incident.id),
  ]);
  // One more than shown was read: its presence says there are earlier entries.
  const earlier = shown !== 'all' && listed.length > shown;
  const timeline = earlier ? listed.slice(1) : listed;
  // People mentioned in text typed in Slack are shown by name.
  const mentioned = [incident.summary ?? '', incident.impact ?? '', ...timeline.map((e) => e.text)].flatMap(mentionedSlackIds);
  const names = await ctx.users.namesBySlackId(mentioned);
  const errors = state.errors ?? noErrors;
  const title = `${incident.reference}: ${incident.title}`;
  return ctx.render(request, reply, 'incidents/show.njk', {
    // GOV.UK: a page with errors says so first in its title, so screen reader users hear it.
    title: errors.summary.length ? `Error: ${title}` : title,
    section: 'incidents',
    ...presentIncidentPage(incident, timeline, actions, ctx.severities, ctx.clock.now(), request.webUser, names),
    timelinePaging: earlier
      ? {
          earlierHref: `?${new URLSearchParams({ entries: String((shown as number) + TIMELINE_PAGE) })}#timeline`,
          allHref: `?${new URLSearchParams({ entries: 'all' })}#timeline`,
          shown: timeline.length,
        }
      : null,
    errors,
    forms: state.forms ?? {},
    // One per page view: a form submitted twice (a double click) is applied once.
    formKey: randomUUID(),
  });
}
