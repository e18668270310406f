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
  const [timeline, actions] = await Promise.all([ctx.timeline.list(incident.id, { includeRemoved: true }), ctx.actions.list(incident.id)]);
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
    errors,
    forms: state.forms ?? {},
    // One per page view: a form submitted twice (a double click) is applied once.
    formKey: randomUUID(),
  });
}
