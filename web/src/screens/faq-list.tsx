// The FAQ: every intent with its coverage per language, on/off, and a search that ignores diacritics.
import { useEffect, useState } from 'preact/hooks';
import { get, patch } from '../api.ts';
import { fold } from '../fold.ts';
import { t } from '../i18n.ts';
import { Link } from '../router.tsx';
import { allowed, useSession } from '../session.tsx';
import type { IntentSummary } from '../types.ts';
import { Field, Loading, Notice, PageTitle, errorText, useLoad, useTitle } from '../ui/kit.tsx';
import { TryIt } from './try-it.tsx';

export function FaqList() {
  useTitle(t('faq.title'));
  const session = useSession();
  const canEdit = allowed(session.me!.user.role, 'editFaq');
  const intents = useLoad(() => get<{ intents: IntentSummary[] }>('/admin/intents'));
  const [query, setQuery] = useState('');
  const [error, setError] = useState('');
  const count = session.me!.unansweredCount ?? 0;

  // The server searches what parents write too ("hoc phi" finds fees by its utterances); the
  // list's own titles are matched here, so that the result follows each keystroke.
  const [serverQuery, setServerQuery] = useState('');
  useEffect(() => {
    const id = window.setTimeout(() => setServerQuery(query.trim()), 200);
    return () => clearTimeout(id);
  }, [query]);
  const found = useLoad(() => (serverQuery ? get<{ intents: IntentSummary[] }>(`/admin/intents?q=${encodeURIComponent(serverQuery)}`) : Promise.resolve(null)), [serverQuery]);
  const byServer = new Set((found.data?.intents ?? []).map((i) => i.id));

  const q = fold(query);
  const [show, setShow] = useState<'all' | 'missing' | 'off'>('all');
  const missing = (i: IntentSummary) => !i.handler && !(i.answers?.vi && i.answers?.en);
  const shown = (intents.data?.intents ?? [])
    .filter((i) => !q || fold(`${i.id} ${i.description} ${title(i)}`).includes(q) || byServer.has(i.id))
    .filter((i) => show === 'all' || (show === 'missing' ? missing(i) : i.enabled === false));

  const toggle = async (i: IntentSummary) => {
    setError('');
    try { await patch(`/admin/intents/${encodeURIComponent(i.id)}`, { enabled: i.enabled === false }); intents.reload(); } catch (err) { setError(errorText(err)); }
  };

  return (
    <section>
      <PageTitle>{t('faq.title')}</PageTitle>
      {allowed(session.me!.user.role, 'unanswered') && count > 0 && (
        <p class="banner"><Link href="/unanswered">{t('faq.unanswered', { count })}</Link></p>
      )}
      {canEdit && (
        <div class="row">
          <Link href="/faq/new" class="button primary">{t('faq.new')}</Link>
          <Link href="/faq/import" class="button">{t('faq.importExport')}</Link>
        </div>
      )}
      <div role="search" class="filters">
        <Field label={t('faq.search')} hint={t('faq.searchHint')}>
          {({ id, describedBy }) => (
            <input id={id} type="search" value={query} aria-describedby={describedBy} aria-controls="faq-results"
              onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
          )}
        </Field>
        <Field label={t('faq.show')}>
          {({ id }) => (
            <select id={id} value={show} aria-controls="faq-results" onChange={(e) => setShow((e.target as HTMLSelectElement).value as typeof show)}>
              <option value="all">{t('faq.showAll')}</option>
              <option value="missing">{t('faq.showMissing')}</option>
              <option value="off">{t('faq.showOff')}</option>
            </select>
          )}
        </Field>
      </div>
      <Notice kind="error">{error}</Notice>
      {intents.error ? <Notice kind="error">{errorText(intents.error)}</Notice> : !intents.data ? <Loading /> : (
        <>
          <p role="status" class="hint">{t('faq.shown', { count: shown.length })}</p>
          <ul class="list" id="faq-results">
            {shown.map((i) => (
              <li key={i.id} class="item intent" data-intent={i.id}>
                <div class="grow">
                  {canEdit ? <Link href={`/faq/${encodeURIComponent(i.id)}`}><strong>{title(i)}</strong></Link> : <strong>{title(i)}</strong>}
                  {title(i) !== i.description && <div>{i.description}</div>}
                  <div class="hint">
                    <code>{i.id}</code> · {t('faq.counts', { vi: i.utterances.vi, en: i.utterances.en })}
                    {' · '}
                    {i.handler && !i.answers?.vi ? t('faq.handler') : i.answers?.vi && i.answers?.en ? t('faq.bothAnswers') : (
                      <span class="warn"><span aria-hidden="true">⚠ </span>{i.answers?.vi ? t('faq.missingEn') : t('faq.missingVi')}</span>
                    )}
                  </div>
                </div>
                <label class="switch">
                  <input type="checkbox" role="switch" checked={i.enabled !== false} disabled={!canEdit} onChange={() => toggle(i)} />
                  <span>{i.enabled !== false ? t('faq.on') : t('faq.off')}</span>
                  <span class="sr-only"> – {title(i)}</span>
                </label>
              </li>
            ))}
          </ul>
        </>
      )}
      <TryIt />
    </section>
  );
}

/** The topic's name in the person's language for the shipped intents, else its description. */
export const title = (i: { id: string; description: string }) => t(`intentTitle.${i.id}`, { defaultValue: '' }) || i.description || i.id;
