// A tiny history router for /admin/…: the path as state, links that do not reload the page.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/admin';
const listeners = new Set<() => void>();

export function currentPath(): string {
  const p = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname;
  return p === '' ? '/' : p;
}

/** Forms with unsaved changes; leaving them asks first (links here, closing or reloading the page). */
const unsaved = new Set<string>();
let askLeave: () => boolean = () => true;
export const setLeaveQuestion = (ask: () => boolean) => { askLeave = ask; };
export function markUnsaved(form: string, isUnsaved: boolean): void {
  if (isUnsaved) unsaved.add(form);
  else unsaved.delete(form);
}
addEventListener('beforeunload', (e) => {
  if (unsaved.size) e.preventDefault();
});

export function navigate(to: string, replace = false, force = false): void {
  if (!force && unsaved.size && !replace) {
    if (!askLeave()) return;
    unsaved.clear();
  }
  const url = BASE + (to === '/' ? '/' : to);
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  listeners.forEach((fn) => fn());
  window.scrollTo(0, 0);
}

addEventListener('popstate', () => listeners.forEach((fn) => fn()));

export function useLocation(): { path: string; query: URLSearchParams } {
  const [, bump] = useState(0);
  useEffect(() => {
    const fn = () => bump((n) => n + 1);
    listeners.add(fn);
    return () => { listeners.delete(fn); };
  }, []);
  return { path: currentPath(), query: new URLSearchParams(location.search) };
}

/** Matches "/faq/:id" against "/faq/fees" → { id: 'fees' }; null when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const a = pattern.split('/').filter(Boolean);
  const b = path.split('/').filter(Boolean);
  if (a.length !== b.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    if (a[i].startsWith(':')) params[a[i].slice(1)] = decodeURIComponent(b[i]);
    else if (a[i] !== b[i]) return null;
  }
  return params;
}

export function Link(props: { href: string; children: ComponentChildren; class?: string; 'aria-current'?: 'page' | undefined }) {
  const { href, children } = props;
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  const active = currentPath() === href || (href !== '/' && currentPath().startsWith(href + '/'));
  return (
    <a href={BASE + href} onClick={onClick} class={props.class} aria-current={props['aria-current'] ?? (active ? 'page' : undefined)}>
      {children}
    </a>
  );
}
