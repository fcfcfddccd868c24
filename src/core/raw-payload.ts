// A platform's raw payload is kept beside each event for debugging, but never at any size: a
// signed webhook may still carry megabytes or a structure too deep to serialise. The event's own
// fields get the limits the web chat validates: a letter is kept whole up to 20,000 characters.
import type { IncomingEvent } from './messages.ts';
import { MAX_MESSAGE_LENGTH } from './bot.ts';

/** A button's payload (Messenger allows 1,000 characters) and a display name, at most. */
const MAX_PAYLOAD_LENGTH = 1000;
const MAX_NAME_LENGTH = 100;

/** The event as it may be stored: texts within their limits, the raw payload within its cap. */
export function storableEvent<E extends IncomingEvent>(event: E): E {
  let e: IncomingEvent = event;
  if (e.type === 'text' && e.text.length > MAX_MESSAGE_LENGTH) e = { ...e, text: e.text.slice(0, MAX_MESSAGE_LENGTH) };
  if (e.type === 'payload' && (e.payload.length > MAX_PAYLOAD_LENGTH || (e.title?.length ?? 0) > MAX_MESSAGE_LENGTH)) {
    e = { ...e, payload: e.payload.slice(0, MAX_PAYLOAD_LENGTH), ...(e.title !== undefined ? { title: e.title.slice(0, MAX_MESSAGE_LENGTH) } : {}) };
  }
  if (e.displayName && e.displayName.length > MAX_NAME_LENGTH) e = { ...e, displayName: e.displayName.slice(0, MAX_NAME_LENGTH) };
  return withCappedRaw(e as E);
}

/** Raw payloads larger than this (as JSON) are replaced by a marker. */
export const MAX_RAW_PAYLOAD_BYTES = 16 * 1024;
/** The marker's key: `{ "rawTooLarge": true, "bytes": n }`. */
export const RAW_TOO_LARGE = 'rawTooLarge';

/** The event with its raw payload kept only when it serialises within the cap. */
export function withCappedRaw<E extends IncomingEvent>(event: E): E {
  if (event.raw === undefined || event.raw === null) return event;
  let json: string | undefined;
  try {
    json = JSON.stringify(event.raw);
  } catch {
    // Too deep (RangeError) or cyclic: nothing worth keeping.
    return { ...event, raw: { [RAW_TOO_LARGE]: true, bytes: null } };
  }
  // Length in UTF-16 units is a lower bound of the bytes; Buffer.byteLength only near the cap.
  if (json === undefined || json.length * 3 <= MAX_RAW_PAYLOAD_BYTES) return event;
  const bytes = Buffer.byteLength(json);
  return bytes <= MAX_RAW_PAYLOAD_BYTES ? event : { ...event, raw: { [RAW_TOO_LARGE]: true, bytes } };
}
