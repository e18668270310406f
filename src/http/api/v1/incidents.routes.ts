import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { SeverityScale } from '../../../domain/severity.js';
import type { IncidentService } from '../../../services/incident.service.js';
import { actorOf, viewerOf } from './auth.js';
import { presentAudit, presentIncident } from './presenters.js';
import {
  auditList,
  declareBody,
  errorResponse,
  incident,
  incidentNotFound,
  incidentList,
  incidentParams,
  listQuery,
  updateBody,
} from './schemas.js';

const date = (s: string | undefined) => (s === undefined ? undefined : new Date(s));
const dateOrNull = (s: string | null | undefined) => (s === undefined ? undefined : s === null ? null : new Date(s));

/** `/incidents`: declare, list, read and change incidents. */
export function incidentRoutes(incidents: IncidentService, severities: SeverityScale) {
  return async (app: FastifyInstance) => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const errors = { 400: errorResponse, 401: errorResponse, 404: incidentNotFound, 409: errorResponse };

    api.get(
      '/incidents',
      {
        schema: {
          tags: ['incidents'],
          summary: 'List incidents, newest first',
          description: 'Private incidents are listed only to tokens that may see them: those acting as one of their people, and admin tokens.',
          querystring: listQuery,
          response: { 200: incidentList, 400: errorResponse, 401: errorResponse },
        },
      },
      async (request) => {
        const q = request.query;
        const viewer = viewerOf(request);
        const page = await incidents.list({
          status: q.status,
          severities: q.severity?.split(',').map((s) => s.trim()).filter(Boolean),
          reportOnly: q.reportOnly,
          private: q.private,
          text: q.q?.trim() || undefined,
          startedFrom: date(q.startedFrom),
          startedTo: date(q.startedTo),
          limit: q.limit,
          cursor: q.cursor === undefined ? undefined : Number(q.cursor),
          visibleTo: viewer.admin ? undefined : viewer.userId,
        });
        return {
          items: page.items.map((i) => presentIncident(i, severities)),
          nextCursor: page.nextCursor === null ? null : String(page.nextCursor),
        };
      },
    );

    api.post(
      '/incidents',
      { schema: { tags: ['incidents'], summary: 'Declare an incident', body: declareBody, response: { 201: incident, ...errors } } },
      async (request, reply) => {
        const b = request.body;
        const declared = await incidents.declare(actorOf(request), {
          ...b,
          occurredAt: date(b.occurredAt),
        });
        return reply.code(201).header('location', `/api/v1/incidents/${declared.id}`).send(presentIncident(declared, severities));
      },
    );

    api.get(
      '/incidents/:id',
      { schema: { tags: ['incidents'], summary: 'One incident, by id or reference', params: incidentParams, response: { 200: incident, ...errors } } },
      async (request) => presentIncident(await incidents.get(request.params.id), severities),
    );

    api.patch(
      '/incidents/:id',
      {
        schema: {
          tags: ['incidents'],
          summary: 'Change an incident: fields, roles, promote, close or reopen (all or nothing)',
          params: incidentParams,
          body: updateBody,
          response: { 200: incident, ...errors },
        },
      },
      async (request) => {
        const b = request.body;
        const updated = await incidents.update(actorOf(request), request.params.id, {
          ...b,
          blockedUntil: dateOrNull(b.blockedUntil),
        });
        return presentIncident(updated, severities);
      },
    );

    api.get(
      '/incidents/:id/audit',
      { schema: { tags: ['incidents'], summary: 'The audit trail: every change, who, from where, when', params: incidentParams, response: { 200: auditList, ...errors } } },
      async (request) => ({ items: (await incidents.audit(request.params.id)).map(presentAudit) }),
    );
  };
}
