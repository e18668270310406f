import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { rcaOutline } from '../../domain/rca-document.js';
import type { RcaPublishingService } from '../../services/rca-publishing.service.js';
import { requireSignIn } from './auth.routes.js';
import { actorFor, formErrors, readForm, renderNotFound, submitForm, type FormErrors } from './forms.js';
import { presentMasked, presentRcaPublishPage } from './present-rca-publish.js';
import type { WebContext } from './web.plugin.js';

type Ref = { Params: { reference: string } };

const here = path.dirname(fileURLToPath(import.meta.url));
const text = z.string().optional();
const confluenceForm = z.object({ formKey: text, publishAnyway: text });
const shareForm = z.object({ formKey: text, shareAnyway: text });
const doneQuery = z.object({ done: z.enum(['confluence', 'share']).optional() }).catch({});

const banners = {
  confluence: 'Publishing to Confluence. Reload this page in a moment to see the link.',
  share: 'The summary is being shared to Slack.',
} as const;

/** An unknown incident is the 404 page (a private one never gets here: the site's hook answers 404 first). */
async function orNotFound(ctx: WebContext, request: FastifyRequest, reply: FastifyReply, reference: string, work: () => Promise<FastifyReply>): Promise<FastifyReply> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError && error.code === 'incident.not_found') return renderNotFound(ctx, request, reply, `There is no incident ${reference}.`);
    throw error;
  }
}

/**
 * `/incidents/{reference}/rca/publish`: what will leave the site (the masked RCA, and what was
 * masked), publishing to Confluence, sharing a summary to Slack, and the downloads;
 * `/incidents/{reference}/rca/print`: the RCA as a print-ready document. Signed in; no JavaScript needed.
 */
export function rcaPublishRoutes(ctx: WebContext, publishing: RcaPublishingService) {
  async function renderPublishPage(request: FastifyRequest, reply: FastifyReply, reference: string, state: { errors?: FormErrors; shareAnyway?: boolean; publishAnyway?: boolean } = {}) {
    const view = await publishing.view(reference);
    const page = presentRcaPublishPage(view, ctx.severities, ctx.publicUrl);
    const done = doneQuery.parse(request.query ?? {}).done;
    const title = `Publish and share: ${page.reference}`;
    return ctx.render(request, reply, 'rca-publish/publish.njk', {
      title: state.errors ? `Error: ${title}` : title,
      section: 'incidents',
      ...page,
      banner: state.errors || !done ? null : done === 'confluence' && view.confluence?.status === 'published' ? 'Published to Confluence.' : banners[done],
      errors: state.errors,
      shareAnyway: state.shareAnyway ?? false,
      publishAnyway: state.publishAnyway ?? false,
      formKey: randomUUID(),
    });
  }

  return async (app: FastifyInstance) => {
    const guarded = { preHandler: [requireSignIn, app.csrfProtection] };
    const base = (reference: string) => `/incidents/${encodeURIComponent(reference)}/rca`;

    // Served here, not among the site's stylesheets: only the print page uses it.
    app.get('/stylesheets/rca-print.css', (_request, reply) => reply.sendFile('rca-print.css', path.join(here, 'static'), { maxAge: '1h' }));

    app.get<Ref>('/incidents/:reference/rca/publish', { preHandler: requireSignIn }, async (request, reply) =>
      orNotFound(ctx, request, reply, request.params.reference, () => renderPublishPage(request, reply, request.params.reference)),
    );

    app.post<Ref>('/incidents/:reference/rca/publish/confluence', guarded, async (request, reply) => {
      const { reference } = request.params;
      const form = readForm(confluenceForm, request.body);
      const publishAnyway = form.publishAnyway === 'yes';
      return submitForm(
        ctx,
        request,
        reply,
        () => publishing.requestConfluence(actorFor(request, form.formKey), reference, { publishAnyway }),
        `${base(reference)}/publish?done=confluence#confluence`,
        (error) =>
          renderPublishPage(request, reply, reference, { errors: formErrors(error, { fields: { publishAnyway: 'publish-anyway' }, fallback: 'confluence' }), publishAnyway }),
      );
    });

    app.post<Ref>('/incidents/:reference/rca/publish/share', guarded, async (request, reply) => {
      const { reference } = request.params;
      const form = readForm(shareForm, request.body);
      const shareAnyway = form.shareAnyway === 'yes';
      return submitForm(
        ctx,
        request,
        reply,
        () => publishing.share(actorFor(request, form.formKey), reference, { shareAnyway }),
        `${base(reference)}/publish?done=share#share`,
        (error) => renderPublishPage(request, reply, reference, { errors: formErrors(error, { fields: { shareAnyway: 'share-anyway' }, fallback: 'share' }), shareAnyway }),
      );
    });

    app.get<Ref>('/incidents/:reference/rca/publish/rca.md', { preHandler: requireSignIn }, async (request, reply) =>
      orNotFound(ctx, request, reply, request.params.reference, async () => {
        const { fileName, text: markdown } = await publishing.markdown(request.params.reference);
        return reply.type('text/markdown; charset=utf-8').header('cache-control', 'no-store').header('content-disposition', `attachment; filename="${fileName}"`).send(markdown);
      }),
    );

    for (const format of ['json', 'md'] as const) {
      app.get<Ref>(`/incidents/:reference/rca/publish/record.${format}`, { preHandler: requireSignIn }, async (request, reply) =>
        orNotFound(ctx, request, reply, request.params.reference, async () => {
          const record = await publishing.exportRecord(request.params.reference);
          reply.header('cache-control', 'no-store').header('content-disposition', `attachment; filename="${record.baseName}.${format}"`);
          if (format === 'md') return reply.type('text/markdown; charset=utf-8').send(record.markdown);
          return reply.type('application/json; charset=utf-8').send(JSON.stringify(record.json, null, 2));
        }),
      );
    }

    app.get<Ref>('/incidents/:reference/rca/print', { preHandler: requireSignIn }, async (request, reply) =>
      orNotFound(ctx, request, reply, request.params.reference, async () => {
        const { report, masked } = await publishing.redacted(request.params.reference);
        const rcaUrl = `${ctx.publicUrl}${base(report.incident.reference)}`;
        const outline = rcaOutline(report, { severities: ctx.severities, rcaUrl });
        return ctx.render(request, reply, 'rca-publish/print.njk', {
          title: outline.title,
          outline,
          masked: presentMasked(masked),
          printedAt: ctx.clock.now().toISOString().slice(0, 16).replace('T', ' '),
        });
      }),
    );
  };
}
