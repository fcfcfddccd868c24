// Thử ngay / Try it: what Loa would answer a parent now, with the intent and its confidence.
// The server writes nothing to the transcript for these.
import { useState } from 'preact/hooks';
import { post } from '../api.ts';
import { percent, t } from '../i18n.ts';
import type { TryResult } from '../types.ts';
import { Notice, TextInput, errorText } from '../ui/kit.tsx';

export function TryIt() {
  const [text, setText] = useState('');
  const [result, setResult] = useState<TryResult | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setError('');
    try { setResult(await post<TryResult>('/admin/try', { text })); } catch (err) { setError(errorText(err)); setResult(null); } finally { setBusy(false); }
  };
  return (
    <section class="card try" aria-labelledby="try-h">
      <h2 id="try-h">{t('try.title')}</h2>
      <p class="hint">{t('try.hint')}</p>
      <form onSubmit={submit} class="inline-form" noValidate>
        <TextInput label={t('try.message')} value={text} onInput={setText} name="try" />
        <button type="submit" disabled={busy}>{t('try.send')}</button>
      </form>
      <Notice kind="error">{error}</Notice>
      <div aria-live="polite" data-testid="try-result">
        {result && (
          <dl class="try-result">
            <dt>{t('try.intent')}</dt>
            <dd><strong>{result.intent}</strong> ({percent(result.confidence)}){result.rejected ? ` · ${t('try.rejected')}` : ''}</dd>
            <dt>{t('try.runnerUp')}</dt>
            <dd>{result.runnerUp ? `${result.runnerUp.intent} (${percent(result.runnerUp.confidence)})` : '—'}</dd>
            <dt>{t('try.answer')}</dt>
            <dd>
              {result.replies.map((r, i) => (
                <div class="bubble" key={i}>
                  {r.text}
                  {r.quickReplies?.length ? <div class="chips">{r.quickReplies.map((q) => <span class="chip" key={q.payload}>{q.title}</span>)}</div> : null}
                </div>
              ))}
            </dd>
          </dl>
        )}
      </div>
    </section>
  );
}
