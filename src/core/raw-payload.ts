// A platform's raw payload is kept beside each event for debugging, but never at any size: a
// signed webhook may still carry megabytes or a structure too deep to serialise.
import type { IncomingEvent } from './messages.ts';

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
