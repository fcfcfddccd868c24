// Mẫu trả lời: the school's ready answers to comments, edited by admins and offered on every
// comment's page. Saved whole with its version (someone else's save meanwhile is refused, and
// what was typed stays on the screen).
import { useEffect, useState } from 'preact/hooks';
import { get, put, ApiError } from '../api.ts';
import { t } from '../i18n.ts';
import { Link } from '../router.tsx';
import { Loading, Notice, PageTitle, TextInput, errorText, useLoad, useTitle, useUnsaved } from '../ui/kit.tsx';
import type { ReplyTemplate } from '../care/types.ts';

interface Stored { version: number; templates: ReplyTemplate[] }

const slug = (title: string, taken: string[]) => {
  const base = title.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 30) || 'mau';
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`;
  return id;
};

export function ReplyTemplates() {
  useTitle(t('comments.templates.title'));
  const loaded = useLoad(() => get<Stored>('/admin/reply-templates'));
  const [draft, setDraft] = useState<Stored | null>(null);
  const [saved, setSaved] = useState<string>('');
  const [error, setError] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  useEffect(() => { if (loaded.data && !draft) setDraft(structuredClone(loaded.data)); }, [loaded.data]);
  const changed = !!draft && !!loaded.data && JSON.stringify(draft.templates) !== JSON.stringify(loaded.data.templates);
  useUnsaved('reply-templates', changed);

  if (loaded.error) return <section><PageTitle>{t('comments.templates.title')}</PageTitle><Notice kind="error">{errorText(loaded.error)}</Notice></section>;
  if (!draft) return <Loading />;
  const edit = (i: number, patch: Partial<ReplyTemplate> & { vi?: string; en?: string }) => setDraft((d) => {
    const templates = d!.templates.map((x, j) => {
      if (j !== i) return x;
      const text = { ...x.text, ...(patch.vi !== undefined ? { vi: patch.vi } : {}), ...(patch.en !== undefined ? { en: patch.en } : {}) };
      return { ...x, ...(patch.title !== undefined ? { title: patch.title } : {}), text };
    });
    return { ...d!, templates };
  });
  const save = async (e: Event) => {
    e.preventDefault();
    setError(''); setSaved(''); setFields({});
    const templates = draft.templates.map((x) => ({ id: x.id, title: x.title, text: { vi: x.text.vi, ...(x.text.en?.trim() ? { en: x.text.en } : {}) } }));
    try {
      const next = await put<Stored>('/admin/reply-templates', { version: draft.version, templates });
      loaded.setData(next);
      setDraft(structuredClone(next));
      setSaved(t('comments.templates.saved'));
    } catch (err) {
      setError(errorText(err));
      if (err instanceof ApiError) setFields(err.fields);
    }
  };
  const fieldError = (i: number, name: string) => fields[`templates.${i}.${name}`];

  return (
    <section>
      <p><Link href="/comments">{t('comments.page.back')}</Link></p>
      <PageTitle>{t('comments.templates.title')}</PageTitle>
      <p class="hint">{t('comments.templates.intro')}</p>
      <form onSubmit={save} aria-label={t('comments.templates.title')}>
        {draft.templates.map((tpl, i) => (
          <fieldset key={tpl.id} class="card">
            <legend>{tpl.title || t('comments.templates.untitled')}</legend>
            <TextInput label={t('comments.templates.name')} value={tpl.title} error={fieldError(i, 'title')} onInput={(v) => edit(i, { title: v })} />
            <TextInput label={t('comments.templates.textVi')} multiline rows={3} value={tpl.text.vi} error={fieldError(i, 'text.vi')} onInput={(v) => edit(i, { vi: v })} />
            <TextInput label={t('comments.templates.textEn')} multiline rows={3} value={tpl.text.en ?? ''} error={fieldError(i, 'text.en')} onInput={(v) => edit(i, { en: v })} />
            <button type="button" class="danger" onClick={() => setDraft({ ...draft, templates: draft.templates.filter((_, j) => j !== i) })}>
              {t('comments.templates.remove', { title: tpl.title || t('comments.templates.untitled') })}
            </button>
          </fieldset>
        ))}
        <div class="row">
          <button type="button" onClick={() => setDraft({ ...draft, templates: [...draft.templates, { id: slug(t('comments.templates.untitled'), draft.templates.map((x) => x.id)), title: '', text: { vi: '' } }] })}>{t('comments.templates.add')}</button>
        </div>
        <div class="sticky-actions row">
          <button type="submit" class="primary" disabled={!changed}>{t('comments.templates.save')}</button>
        </div>
        <div aria-live="polite">{saved && <Notice kind="ok">{saved}</Notice>}</div>
        <Notice kind="error">{error}</Notice>
      </form>
    </section>
  );
}
