// One JSON shape for every error: { "error": { "code", "message", "details"? } }.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { z } from '@botpress/sdk';
import { formatIssues } from '../core/validation.ts';
import { isStorageFailure } from '../store/store-errors.ts';
import type { Locale } from '../store/types.ts';
import { errorT, fieldErrors, hasErrorText, requestLocale } from './error-texts.ts';

export class HttpError extends Error {
  /** Values for the localised text (locales/<lng>/errors.json, keyed by code). */
  vars?: Record<string, unknown>;
  /** Schema issues: answered as `fields`, one message per dotted path, in the person's language. */
  issues?: z.ZodIssue[];
  /** Seconds before trying again (429). */
  retryAfter?: number;
  /** The message is said from locales/<lng>/errors.json under `code`; other errors keep their own words. */
  localized = false;

  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
  }

  /** The body every error response has; codes with a text in locales/ are said in the person's language. */
  toJSON(locale?: Locale): { error: { code: string; message: string; details?: unknown; fields?: Record<string, string>; retryAfter?: number } } {
    const message = locale && this.localized && hasErrorText(this.code) ? errorT(locale)(this.code, this.vars ?? {}) : this.message;
    return {
      error: {
        code: this.code, message,
        ...(this.details !== undefined ? { details: this.details } : {}),
        ...(this.issues ? { fields: fieldErrors(this.issues, locale ?? 'vi') } : {}),
        ...(this.retryAfter !== undefined ? { retryAfter: this.retryAfter } : {}),
      },
    };
  }
}

/** An error the console shows: its text comes from locales/<lng>/errors.json under `code`. */
export function consoleError(status: number, code: string, vars?: Record<string, unknown>, details?: unknown): HttpError {
  const e = new HttpError(status, code, code, details);
  e.vars = vars;
  e.localized = true;
  return e;
}

/** Validates with a schema; a failure is a 400 `invalid` with a message per field. */
export function parseInput<S extends z.ZodTypeAny>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw invalidFields(result.error.issues);
  return result.data;
}

export function invalidFields(issues: z.ZodIssue[]): HttpError {
  const e = consoleError(400, 'invalid');
  e.issues = issues;
  return e;
}

export const badRequest = (message: string, details?: unknown) => new HttpError(400, 'bad_request', message, details);
export const notFound = (message: string) => new HttpError(404, 'not_found', message);
/** While Loa stops: the platforms and clients try again later. */
export const shuttingDown = () => new HttpError(503, 'shutting_down', 'Loa is restarting; try again shortly');

/** Parses a request body with a schema, or throws a 400 that says what is wrong. */
export function parseBody<S extends z.ZodTypeAny>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const e = new HttpError(400, 'invalid_body', formatIssues(result.error));
    e.issues = result.error.issues;
    throw e;
  }
  return result.data;
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`));
};

/** Any error as the HttpError to answer with; an unexpected one is logged and becomes a 500. */
export function toHttpError(err: unknown, logger: Logger, path: string): HttpError {
  const e = err as { type?: string; limit?: number; status?: number; message?: string } | undefined;
  if (err instanceof HttpError) return err;
  const said = (h: HttpError) => Object.assign(h, { localized: true });
  if (e?.type === 'entity.parse.failed') return said(new HttpError(400, 'malformed_json', 'the request body is not valid JSON'));
  if (e?.type === 'entity.too.large') return said(new HttpError(413, 'body_too_large', `the request body is larger than the ${e.limit} bytes allowed`));
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported') return new HttpError(415, 'unsupported_encoding', e.message ?? 'unsupported encoding');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new HttpError(e.status, 'bad_request', e.message ?? 'bad request');
  // A full disk or an I/O error: nothing was kept, so the client (or platform) retries later.
  if (isStorageFailure(err)) return new HttpError(503, 'store_unavailable', 'Loa cannot save messages right now; try again shortly');
  logger.error({ err, path }, 'unhandled error');
  return said(new HttpError(500, 'internal', 'something went wrong on our side; nothing was changed'));
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const e = toHttpError(err, logger, req.path);
    if (res.headersSent) return;
    if (e.retryAfter !== undefined) res.set('retry-after', String(e.retryAfter));
    // The console's API speaks the person's language; the chat and webhooks keep their texts.
    const console = /^\/api\/(admin|auth)(\/|$)/.test(req.originalUrl);
    res.status(e.status).json(e.toJSON(console ? requestLocale(req) : undefined));
  };
}
