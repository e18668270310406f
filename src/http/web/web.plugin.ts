import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import nunjucks from 'nunjucks';
import { isVisibleTo, type Viewer } from '../../domain/incident.js';
import type { SeverityScale } from '../../domain/severity.js';
import type { User } from '../../domain/user.js';
import type { Clock } from '../../ports/clock.port.js';
import type { IdentityProvider } from '../../ports/identity-provider.port.js';
import type { LiveUpdates } from '../../ports/live-updates.port.js';
import type { ActionService } from '../../services/action.service.js';
import type { IncidentService } from '../../services/incident.service.js';
import type { MetricsService } from '../../services/metrics.service.js';
import type { PagingTeamService } from '../../services/paging-team.service.js';
import type { RcaPublishingService } from '../../services/rca-publishing.service.js';
import type { FollowUpService } from '../../services/follow-up.service.js';
import type { RcaService } from '../../services/rca.service.js';
import type { StatusPageService } from '../../services/status-page.service.js';
import type { TimelineService } from '../../services/timeline.service.js';
import type { UserService } from '../../services/user.service.js';
import { adminTeamRoutes } from './admin-teams.routes.js';
import { followUpRoutes } from './follow-ups.routes.js';
import { rcaRoutes } from './rca.routes.js';
import { authRoutes } from './auth.routes.js';
import { incidentPages } from './incidents.routes.js';
import { liveRoutes } from './live.routes.js';
import { metricsRoutes } from './metrics.routes.js';
import { readSession, type SessionOptions } from './session.js';
import { statusPageRoutes } from './status-page.routes.js';
import { rcaPublishRoutes } from './rca-publish.routes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The person signed in to the site, if any. */
    webUser: User | null;
  }
}

export interface WebDeps {
  readonly publicUrl: string;
  readonly production: boolean;
  readonly sessionSecret: string | null;
  readonly adminEmails: readonly string[];
  readonly severities: SeverityScale;
  readonly clock: Clock;
  readonly incidents: IncidentService;
  readonly timeline: TimelineService;
  readonly actions: ActionService;
  readonly users: UserService;
  /** What the public status page shows (only what was published). */
  readonly statusPage: StatusPageService;
  /** The specialist teams `escalate` offers, managed on the admin page. */
  readonly pagingTeams: PagingTeamService;
  /** The dashboard's figures (drills left out, private incidents only for their people). */
  readonly metrics: MetricsService;
  /** The RCA page and its forms. */
  readonly rca: RcaService;
  /** Follow-ups agreed at the RCA, and the list of open ones. */
  readonly followUps: FollowUpService;
  /** PagerDuty is set up: the teams can be paged (otherwise the admin page says they cannot yet). */
  readonly pagerConfigured: boolean;
  /** Changes to push to open pages. */
  readonly live: LiveUpdates;
  /** The RCA's publish and print pages (masked copies, Confluence, Slack summary, downloads); absent: no such pages. */
  readonly rcaPublishing?: RcaPublishingService;
  /** Where people sign in; none outside production means the development sign-in. */
  readonly identityProviders: readonly IdentityProvider[];
}

