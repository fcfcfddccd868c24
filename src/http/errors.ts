// One JSON shape for every error: { "error": { "code", "message", "details"? } }.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { z } from '@botpress/sdk';
import { formatIssues } from '../core/validation.ts';
import { isStorageFailure } from '../store/store-errors.ts';

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
  }

  /** The body every error response has. */
  toJSON(): { error: { code: string; message: string; details?: unknown } } {
    return { error: { code: this.code, message: this.message, ...(this.details !== undefined ? { details: this.details } : {}) } };
  }
}

export const badRequest = (message: string, details?: unknown) => new HttpError(400, 'bad_request', message, details);
export const notFound = (message: string) => new HttpError(404, 'not_found', message);
/** While Loa stops: the platforms and clients try again later. */
export const shuttingDown = () => new HttpError(503, 'shutting_down', 'Loa is restarting; try again shortly');

/** Parses a request body with a schema, or throws a 400 that says what is wrong. */
export function parseBody<S extends z.ZodTypeAny>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw new HttpError(400, 'invalid_body', formatIssues(result.error));
  return result.data;
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`));
};

/** Any error as the HttpError to answer with; an unexpected one is logged and becomes a 500. */
export function toHttpError(err: unknown, logger: Logger, path: string): HttpError {
  const e = err as { type?: string; limit?: number; status?: number; message?: string } | undefined;
  if (err instanceof HttpError) return err;
  if (e?.type === 'entity.parse.failed') return new HttpError(400, 'malformed_json', 'the request body is not valid JSON');
  if (e?.type === 'entity.too.large') return new HttpError(413, 'body_too_large', `the request body is larger than the ${e.limit} bytes allowed`);
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported') return new HttpError(415, 'unsupported_encoding', e.message ?? 'unsupported encoding');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new HttpError(e.status, 'bad_request', e.message ?? 'bad request');
  // A full disk or an I/O error: nothing was kept, so the client (or platform) retries later.
  if (isStorageFailure(err)) return new HttpError(503, 'store_unavailable', 'Loa cannot save messages right now; try again shortly');
  logger.error({ err, path }, 'unhandled error');
  return new HttpError(500, 'internal', 'something went wrong on our side; nothing was changed');
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const e = toHttpError(err, logger, req.path);
    if (res.headersSent) return;
    res.status(e.status).json(e.toJSON());
  };
}
