// One JSON shape for every error: { "error": { "code", "message", "details"? } }.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { z } from '@botpress/sdk';
import { formatIssues } from '../core/validation.ts';

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
  }
}

export const badRequest = (message: string, details?: unknown) => new HttpError(400, 'bad_request', message, details);
export const notFound = (message: string) => new HttpError(404, 'not_found', message);

/** Parses a request body with a schema, or throws a 400 that says what is wrong. */
export function parseBody<S extends z.ZodTypeAny>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw new HttpError(400, 'invalid_body', formatIssues(result.error));
  return result.data;
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`));
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let e: HttpError;
    if (err instanceof HttpError) e = err;
    else if (err?.type === 'entity.parse.failed') e = new HttpError(400, 'malformed_json', 'the request body is not valid JSON');
    else if (err?.type === 'entity.too.large') e = new HttpError(413, 'body_too_large', `the request body is larger than the ${err.limit} bytes allowed`);
    else if (err?.type === 'charset.unsupported' || err?.type === 'encoding.unsupported') e = new HttpError(415, 'unsupported_encoding', err.message);
    else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) e = new HttpError(err.status, 'bad_request', err.message);
    else {
      logger.error({ err, path: req.path }, 'unhandled error');
      e = new HttpError(500, 'internal', 'something went wrong on our side; nothing was changed');
    }
    if (res.headersSent) return;
    res.status(e.status).json({ error: { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) } });
  };
}
