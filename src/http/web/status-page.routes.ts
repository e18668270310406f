import type { FastifyInstance } from 'fastify';
import {
  componentStateLabels,
  publicStatusLabels,
  type ComponentChange,
  type ComponentState,
  type PublicIncident,
  type PublicStatus,
} from '../../domain/status-page.js';
import type { PublicStatusView } from '../../services/status-page.service.js';
import { showDate } from './present.js';
import type { WebContext } from './web.plugin.js';

const stateTagClass: Readonly<Record<ComponentState, string>> = {
  operational: 'govuk-tag--green',
  degraded_performance: 'govuk-tag--yellow',
  partial_outage: 'govuk-tag--orange',
  major_outage: 'govuk-tag--red',
  under_maintenance: 'govuk-tag--blue',
};

const statusTagClass: Readonly<Record<PublicStatus, string>> = {
  investigating: 'govuk-tag--red',
  identified: 'govuk-tag--orange',
  monitoring: 'govuk-tag--blue',
  resolved: 'govuk-tag--green',
};

const componentTag = (c: ComponentChange) => ({ name: c.name, tag: { text: componentStateLabels[c.state], classes: stateTagClass[c.state] } });

function presentPublicIncident(p: PublicIncident) {
  return {
    anchor: `incident-${p.id}`,
    title: p.title,
    status: { text: publicStatusLabels[p.status], classes: statusTagClass[p.status] },
    started: showDate(p.createdAt),
    resolved: showDate(p.resolvedAt),
    updates: p.updates.map((u) => ({
      status: publicStatusLabels[u.status],
      message: u.message,
      at: showDate(u.at),
      datetime: u.at.toISOString(),
      components: u.components.map(componentTag),
    })),
  };
}

/** The JSON shape: public fields only (no internal reference, no names of staff). */
function presentJson(view: PublicStatusView, publicUrl: string) {
  const incident = (p: PublicIncident) => ({
    id: p.id,
    title: p.title,
    status: p.status,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    resolvedAt: p.resolvedAt?.toISOString() ?? null,
    updates: p.updates.map((u) => ({ id: u.id, status: u.status, message: u.message, components: u.components, at: u.at.toISOString() })),
  });
  return {
    page: { url: `${publicUrl}/status`, updatedAt: view.updatedAt?.toISOString() ?? null },
    components: view.components,
    incidents: view.current.map(incident),
    history: view.history.map(incident),
  };
}

// XML 1.0 cannot carry most control characters at all, escaped or not.
// eslint-disable-next-line no-control-regex
const xmlInvalid = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const escapeXml = (text: string) =>
  text.replace(xmlInvalid, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Atom 1.0: one entry per published update, newest first. */
function renderAtom(view: PublicStatusView, publicUrl: string, now: Date): string {
  const page = `${publicUrl}/status`;
  const updates = [...view.current, ...view.history]
    .flatMap((p) => p.updates.map((u) => ({ p, u })))
    .sort((a, b) => b.u.at.getTime() - a.u.at.getTime());
  const entries = updates.map(({ p, u }) => {
    const components = u.components.map((c) => `${c.name}: ${componentStateLabels[c.state]}`).join('\n');
    const content = components ? `${u.message}\n\n${components}` : u.message;
    return [
      '  <entry>',
      `    <id>${escapeXml(`${page}#update-${u.id}`)}</id>`,
      `    <title>${escapeXml(`${p.title}: ${publicStatusLabels[u.status]}`)}</title>`,
      `    <updated>${u.at.toISOString()}</updated>`,
      `    <link rel="alternate" type="text/html" href="${escapeXml(`${page}#incident-${p.id}`)}"/>`,
      `    <content type="text">${escapeXml(content)}</content>`,
      '  </entry>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${escapeXml(page)}</id>`,
    '  <title>Service status</title>',
    `  <updated>${(view.updatedAt ?? now).toISOString()}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(`${page}/feed.atom`)}"/>`,
    `  <link rel="alternate" type="text/html" href="${escapeXml(page)}"/>`,
    '  <author><name>Service status</name></author>',
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}

/**
 * The public status page, its Atom feed and its JSON: no sign-in, the same for everyone, and only
 * what was published through the `statuspage` flow (an incident never published is not there).
 */
export function statusPageRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    app.get('/status', async (_request, reply) => {
      const view = await ctx.statusPage.publicView();
      return ctx.renderPublic(reply, 'status/status.njk', {
        title: 'Service status',
        components: view.components.map(componentTag),
        allOperational: view.current.length === 0 && view.components.every((c) => c.state === 'operational'),
        current: view.current.map(presentPublicIncident),
        history: view.history.map(presentPublicIncident),
        updatedAt: showDate(view.updatedAt),
      });
    });

    app.get('/status.json', async (_request, reply) => {
      const view = await ctx.statusPage.publicView();
      return reply.header('cache-control', 'no-cache').header('access-control-allow-origin', '*').send(presentJson(view, ctx.publicUrl));
    });

    app.get('/status/feed.atom', async (_request, reply) => {
      const view = await ctx.statusPage.publicView();
      return reply
        .type('application/atom+xml; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header('access-control-allow-origin', '*')
        .send(renderAtom(view, ctx.publicUrl, ctx.clock.now()));
    });
  };
}
