// Services throw errors with an HTTP status; routes turn them into the one JSON error shape.
import { HttpError } from '../errors.ts';

const CODES: Record<number, string> = { 400: 'bad_request', 403: 'forbidden', 404: 'not_found', 409: 'conflict' };

/** Runs a service call, mapping errors of the given class (which carry `status`) to HttpErrors. */
export async function asHttp<T>(errorClass: new (...args: never[]) => Error & { status: number }, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof errorClass) throw new HttpError(err.status, CODES[err.status] ?? 'bad_request', err.message);
    throw err;
  }
}
