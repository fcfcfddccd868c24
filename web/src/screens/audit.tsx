// Who did what, when; filtered by person and by kind of action.
import { useState } from 'preact/hooks';
import { get } from '../api.ts';
import { formatDateTime, t } from '../i18n.ts';
import type { AuditEntry } from '../types.ts';
import { Field, Loading, Notice, PageTitle, errorText, useLoad, useTitle } from '../ui/kit.tsx';

export function AuditLog() {
  useTitle(t('audit.title'));
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const actions = useLoad(() => get<{ actions: string[] }>('/admin/audit/actions').catch(() => ({ actions: [] })));
  const everyone = useLoad(() => get<{ entries: AuditEntry[] }>('/admin/audit?limit=500').catch(() => ({ entries: [] as AuditEntry[] })));
  const entries = useLoad(() => {
    const q = new URLSearchParams({ limit: '200' });
    if (actor) q.set('actor', actor);
    if (action) q.set('action', action);
    if (since) q.set('since', since);
    if (until) q.set('until', until);
    return get<{ entries: AuditEntry[] }>(`/admin/audit?${q}`);
  }, [actor, action, since, until]);

  const people = new Map<string, string>();
  for (const e of everyone.data?.entries ?? []) people.set(e.actorId ?? e.actor, e.actorName ?? e.actor);

  return (
    <section>
      <PageTitle>{t('audit.title')}</PageTitle>
      <div class="filters">
        <Field label={t('audit.person')}>
          {({ id }) => (
            <select id={id} value={actor} onChange={(e) => setActor((e.target as HTMLSelectElement).value)}>
              <option value="">{t('audit.everyone')}</option>
              {[...people].map(([id2, name]) => <option key={id2} value={id2}>{name}</option>)}
            </select>
          )}
        </Field>
        <Field label={t('audit.kind')}>
          {({ id }) => (
            <select id={id} value={action} onChange={(e) => setAction((e.target as HTMLSelectElement).value)}>
              <option value="">{t('audit.allKinds')}</option>
              {(actions.data?.actions ?? []).map((a) => <option key={a} value={a}>{actionName(a)}</option>)}
            </select>
          )}
        </Field>
        <Field label={t('audit.since')}>
          {({ id }) => <input id={id} type="date" value={since} onChange={(e) => setSince((e.target as HTMLInputElement).value)} />}
        </Field>
        <Field label={t('audit.until')}>
          {({ id }) => <input id={id} type="date" value={until} onChange={(e) => setUntil((e.target as HTMLInputElement).value)} />}
        </Field>
      </div>
      {entries.error ? <Notice kind="error">{errorText(entries.error)}</Notice> : !entries.data ? <Loading /> : entries.data.entries.length === 0 ? (
        <p>{t('audit.none')}</p>
      ) : (<>
        <p class="hint" role="status" data-testid="audit-count">{t('audit.shown', { count: entries.data.entries.length })}</p>
        <div class="table-wrap" tabIndex={0} role="region" aria-label={t('audit.title')}>
          <table>
            <thead><tr><th scope="col">{t('audit.when')}</th><th scope="col">{t('audit.person')}</th><th scope="col">{t('audit.kind')}</th><th scope="col">{t('audit.target')}</th><th scope="col">{t('audit.details')}</th></tr></thead>
            <tbody>
              {entries.data.entries.map((e, i) => (
                <tr key={i}>
                  <td>{formatDateTime(e.at)}</td>
                  <td>{e.actorName ?? e.actor}</td>
                  <td><span title={e.action}>{actionName(e.action)}</span></td>
                  <td>{e.target ?? ''}</td>
                  <td class="details">{e.details === undefined || e.details === null ? '' : typeof e.details === 'string' ? e.details : JSON.stringify(e.details)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </>)}
    </section>
  );
}

/** The kind of an audit entry in the person's words; the code itself when it has none. */
const actionName = (action: string) => t(`action.${action.replace(/\./g, '_')}`, { defaultValue: action });
