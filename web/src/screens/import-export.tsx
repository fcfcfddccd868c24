// Import and export of the FAQ: YAML (as the intents/ folder), CSV (a spreadsheet), Botpress v12 Q&A.
// An import is checked whole first (each bad row with its line number); it applies all or nothing.
import { useState } from 'preact/hooks';
import { ApiError, api } from '../api.ts';
import { t } from '../i18n.ts';
import { Link } from '../router.tsx';
import { Field, Notice, PageTitle, errorText, useTitle } from '../ui/kit.tsx';
import { Training } from './intent-editor.tsx';

type Format = 'yaml' | 'csv' | 'botpress';
const FORMATS: Format[] = ['csv', 'yaml', 'botpress'];
interface ImportResult { ok: boolean; errors: { line: number; message: string }[]; created?: number; updated?: number }

export function ImportExport() {
  useTitle(t('io.title'));
  const [format, setFormat] = useState<Format>('csv');
  const [text, setText] = useState('');
  const [checked, setChecked] = useState<ImportResult | null>(null);
  const [applied, setApplied] = useState<ImportResult | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const run = async (dryRun: boolean) => {
    setBusy(true);
    setError('');
    if (!dryRun) setApplied(null);
    try {
      const res = await api<ImportResult>('POST', `/admin/intents/import?format=${format}${dryRun ? '&dryRun=1' : ''}`, text, 'text/plain');
      if (dryRun) setChecked(res); else { setApplied(res); setChecked(null); }
    } catch (err) {
      if (err instanceof ApiError && err.lines.length) setChecked({ ok: false, errors: err.lines });
      else setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const readFile = async (e: Event) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) { setText(await file.text()); setChecked(null); setApplied(null); }
  };

  return (
    <section>
      <p><Link href="/faq">← {t('intent.back')}</Link></p>
      <PageTitle>{t('io.title')}</PageTitle>
      <Field label={t('io.format')}>
        {({ id }) => (
          <select id={id} value={format} onChange={(e) => { setFormat((e.target as HTMLSelectElement).value as Format); setChecked(null); }}>
            {FORMATS.map((f) => <option key={f} value={f}>{t(`io.format_${f}`)}</option>)}
          </select>
        )}
      </Field>
      <h2>{t('io.export')}</h2>
      <p><a class="button" href={`/api/admin/intents/export?format=${format}`} download>{t('io.download', { format: t(`io.format_${format}`) })}</a></p>
      <h2>{t('io.import')}</h2>
      <p class="hint">{t(`io.help_${format}`)}</p>
      <Field label={t('io.file')}>
        {({ id }) => <input id={id} type="file" accept=".csv,.yaml,.yml,.json,.txt" onChange={readFile} />}
      </Field>
      <Field label={t('io.text')}>
        {({ id }) => <textarea id={id} rows={10} value={text} spellcheck={false} onInput={(e) => { setText((e.target as HTMLTextAreaElement).value); setChecked(null); }} />}
      </Field>
      <div class="row">
        <button type="button" onClick={() => run(true)} disabled={busy || !text.trim()}>{t('io.check')}</button>
        <button type="button" class="primary" onClick={() => run(false)} disabled={busy || !checked?.ok}>{t('io.apply')}</button>
      </div>
      <Notice kind="error">{error}</Notice>
      <div aria-live="polite">
        {checked && (checked.ok
          ? <Notice kind="ok">{t('io.checkedOk', { created: checked.created ?? 0, updated: checked.updated ?? 0 })}</Notice>
          : (
            <div class="notice notice-error" role="alert">
              <p>{t('io.checkedBad', { count: checked.errors.length })}</p>
              <ul>{checked.errors.map((e, i) => <li key={i}>{t('io.line', { line: e.line, message: e.message })}</li>)}</ul>
            </div>
          ))}
        {applied && <Notice kind="ok">{t('io.applied', { created: applied.created ?? 0, updated: applied.updated ?? 0 })}</Notice>}
        {applied && <Training show />}
      </div>
    </section>
  );
}
