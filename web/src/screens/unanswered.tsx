// What Loa could not answer, similar messages grouped (most frequent first): add to an intent
// (best guesses first), make a new FAQ already filled in, or ignore; every action can be undone.
import { useState } from 'preact/hooks';
import { get, post } from '../api.ts';
import { formatDateTime, percent, t } from '../i18n.ts';
import { navigate } from '../router.tsx';
import { allowed, useSession } from '../session.tsx';
import type { IntentSummary, UnansweredGroup } from '../types.ts';
import { Field, Loading, Notice, PageTitle, errorText, useId, useLoad, useTitle } from '../ui/kit.tsx';
import { PREFILL_KEY, Training, type Prefill } from './intent-editor.tsx';
import { title } from './faq-list.tsx';
import { TryIt } from './try-it.tsx';

export function Unanswered() {
  useTitle(t('unanswered.title'));
  const session = useSession();
  const canEditFaq = allowed(session.me!.user.role, 'editFaq');
  const groups = useLoad(() => get<{ groups: UnansweredGroup[]; total: number }>('/admin/questions/unanswered/groups'));
  const intents = useLoad(() => get<{ intents: IntentSummary[] }>('/admin/intents'));
  const [done, setDone] = useState<{ text: string; undoId?: string } | null>(null);
  const [error, setError] = useState('');
  const [trainings, setTrainings] = useState(0);

  const resolve = async (g: UnansweredGroup, ids: string[], action: 'add_to_intent' | 'ignore', intentId?: string) => {
    setError('');
    try {
      const res = await post<{ undoId: string }>('/admin/questions/unanswered/resolve', { ids, action, intentId });
      setDone({ text: action === 'ignore' ? t('unanswered.ignored', { sample: g.sample }) : t('unanswered.added', { sample: g.sample, intent: intentId }), undoId: res?.undoId });
      if (action !== 'ignore') setTrainings((n) => n + 1);
      groups.reload();
      session.refresh();
    } catch (err) { setError(errorText(err)); }
  };
  const undo = async () => {
    if (!done?.undoId) return;
    try {
      await post('/admin/questions/unanswered/undo', { undoId: done.undoId });
      setDone({ text: t('unanswered.undone') });
      groups.reload();
      session.refresh();
    } catch (err) { setError(errorText(err)); }
  };
  const newFaq = (g: UnansweredGroup, ids: string[]) => {
    const messages = g.messages.filter((m) => ids.includes(m.id));
    // Each message goes to its own language's utterances.
    const of = (lng: 'vi' | 'en') => [...new Set(messages.filter((m) => (m.locale === 'en' ? 'en' : 'vi') === lng).map((m) => m.text.trim()))];
    const prefill: Prefill = { ids, texts: { vi: of('vi'), en: of('en') } };
    try { sessionStorage.setItem(PREFILL_KEY, JSON.stringify(prefill)); } catch { /* ignore */ }
    navigate('/faq/new?from=unanswered');
  };

  return (
    <section>
      <PageTitle>{t('unanswered.title')}</PageTitle>
      <div aria-live="polite">
        {done && (
          <div class="notice notice-ok" role="status">
            <span aria-hidden="true">✓ </span>{done.text}{' '}
            {done.undoId && <button type="button" onClick={undo}>{t('unanswered.undo')}</button>}
          </div>
        )}
      </div>
      {trainings > 0 && <Training key={trainings} show />}
      <Notice kind="error">{error}</Notice>
      {groups.error ? <Notice kind="error">{errorText(groups.error)}</Notice> : !groups.data ? <Loading /> : (
        <>
          <p class="hint" data-testid="unanswered-total">{t('unanswered.total', { count: groups.data.total })}</p>
          {groups.data.groups.length === 0 && <p>{t('unanswered.empty')}</p>}
          <ul class="list groups">
            {groups.data.groups.map((g) => (
              <Group key={g.key} group={g} intents={intents.data?.intents ?? []} canEditFaq={canEditFaq}
                onAdd={(ids, id) => resolve(g, ids, 'add_to_intent', id)} onIgnore={(ids) => resolve(g, ids, 'ignore')} onNew={(ids) => newFaq(g, ids)} />
            ))}
          </ul>
        </>
      )}
      <TryIt />
    </section>
  );
}

function Group(props: {
  group: UnansweredGroup; intents: IntentSummary[]; canEditFaq: boolean;
  onAdd: (ids: string[], intentId: string) => void; onIgnore: (ids: string[]) => void; onNew: (ids: string[]) => void;
}) {
  const g = props.group;
  const guessed = new Set(g.guesses.map((x) => x.intent));
  // The actions apply to the messages ticked: the whole group unless some are unticked.
  const [chosen, setChosen] = useState<string[]>(() => g.messages.map((m) => m.id));
  // Nothing is chosen for the person: a low-confidence guess clicked through would teach Loa wrong.
  const [target, setTarget] = useState('');
  const headingId = useId('group');
  return (
    <li class="item group card" aria-labelledby={headingId} data-group={g.sample}>
      <div class="grow">
        <h2 id={headingId} class="sample">“{g.sample}”</h2>
        <p class="hint">{t('unanswered.count', { count: g.count })} · {t('unanswered.last', { at: formatDateTime(g.lastAt) })}</p>
        {g.messages.length > 1 && (
          <details>
            <summary>{t('unanswered.messages', { count: g.messages.length })}</summary>
            <ul>
              {g.messages.map((m) => (
                <li key={m.id}>
                  <label class="check">
                    <input type="checkbox" checked={chosen.includes(m.id)}
                      onChange={(e) => setChosen((ids) => (e.target as HTMLInputElement).checked ? [...ids, m.id] : ids.filter((x) => x !== m.id))} />
                    <span>{m.text} <span class="hint">{m.guess ? `(${m.guess.intent} ${percent(m.guess.confidence)})` : ''}</span></span>
                  </label>
                </li>
              ))}
            </ul>
          </details>
        )}
        <div class="actions">
          <Field label={t('unanswered.addTo')}>
            {({ id }) => (
              <select id={id} value={target} onChange={(e) => setTarget((e.target as HTMLSelectElement).value)}>
                <option value="">{t('unanswered.choose')}</option>
                {g.guesses.length > 0 && (
                  <optgroup label={t('unanswered.bestGuesses')}>
                    {g.guesses.map((x) => <option key={x.intent} value={x.intent}>{title(props.intents.find((i) => i.id === x.intent) ?? { id: x.intent, description: '' })} ({percent(x.confidence)})</option>)}
                  </optgroup>
                )}
                <optgroup label={t('unanswered.allIntents')}>
                  {props.intents.filter((i) => !guessed.has(i.id)).map((i) => <option key={i.id} value={i.id}>{title(i)}</option>)}
                </optgroup>
              </select>
            )}
          </Field>
          <div class="row">
            <button type="button" class="primary" disabled={!target || !chosen.length} onClick={() => props.onAdd(chosen, target)}>{t('unanswered.add')}</button>
            {props.canEditFaq && <button type="button" disabled={!chosen.length} onClick={() => props.onNew(chosen)}>{t('unanswered.newFaq')}</button>}
            <button type="button" disabled={!chosen.length} onClick={() => props.onIgnore(chosen)}>{t('unanswered.ignore')}</button>
          </div>
        </div>
      </div>
    </li>
  );
}
