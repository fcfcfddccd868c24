// How long after a person's last message each platform lets the page / OA write to them.
import type { ChannelName } from '../core/messages.ts';

export const WINDOW_MS: Record<ChannelName, number | null> = {
  webchat: Infinity, // kept for the visitor's page until it opens (or WEBCHAT_DELIVERY_TTL_HOURS pass)
  messenger: 24 * 60 * 60 * 1000,
  zalo_oa: 7 * 24 * 60 * 60 * 1000,
  zalo_personal: Infinity, // a normal Zalo account may write to its contacts and groups
};

export function windowOpen(channel: ChannelName, lastInboundAt: string | null, now: Date): boolean {
  const ms = WINDOW_MS[channel];
  if (ms === null) return false;
  if (ms === Infinity) return true;
  return lastInboundAt !== null && now.getTime() - Date.parse(lastInboundAt) < ms;
}
