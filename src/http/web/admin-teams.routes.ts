import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { TEAM_DESCRIPTION_MAX, TEAM_NAME_MAX } from '../../domain/paging-team.js';
import type { TeamInput, TeamListing } from '../../services/paging-team.service.js';
import { requireSignIn } from './auth.routes.js';
import { actorFor, formErrors, readForm, renderNotFound, submitForm, type FormErrors } from './forms.js';
import type { WebContext } from './web.plugin.js';

type TeamRef = { Params: { id: string } };

const text = z.string().optional();
const teamForm = z.object({ name: text, description: text, routingKey: text, active: text, formKey: text });
const removeForm = z.object({ formKey: text });
const doneQuery = z.object({ added: text, changed: text, removed: text }).catch({});

/** The domain's field names to the ids on the page, per form. */
const fieldIds = (prefix: string) => ({ name: `${prefix}-name`, description: `${prefix}-description`, routingKey: `${prefix}-routing-key` });

/** What a team form shows back: everything typed except the routing key, a secret never echoed. */
function formValues(form: z.infer<typeof teamForm>) {
  return { name: form.name ?? '', description: form.description ?? '', active: form.active === 'yes' };
}

const inputOf = (form: z.infer<typeof teamForm>): TeamInput => ({
  name: form.name ?? '',
  description: form.description ?? '',
  routingKey: form.routingKey ?? '',
  active: form.active === 'yes',
});

function presentTeam(team: TeamListing) {
  return {
    ...team,
    editHref: team.id ? `/admin/teams/${encodeURIComponent(team.id)}/edit` : null,
    removeHref: team.id ? `/admin/teams/${encodeURIComponent(team.id)}/remove` : null,
  };
}

/** The banner after a change, only when the list agrees (a hand-made URL announces nothing false). */
function doneBanner(query: z.infer<typeof doneQuery>, teams: readonly TeamListing[]): string | null {
  const has = (name: string | undefined) => name !== undefined && teams.some((t) => t.name === name);
  if (has(query.added)) return `Team ${query.added} added`;
  if (has(query.changed)) return `Team ${query.changed} changed`;
  if (query.removed && !has(query.removed)) return `Team ${query.removed} removed`;
  return null;
}

/**
 * `/admin/teams`: the specialist teams `escalate` offers. Those from PAGERDUTY_TEAMS are listed
 * read-only; the site's are added, changed and removed here. Only ADMIN_EMAILS see it: for anyone
 * else it does not exist (404). Routing keys are write-only: shown by their last 4 characters.
 */
export function adminTeamRoutes(ctx: WebContext) {
  const base = '/admin/teams';

  async function requireAdmin(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    if (ctx.isAdmin(request)) return undefined;
    return renderNotFound(ctx, request, reply, 'If you typed the web address, check it is correct.');
  }

  async function renderList(request: FastifyRequest, reply: FastifyReply, add: { form?: z.infer<typeof teamForm>; errors?: FormErrors } = {}) {
    const teams = await ctx.pagingTeams.list();
    const query = doneQuery.parse(request.query ?? {});
    return ctx.render(request, reply, 'admin/teams.njk', {
      title: `${add.errors ? 'Error: ' : ''}Teams that can be paged`,
      section: 'teams',
      teams: teams.map(presentTeam),
      banner: add.errors ? null : doneBanner(query, teams),
      pagerConfigured: ctx.pagerConfigured,
      form: add.form ? formValues(add.form) : { name: '', description: '', active: true },
      formKey: randomUUID(),
      errors: add.errors,
      limits: { name: TEAM_NAME_MAX, description: TEAM_DESCRIPTION_MAX },
    });
  }

  async function renderEdit(request: FastifyRequest, reply: FastifyReply, team: TeamListing, edit: { form?: z.infer<typeof teamForm>; errors?: FormErrors } = {}) {
    return ctx.render(request, reply, 'admin/team-edit.njk', {
      title: `${edit.errors ? 'Error: ' : ''}Change team ${team.name}`,
      section: 'teams',
      team: presentTeam(team),
      form: edit.form ? formValues(edit.form) : { name: team.name, description: team.description, active: team.active },
      formKey: randomUUID(),
      errors: edit.errors,
      limits: { name: TEAM_NAME_MAX, description: TEAM_DESCRIPTION_MAX },
    });
  }

  /** The team, or the not-found page (removed meanwhile, or a made-up id). */
  async function teamOr404(request: FastifyRequest<TeamRef>, reply: FastifyReply): Promise<TeamListing | null> {
    try {
      return await ctx.pagingTeams.get(request.params.id);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'team.not_found') {
        await renderNotFound(ctx, request, reply, error.message);
        return null;
      }
      throw error;
    }
  }

  return async (app: FastifyInstance) => {
    const shown = { preHandler: [requireSignIn, requireAdmin] };
    // The admin check first: for others a post finds nothing, as a page does (404, not 403).
    const guarded = { preHandler: [requireSignIn, requireAdmin, app.csrfProtection] };

    app.get(base, shown, (request, reply) => renderList(request, reply));

    app.post(base, guarded, async (request, reply) => {
      const form = readForm(teamForm, request.body);
      return submitForm(
        ctx,
        request,
        reply,
        () => ctx.pagingTeams.add(actorFor(request, form.formKey), inputOf(form)),
        // A repeated submit (double click) lands here too, as the first did.
        `${base}?${new URLSearchParams({ added: (form.name ?? '').trim() }).toString()}`,
        (error) => renderList(request, reply, { form, errors: formErrors(error, { fields: fieldIds('add'), fallback: 'add-name' }) }),
      );
    });

    app.get<TeamRef>(`${base}/:id/edit`, shown, async (request, reply) => {
      const team = await teamOr404(request, reply);
      return team ? renderEdit(request, reply, team) : reply;
    });

    app.post<TeamRef>(`${base}/:id/edit`, guarded, async (request, reply) => {
      const team = await teamOr404(request, reply);
      if (!team) return reply;
      const form = readForm(teamForm, request.body);
      return submitForm(
        ctx,
        request,
        reply,
        () => ctx.pagingTeams.edit(actorFor(request, form.formKey), team.id!, inputOf(form)),
        `${base}?${new URLSearchParams({ changed: (form.name ?? '').trim() }).toString()}`,
        (error) => renderEdit(request, reply, team, { form, errors: formErrors(error, { fields: fieldIds('edit'), fallback: 'edit-name' }) }),
      );
    });

    app.get<TeamRef>(`${base}/:id/remove`, shown, async (request, reply) => {
      const team = await teamOr404(request, reply);
      if (!team) return reply;
      return ctx.render(request, reply, 'admin/team-remove.njk', { title: `Remove team ${team.name}`, section: 'teams', team: presentTeam(team), formKey: randomUUID() });
    });

    app.post<TeamRef>(`${base}/:id/remove`, guarded, async (request, reply) => {
      const team = await teamOr404(request, reply);
      if (!team) return reply;
      const form = readForm(removeForm, request.body);
      return submitForm(
        ctx,
        request,
        reply,
        () => ctx.pagingTeams.remove(actorFor(request, form.formKey), team.id!),
        `${base}?${new URLSearchParams({ removed: team.name }).toString()}`,
        // Nothing to refuse but a vanished team, which submitForm shows as not found.
        () => renderList(request, reply),
      );
    });
  };
}
