import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { PasswordChecksBusy } from '../auth/secrets.js';
import { ApiError } from './api-error.js';

/** What an unexpected failure answers: its message may name server paths, so it is only logged. */
export const INTERNAL_ERROR_MESSAGE =
  'the server failed on this request; it is logged, and the request can be retried';

const send = (reply: FastifyReply, status: number, code: string, message: string) =>
  reply.status(status).send({ error: { code, message } });

/**
 * Turns every failure into `{ error: { code, message } }` with a status a client can act on.
 * Validation errors name the field (`body.ops.3.payload.path: ...`); unexpected errors are
 * logged in full and answered without internals.
 */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof ApiError) return send(reply, error.status, error.code, error.message);
  if (error instanceof PasswordChecksBusy) {
    return send(reply.header('retry-after', '5'), 503, 'busy', error.message);
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'request';
    const problems = error.validation.map((issue) => {
      const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
      return `${where}${path ? `.${path}` : ''}: ${issue.message}`;
    });
    return send(reply, 400, 'bad-request', problems.join('; '));
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return send(
        reply,
        413,
        'too-large',
        `the request body is larger than this server accepts; send smaller batches`,
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return send(reply, 415, 'unsupported-media-type', 'send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return send(reply, 400, 'bad-request', 'the body is empty; send a JSON object');
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return send(reply, 400, 'bad-request', `the body is not valid JSON: ${error.message}`);
  }
  const status = error.statusCode ?? 500;
  if (status < 500) return send(reply, status, 'bad-request', error.message);
  request.log.error({ err: error }, 'request failed');
  return send(reply, 500, 'internal', INTERNAL_ERROR_MESSAGE);
}
