import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ActionService } from '../../../services/action.service.js';
import { actorOf } from './auth.js';
import { presentAction } from './presenters.js';
import { action, actionList, actionParams, errorResponse, incidentNotFound, incidentParams, newActionBody, updateActionBody } from './schemas.js';

/** `/incidents/{id}/actions`: follow-ups with owners, tracked until done. */
export function actionRoutes(actions: ActionService) {
  return async (app: FastifyInstance) => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const errors = { 400: errorResponse, 401: errorResponse, 404: incidentNotFound, 409: errorResponse };

    api.get(
      '/incidents/:id/actions',
      { schema: { tags: ['actions'], summary: 'The incident’s actions', params: incidentParams, response: { 200: actionList, ...errors } } },
      async (request) => ({ items: (await actions.list(request.params.id)).map(presentAction) }),
    );

    api.post(
      '/incidents/:id/actions',
      { schema: { tags: ['actions'], summary: 'Add an action', params: incidentParams, body: newActionBody, response: { 201: action, ...errors } } },
      async (request, reply) =>
        reply.code(201).send(presentAction(await actions.add(actorOf(request), request.params.id, request.body))),
    );

    api.patch(
      '/incidents/:id/actions/:actionId',
      { schema: { tags: ['actions'], summary: 'Edit, complete or reopen an action', params: actionParams, body: updateActionBody, response: { 200: action, ...errors } } },
      async (request) =>
        presentAction(await actions.update(actorOf(request), request.params.id, request.params.actionId, request.body)),
    );
  };
}
