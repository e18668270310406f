import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DomainError, type ErrorCategory } from '../domain/errors.js';

/** The one mapping from error categories to HTTP statuses. */
const statusFor: Record<ErrorCategory, number> = {
  invalid: 400,
  not_found: 404,
  conflict: 409,
};

export interface ErrorBody {
  error: { code: string; message: string; field?: string; allowed?: readonly string[]; requestId?: string };
}

/** A JSON error in the house shape, `{ error: { code, message } }`. */
export function sendError(reply: FastifyReply, status: number, body: ErrorBody['error']): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ error: body });
}

/**
 * Turns anything thrown by a route into a precise 4xx or, for a bug, a 500 that shows only a
 * reference id (the details go to the log, never to the caller).
 */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof DomainError) {
    return sendError(reply, statusFor[error.category], { code: error.code, message: error.message, ...error.details });
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'body';
    const first = error.validation[0]!;
    const path = first.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const field = path || undefined;
    const messages = error.validation.map((v) => {
      const p = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
      return `${where}${p ? `.${p}` : ''}: ${v.message}`;
    });
    return sendError(reply, 400, { code: 'request.invalid', message: messages.join('; '), field });
  }
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
    return sendError(reply, 400, { code: 'request.malformed_json', message: 'The request body is not valid JSON.' });
  }
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return sendError(reply, 400, { code: 'request.empty_body', message: 'The request body is empty; send a JSON object.' });
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return sendError(reply, 415, { code: 'request.unsupported_media_type', message: 'Send the body as application/json.' });
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return sendError(reply, 413, { code: 'request.too_large', message: 'The request body is too large.' });
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return sendError(reply, status, { code: 'request.invalid', message: error.message });
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendError(reply, 500, {
    code: 'internal',
    message: `Something went wrong on our side. Quote this reference if you report it: ${request.id}`,
    requestId: request.id,
  });
}

/**
 * What fastify refuses before routing (a path with broken percent-encoding, a path part over the
 * router's length limit), in the house error shape rather than fastify's own.
 */
export function handleFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return sendError(reply, 414, { code: 'request.path_too_long', message: 'A part of the path is too long.' });
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    return sendError(reply, 400, { code: 'request.bad_url', message: 'The path is not a valid URL (check its percent-encoding).' });
  }
  return handleError(error, request, reply);
}