export interface WebContext extends WebDeps {
  readonly session: SessionOptions;
  /** The local development sign-in is on (no provider, not production). */
  readonly devSignIn: boolean;
  /** The signed-in person as a viewer of incidents (admins see private ones too). */
  viewer(request: FastifyRequest): Viewer;
  /** The signed-in person is one of ADMIN_EMAILS. */
  isAdmin(request: FastifyRequest): boolean;
  /** Renders a page with what every page needs (the person, the CSRF token, the dev banner). */
  render(request: FastifyRequest, reply: FastifyReply, view: string, data: Record<string, unknown>): Promise<FastifyReply>;
  /** Renders a public page: nothing about the person (no session, no CSRF cookie), the same CSP. */
  renderPublic(reply: FastifyReply, view: string, data: Record<string, unknown>): Promise<FastifyReply>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const modules = path.resolve(here, '../../../node_modules');

/**
 * The incident response site: GOV.UK-styled pages rendered on the server, every form a plain
 * POST (works without JavaScript), behind sign-in, with CSRF tokens and a strict CSP.
 */
export function webPlugin(deps: WebDeps) {
  return async (app: FastifyInstance) => {
    // Autoescaping on: every value is HTML-escaped unless a template says otherwise.
    const env = new nunjucks.Environment(
      new nunjucks.FileSystemLoader([path.join(here, 'views'), path.join(modules, 'govuk-frontend/dist'), path.join(modules, '@ministryofjustice/frontend')]),
      { autoescape: true, throwOnUndefined: false },
    );
    const secret = deps.sessionSecret ?? randomBytes(32).toString('hex');
    const isAdmin = (request: FastifyRequest) => {
      const email = request.webUser?.email?.toLowerCase();
      return email !== undefined && deps.adminEmails.includes(email);
    };
    const session: SessionOptions = { secure: deps.publicUrl.startsWith('https:'), now: () => deps.clock.now() };
    // Never in production (the config refuses to start there without a provider), and never
    // beside a real provider: one way in that checks nothing would undo the one that does.
    const devSignIn = !deps.production && deps.identityProviders.length === 0;
    const ctx: WebContext = {
      ...deps,
      session,
      devSignIn,
      viewer: (request) => ({ userId: request.webUser!.id, admin: isAdmin(request) }),
      isAdmin,
      render: async (request, reply, view, data) => {
        const nonce = (reply as FastifyReply & { cspNonce?: { script: string } }).cspNonce?.script;
        const html = env.render(view, {
          ...data,
          webUser: request.webUser,
          webAdmin: isAdmin(request),
          csrfToken: reply.generateCsrf(),
          devSignIn,
          cspNonce: nonce,
        });
        return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
      },
      renderPublic: async (reply, view, data) => {
        const nonce = (reply as FastifyReply & { cspNonce?: { script: string } }).cspNonce?.script;
        const html = env.render(view, { ...data, cspNonce: nonce });
        return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
      },
    };

    await app.register(fastifyCookie, { secret });
    await app.register(fastifyCsrf, { cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', secure: session.secure, path: '/' } });
    await app.register(fastifyFormbody, { bodyLimit: 256 * 1024 });
    await app.register(fastifyHelmet, {
      enableCSPNonces: true,
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          // Sign-in leaves for the provider by a link, not a form: form-action can stay 'self'.
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          // Only over HTTPS: on http://localhost it would break every asset.
          upgradeInsecureRequests: session.secure ? [] : null,
        },
      },
    });

    const assets: [string, string][] = [
      ['/assets/', path.join(modules, 'govuk-frontend/dist/govuk/assets')],
      ['/moj-assets/', path.join(modules, '@ministryofjustice/frontend/moj/assets')],
    ];
    for (const [prefix, root] of assets) {
      await app.register(fastifyStatic, { root, prefix, decorateReply: false, maxAge: '1d' });
    }
    const files: [string, string][] = [
      ['/stylesheets/govuk-frontend.min.css', path.join(modules, 'govuk-frontend/dist/govuk/govuk-frontend.min.css')],
      ['/stylesheets/moj-frontend.min.css', path.join(modules, '@ministryofjustice/frontend/moj/moj-frontend.min.css')],
      ['/javascripts/govuk-frontend.min.js', path.join(modules, 'govuk-frontend/dist/govuk/govuk-frontend.min.js')],
      ['/javascripts/app.mjs', path.join(here, 'static/app.mjs')],
      ['/javascripts/live.mjs', path.join(here, 'static/live.mjs')],
      ['/stylesheets/app.css', path.join(here, 'static/app.css')],
    ];
    await app.register(fastifyStatic, { root: path.join(here, 'static'), serve: false });
    for (const [url, file] of files) {
      app.get(url, (_request, reply) => reply.sendFile(path.basename(file), path.dirname(file), { maxAge: '1h' }));
    }

    app.decorateRequest('webUser', null);
    // Assets need nobody signed in: no database read for each stylesheet, font and image.
    const assetPath = /^\/(assets|moj-assets|stylesheets|javascripts)\//;
    // Nor does the public status page: it is the same for everyone, and it is read most in an outage.
    const publicPath = /^\/status(\.json|\/feed\.atom)?(\?|$)/;
    app.addHook('onRequest', async (request) => {
      if (assetPath.test(request.url) || publicPath.test(request.url)) return;
      const userId = readSession(request, session);
      request.webUser = userId ? await deps.users.byId(userId) : null;
    });

    // Every page and form about one incident: a private incident is not there for people outside
    // it (404, as for one that does not exist). Signed-out requests are left to requireSignIn.
    app.addHook('preHandler', async (request, reply) => {
      const reference = (request.params as { reference?: unknown } | undefined)?.reference;
      if (typeof reference !== 'string' || !request.webUser) return;
      const incident = await deps.incidents.get(reference).catch(() => null);
      if (incident && !isVisibleTo(incident, ctx.viewer(request))) {
        reply.code(404);
        return ctx.render(request, reply, 'error.njk', { title: 'Page not found', message: `There is no incident ${reference}.` });
      }
    });

    // Pages fail as pages: a person in a browser gets words and a way on, never JSON or a stack.
    app.setErrorHandler(async (error: FastifyError, request, reply) => {
      const status = error.statusCode ?? 500;
      if (status === 403) {
        reply.code(403);
        return ctx.render(request, reply, 'error.njk', {
          title: 'This form has expired',
          message: 'For your security, forms only work for a while after the page was opened. Go back, reload the page and send it again: nothing was changed.',
        });
      }
      if (status >= 400 && status < 500) {
        reply.code(status);
        return ctx.render(request, reply, 'error.njk', { title: 'Something is wrong with that request', message: 'Go back and try again.' });
      }
      request.log.error({ err: error }, 'page failed');
      reply.code(500);
      return ctx.render(request, reply, 'error.njk', {
        title: 'Sorry, there is a problem with the service',
        message: 'Nothing was lost: try again in a moment. If it keeps happening, use Slack or the API meanwhile.',
        reference: request.id,
      });
    });

    await app.register(authRoutes(ctx));
    await app.register(incidentPages(ctx));
    await app.register(liveRoutes(deps.live, isAdmin));
    await app.register(statusPageRoutes(ctx));
    if (deps.rcaPublishing) await app.register(rcaPublishRoutes(ctx, deps.rcaPublishing));
    await app.register(adminTeamRoutes(ctx));
    await app.register(metricsRoutes(ctx));
    await app.register(rcaRoutes(ctx));
    await app.register(followUpRoutes(ctx));
  };
}
