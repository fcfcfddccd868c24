// One live stream per open console (GET /api/admin/events), shared by every screen that listens.
// An event only says what changed; the screen asks the API again. A dropped stream comes back by
// itself: the browser retries what it can, and when it gives up (a 503 when too many consoles
// follow, a restart) we reconnect with a growing, jittered delay, then tell every listener to
// reload once, since events may have been missed meanwhile.
import { useEffect, useRef, useState } from 'preact/hooks';

export type LiveKind = 'comment' | 'absence' | 'alert' | 'broadcast' | 'question';
export interface LiveEvent { kind: LiveKind | 'resync'; action?: string; id?: number | null; classId?: string | null; severity?: string; status?: string }
export type LiveState = 'connecting' | 'live' | 'retrying';

const KINDS: LiveKind[] = ['comment', 'absence', 'alert', 'broadcast', 'question'];
const listeners = new Set<(e: LiveEvent) => void>();
const stateListeners = new Set<(s: LiveState) => void>();
let source: EventSource | null = null;
let state: LiveState = 'connecting';
let attempt = 0;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let wasLive = false;

function setState(next: LiveState): void {
  state = next;
  stateListeners.forEach((fn) => fn(next));
}

/** 1 s, 2 s, 4 s… up to 30 s, with jitter so that many consoles do not come back at once. */
export const backoffMs = (n: number) => Math.min(30_000, 1000 * 2 ** Math.min(n, 5)) * (0.75 + Math.random() * 0.5);

function connect(): void {
  if (source || typeof EventSource === 'undefined') return;
  const es = new EventSource('/api/admin/events', { withCredentials: true });
  source = es;
  es.addEventListener('hello', () => {
    attempt = 0;
    setState('live');
    // Back after a gap: what happened meanwhile was not heard.
    if (wasLive) listeners.forEach((fn) => fn({ kind: 'resync' }));
    wasLive = true;
  });
  for (const kind of KINDS) {
    es.addEventListener(kind, (m) => {
      let data: LiveEvent;
      try { data = { ...(JSON.parse((m as MessageEvent).data) as LiveEvent), kind }; } catch { return; }
      listeners.forEach((fn) => fn(data));
    });
  }
  es.onerror = () => {
    if (es.readyState === EventSource.CONNECTING) { setState('retrying'); return; } // the browser retries
    // Closed for good (an error status): our own back-off.
    es.close();
    source = null;
    setState('retrying');
    if (listeners.size === 0) return;
    retryTimer = setTimeout(() => { retryTimer = null; connect(); }, backoffMs(attempt++));
  };
}

function disconnect(): void {
  source?.close();
  source = null;
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = null;
  wasLive = false;
  setState('connecting');
}

/** Calls `onEvent` for each live event (and once after a reconnection, as `resync`). */
export function useLive(onEvent: (e: LiveEvent) => void): LiveState {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const [current, setCurrent] = useState<LiveState>(state);
  useEffect(() => {
    const fn = (e: LiveEvent) => handler.current(e);
    listeners.add(fn);
    stateListeners.add(setCurrent);
    connect();
    setCurrent(state);
    return () => {
      listeners.delete(fn);
      stateListeners.delete(setCurrent);
      // The last screen that listened is gone (signed out, or moving to a screen that does not
      // listen): the stream closes unless another screen listens again soon.
      setTimeout(() => { if (listeners.size === 0) disconnect(); }, 5000);
    };
  }, []);
  return current;
}

/**
 * One reload for a burst of events (a reply writes several rows at once), at most every `ms`: the
 * first event starts the wait, the ones during it join it. Unlike waiting for quiet, a steady
 * stream of events (a busy morning) still reloads the screen every `ms`.
 */
export function useCoalesced(fn: () => void, ms = 500): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => () => { if (timer.current) clearTimeout(timer.current); }, []);
  return () => {
    if (timer.current) return;
    timer.current = setTimeout(() => { timer.current = null; latest.current(); }, ms);
  };
}
