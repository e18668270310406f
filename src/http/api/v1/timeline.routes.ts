import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { TimelineService } from '../../../services/timeline.service.js';
import { actorOf } from './auth.js';
import { presentRevision, presentTimelineEntry } from './presenters.js';
import {
  entryParams,
  errorResponse,
  incidentNotFound,
  incidentParams,
  newEntryBody,
  reviseEntryBody,
  timelineEntry,
  timelineHistory,
  timelineList,
  timelineQuery,
} from './schemas.js';

/** `/incidents/{id}/timeline`: the scribe's log; corrections and removals are revisions. */
export function timelineRoutes(timeline: TimelineService) {
  return async (app: FastifyInstance) => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const errors = { 400: errorResponse, 401: errorResponse, 404: incidentNotFound, 409: errorResponse };

    api.get(
      '/incidents/:id/timeline',
      { schema: { tags: ['timeline'], summary: 'The timeline, in the order things happened', params: incidentParams, querystring: timelineQuery, response: { 200: timelineList, ...errors } } },
      async (request) => ({
        items: (await timeline.list(request.params.id, { includeRemoved: request.query.includeRemoved })).map(presentTimelineEntry),
      }),
    );

    api.post(
      '/incidents/:id/timeline',
      { schema: { tags: ['timeline'], summary: 'Add a timeline entry', params: incidentParams, body: newEntryBody, response: { 201: timelineEntry, ...errors } } },
      async (request, reply) => {
        const b = request.body;
        const entry = await timeline.add(actorOf(request), request.params.id, {
          ...b,
          occurredAt: b.occurredAt === undefined ? undefined : new Date(b.occurredAt),
        });
        return reply.code(201).send(presentTimelineEntry(entry));
      },
    );

    api.patch(
      '/incidents/:id/timeline/:entryId',
      { schema: { tags: ['timeline'], summary: 'Correct an entry (adds a revision)', params: entryParams, body: reviseEntryBody, response: { 200: timelineEntry, ...errors } } },
      async (request) => {
        const b = request.body;
        const entry = await timeline.revise(actorOf(request), request.params.id, request.params.entryId, {
          ...b,
          occurredAt: b.occurredAt === undefined ? undefined : new Date(b.occurredAt),
        });
        return presentTimelineEntry(entry);
      },
    );

    api.delete(
      '/incidents/:id/timeline/:entryId',
      { schema: { tags: ['timeline'], summary: 'Remove an entry (kept in its history)', params: entryParams, response: { 200: timelineEntry, ...errors } } },
      async (request) => presentTimelineEntry(await timeline.remove(actorOf(request), request.params.id, request.params.entryId)),
    );

    api.get(
      '/incidents/:id/timeline/:entryId/history',
      { schema: { tags: ['timeline'], summary: 'Every revision of an entry, with who and when', params: entryParams, response: { 200: timelineHistory, ...errors } } },
      async (request) => ({
        entryId: request.params.entryId,
        items: (await timeline.history(request.params.id, request.params.entryId)).map(presentRevision),
      }),
    );
  };
}
