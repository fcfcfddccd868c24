// Forms from a short description of the school data's fields (src/school/school-schema.ts), with
// each server error shown next to the field of its path ("items.0.amount").
import { t } from '../i18n.ts';
import { Field } from './kit.tsx';
import { emptyItem, type Desc, type Errors } from './form-data.ts';

export { clean, setAt, unshown, type Desc, type Errors } from './form-data.ts';
type Json = any;

const label = (key: string) => t(`school.f.${key}`);

export function Fields(props: { fields: Desc[]; value: Json; path: (string | number)[]; errors: Errors; onChange: (path: (string | number)[], v: Json) => void; disabled?: boolean }) {
  return <>{props.fields.map((f) => <One key={f.key} d={f} {...props} />)}</>;
}

function One(props: { d: Desc; value: Json; path: (string | number)[]; errors: Errors; onChange: (path: (string | number)[], v: Json) => void; disabled?: boolean }) {
  const { d, errors, onChange, disabled } = props;
  const path = [...props.path, d.key];
  const key = path.join('.');
  const v = props.value?.[d.key];
  const err = errors[key];
  switch (d.k) {
    case 'text': case 'time': case 'date': case 'number': case 'long':
      return (
        <Field label={label(d.key) + (d.optional ? ` ${t('common.optional')}` : '')} error={err}
          hint={d.k === 'time' ? t('school.timeHint') : d.k === 'date' ? t('school.dateHint') : undefined}>
          {({ id, describedBy, invalid }) => d.k === 'long' ? (
            <textarea id={id} rows={3} value={v ?? ''} disabled={disabled} aria-describedby={describedBy} aria-invalid={invalid || undefined}
              onInput={(e) => onChange(path, (e.target as HTMLTextAreaElement).value)} />
          ) : (
            <input id={id} value={v ?? ''} disabled={disabled} aria-describedby={describedBy} aria-invalid={invalid || undefined}
              type={(d.k === 'date' ? 'date' : d.k === 'time' ? 'time' : 'text') as 'text'} inputMode={d.k === 'number' ? 'numeric' : undefined}
              placeholder={d.k === 'time' ? '07:30' : d.k === 'date' ? '2026-09-05' : undefined}
              onInput={(e) => {
                const raw = (e.target as HTMLInputElement).value;
                onChange(path, d.k === 'number' && /^\d+(\.\d+)?$/.test(raw.replace(/[.,\s](?=\d{3}\b)/g, '')) ? Number(raw.replace(/[.,\s](?=\d{3}\b)/g, '')) : raw);
              }} />
          )}
        </Field>
      );
    case 'bilingual':
      return (
        <fieldset class={`bilingual${err ? ' invalid' : ''}`}>
          <legend>{label(d.key)}{d.optional ? ` ${t('common.optional')}` : ''}</legend>
          {(['vi', 'en'] as const).map((lng) => (
            <Field key={lng} label={t(`lang.${lng}`)} error={errors[`${key}.${lng}`] ?? (lng === 'vi' ? err : undefined)}>
              {({ id, describedBy, invalid }) => d.long ? (
                <textarea id={id} rows={4} lang={lng} value={v?.[lng] ?? ''} disabled={disabled} aria-describedby={describedBy} aria-invalid={invalid || undefined}
                  onInput={(e) => onChange([...path, lng], (e.target as HTMLTextAreaElement).value)} />
              ) : (
                <input id={id} lang={lng} value={v?.[lng] ?? ''} disabled={disabled} aria-describedby={describedBy} aria-invalid={invalid || undefined}
                  onInput={(e) => onChange([...path, lng], (e.target as HTMLInputElement).value)} />
              )}
            </Field>
          ))}
        </fieldset>
      );
    case 'select':
      return (
        <Field label={label(d.key)} error={err}>
          {({ id, describedBy }) => (
            <select id={id} value={v} disabled={disabled} aria-describedby={describedBy} onChange={(e) => onChange(path, (e.target as HTMLSelectElement).value)}>
              {d.options.map((o) => <option key={o} value={o}>{t(`school.opt.${o}`)}</option>)}
            </select>
          )}
        </Field>
      );
    case 'bool':
      return (
        <label class="check">
          <input type="checkbox" checked={!!v} disabled={disabled} onChange={(e) => onChange(path, (e.target as HTMLInputElement).checked)} />
          {label(d.key)}
        </label>
      );
    case 'tags':
      return (
        <Field label={label(d.key)} hint={t('school.tagsHint')} error={err}>
          {({ id, describedBy, invalid }) => (
            <input id={id} value={(v ?? []).join(', ')} disabled={disabled} aria-describedby={describedBy} aria-invalid={invalid || undefined}
              onChange={(e) => onChange(path, (e.target as HTMLInputElement).value.split(',').map((s) => s.trim()).filter(Boolean))} />
          )}
        </Field>
      );
    case 'weekdays':
      return (
        <fieldset class={err ? 'invalid' : ''}>
          <legend>{label(d.key)}</legend>
          {[1, 2, 3, 4, 5, 6, 0].map((day) => (
            <label class="check" key={day}>
              <input type="checkbox" checked={(v ?? []).includes(day)} disabled={disabled}
                onChange={(e) => onChange(path, (e.target as HTMLInputElement).checked ? [...(v ?? []), day].sort() : (v ?? []).filter((x: number) => x !== day))} />
              {t(`day.${day}`)}
            </label>
          ))}
          {err && <p class="field-error">{err}</p>}
        </fieldset>
      );
    case 'group':
      return (
        <fieldset class="group">
          <legend>{label(d.key)}{d.optional ? ` ${t('common.optional')}` : ''}</legend>
          {err && <p class="field-error">{err}</p>}
          <Fields fields={d.fields} value={v ?? {}} path={path} errors={errors} onChange={onChange} disabled={disabled} />
        </fieldset>
      );
    case 'list': {
      const items: Json[] = v ?? [];
      return (
        <fieldset class="list-field">
          <legend>{label(d.key)}</legend>
          {err && <p class="field-error">{err}</p>}
          {items.map((item, i) => (
            <fieldset class="list-item" key={i}>
              <legend>{t('school.item', { label: label(d.key), n: i + 1 })}</legend>
              <Fields fields={d.item} value={item} path={[...path, i]} errors={errors} onChange={onChange} disabled={disabled} />
              <button type="button" disabled={disabled} onClick={() => onChange(path, items.filter((_, k) => k !== i))}>
                {t('school.remove', { label: label(d.key), n: i + 1 })}
              </button>
            </fieldset>
          ))}
          <button type="button" disabled={disabled} onClick={() => onChange(path, [...items, emptyItem(d.item)])}>{t('school.add', { label: label(d.key) })}</button>
        </fieldset>
      );
    }
  }
}

