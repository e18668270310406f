import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { incidentExport } from '../../../domain/incident-export.js';
import { renderIncidentMarkdown } from '../../../domain/incident-markdown.js';
import type { SeverityScale } from '../../../domain/severity.js';
import type { IncidentExportService } from '../../../services/incident-export.service.js';
import { errorResponse, incidentNotFound, incidentParams } from './schemas.js';

const exportQuery = z
  .object({ format: z.enum(['json', 'markdown']).default('json').describe('`json` (imports back with `npm run cli -- import`) or `markdown`.') })
  .strict();

/** `/incidents/{id}/export`: the whole record as a download, JSON or Markdown. */
export function exportRoutes(exports: IncidentExportService, severities: SeverityScale) {
  return async (app: FastifyInstance) => {
    const api = app.withTypeProvider<ZodTypeProvider>();

    api.get(
      '/incidents/:id/export',
      {
        schema: {
          tags: ['incidents'],
          summary: 'Export the incident as a file: JSON (versioned, importable) or Markdown',
          description:
            'JSON: the `incident-response/v1` document (fields, roles with hand-overs, people, every timeline revision, actions, audit), people named by name, email and Slack id. Markdown (`text/markdown`): a readable record. Likely secrets (tokens, keys, passwords in links, `REDACT_PATTERNS`) are masked in both; the JSON lists what was masked in `redactions` (kind, hint, where; never the secret), which an import ignores.',
          params: incidentParams,
          querystring: exportQuery,
          response: { 200: z.union([incidentExport, z.string().describe('The Markdown record (`format=markdown`).')]), 400: errorResponse, 401: errorResponse, 404: incidentNotFound },
        },
      },
      async (request, reply) => {
        const doc = await exports.exportIncident(request.params.id);
        const base = doc.incident.reference.toLowerCase().replace(/[^a-z0-9-]/g, '-');
        if (request.query.format === 'markdown') {
          return reply
            .type('text/markdown; charset=utf-8')
            .header('content-disposition', `attachment; filename="${base}.md"`)
            .send(renderIncidentMarkdown(doc, severities));
        }
        return reply.header('content-disposition', `attachment; filename="${base}.json"`).send(doc);
      },
    );
  };
}
