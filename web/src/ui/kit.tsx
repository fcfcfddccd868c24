// Small shared pieces: labelled fields with their error next to them, live notices, copy button.
import type { ComponentChildren } from 'preact';
import { useEffect, useState, useCallback } from 'preact/hooks';
import { ApiError } from '../api.ts';
import { markUnsaved } from '../router.tsx';
import { t } from '../i18n.ts';

let nextId = 0;
export const useId = (prefix = 'f') => useState(() => `${prefix}-${++nextId}`)[0];

/** The text a person reads for a failed request, in their language. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return t('error.network');
    if (err.status === 429) return t('error.too_many', { seconds: err.retryAfter ?? 30 });
    if (err.code === 'stale') return t('error.stale');
    if (err.status === 403) return t('error.forbidden');
    return err.message || t('error.generic', { status: err.status });
  }
  return t('error.generic', { status: '?' });
}

export function Field(props: {
  label: string; error?: string; hint?: string; children: (a: { id: string; describedBy?: string; invalid: boolean }) => ComponentChildren;
}) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errId = props.error ? `${id}-err` : undefined;
  const describedBy = [hintId, errId].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${props.error ? ' invalid' : ''}`}>
      <label for={id}>{props.label}</label>
      {props.hint && <p class="hint" id={hintId}>{props.hint}</p>}
      {props.children({ id, describedBy, invalid: !!props.error })}
      {props.error && <p class="field-error" id={errId}><span aria-hidden="true">⚠ </span>{props.error}</p>}
    </div>
  );
}

export function TextInput(props: {
  label: string; value: string; onInput: (v: string) => void; error?: string; hint?: string;
  type?: string; autoComplete?: string; required?: boolean; name?: string; multiline?: boolean; rows?: number; inputMode?: string;
}) {
  return (
    <Field label={props.label} error={props.error} hint={props.hint}>
      {({ id, describedBy, invalid }) => props.multiline ? (
        <textarea id={id} name={props.name} rows={props.rows ?? 3} value={props.value} aria-invalid={invalid || undefined}
          aria-describedby={describedBy} required={props.required}
          onInput={(e) => props.onInput((e.target as HTMLTextAreaElement).value)} />
      ) : (
        <input id={id} name={props.name} type={(props.type ?? 'text') as 'text'} value={props.value} autoComplete={props.autoComplete}
          required={props.required} aria-invalid={invalid || undefined} aria-describedby={describedBy}
          inputMode={props.inputMode as any}
          onInput={(e) => props.onInput((e.target as HTMLInputElement).value)} />
      )}
    </Field>
  );
}

/** A message read out by screen readers when it changes (role=status or alert). */
export function Notice(props: { kind?: 'ok' | 'error' | 'info'; children?: ComponentChildren }) {
  const kind = props.kind ?? 'info';
  return (
    <div class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {props.children ? <>{kind === 'error' ? <span aria-hidden="true">⚠ </span> : kind === 'ok' ? <span aria-hidden="true">✓ </span> : null}{props.children}</> : null}
    </div>
  );
}

export function CopyButton(props: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
    } catch {
      // Without clipboard permission: select the text so that the person can copy it.
      const el = document.createElement('textarea');
      el.value = props.text;
      document.body.appendChild(el);
      el.select();
      try { document.execCommand('copy'); } catch { /* nothing more to try */ }
      el.remove();
    }
    setDone(true);
    setTimeout(() => setDone(false), 2500);
  };
  return (
    <span>
      <button type="button" onClick={copy}>{props.label ?? t('common.copy')}</button>
      <span role="status" class="copied">{done ? t('common.copied') : ''}</span>
    </span>
  );
}

export function Forbidden() {
  return (
    <section aria-labelledby="forbidden-h">
      <h1 id="forbidden-h" tabIndex={-1}>{t('forbidden.title')}</h1>
      <p>{t('forbidden.body')}</p>
    </section>
  );
}

export function Loading() {
  return <p role="status" class="loading">{t('common.loading')}</p>;
}

/** Loads data once (and again on reload()); errors are kept for display. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setError(undefined);
    load().then((d) => { if (live) setData(d); }, (e) => { if (live) setError(e); });
    return () => { live = false; };
  }, [...deps, n]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  return { data, error, reload, setData };
}

export function PageTitle(props: { children: ComponentChildren }) {
  // The title gets focus on each screen change so that screen readers announce the new screen.
  return <h1 tabIndex={-1} class="page-title" ref={(el) => { if (el && document.activeElement === document.body) el.focus({ preventScroll: true }); }}>{props.children}</h1>;
}

export function useTitle(title: string) {
  useEffect(() => { document.title = `${title} – Loa`; }, [title]);
}

/** Marks a form as holding unsaved changes while `changed` is true (and never after it is gone). */
export function useUnsaved(form: string, changed: boolean) {
  useEffect(() => {
    markUnsaved(form, changed);
    return () => markUnsaved(form, false);
  }, [form, changed]);
}
