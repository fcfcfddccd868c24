// The store could not make a write durable (full disk, I/O error): nothing was promised, so the
// caller answers 503 and the client or platform tries again later.
export class StoreUnavailableError extends Error {
  constructor(reason: string) {
    super(`the store cannot write now (${reason}); try again shortly`);
  }
}

/** SQLite result codes that mean "the disk", not "a bug": full, I/O, read-only, locked too long. */
const STORAGE_CODES = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|PROTOCOL)/;

export function isStorageFailure(err: unknown): boolean {
  if (err instanceof StoreUnavailableError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && STORAGE_CODES.test(code);
}
