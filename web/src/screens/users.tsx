// People: create one (a set-up link to send on Zalo), change role and classes, deactivate, new link.
import { useState } from 'preact/hooks';
import { get, patch, post } from '../api.ts';
import { formatDateTime, t } from '../i18n.ts';
import type { Role, SchoolData, User } from '../types.ts';
import { CopyButton, Field, Loading, Notice, PageTitle, TextInput, errorText, useLoad, useTitle } from '../ui/kit.tsx';

const ROLES: Role[] = ['admin', 'principal', 'staff', 'viewer'];

export function Users() {
  useTitle(t('users.title'));
  const users = useLoad(() => get<{ users: User[] }>('/admin/users'));
  const classes = useLoad(() => get<{ data: SchoolData['classes'] }>('/admin/school/classes').catch(() => ({ data: [] as SchoolData['classes'] })));
  const [link, setLink] = useState<{ who: string; url: string; expiresAt: string } | null>(null);
  const [error, setError] = useState('');

  const showLink = (who: string, res: { setupUrl: string; expiresAt: string }) =>
    setLink({ who, url: new URL(res.setupUrl, location.origin).href, expiresAt: res.expiresAt });

  const toggle = async (u: User) => {
    setError('');
    try { await patch(`/admin/users/${encodeURIComponent(u.id)}`, { disabled: !u.disabled }); users.reload(); } catch (err) { setError(errorText(err)); }
  };
  const newLink = async (u: User) => {
    setError('');
    try { showLink(u.name, await post(`/admin/users/${encodeURIComponent(u.id)}/setup-link`)); } catch (err) { setError(errorText(err)); }
  };

  return (
    <section>
      <PageTitle>{t('users.title')}</PageTitle>
      <NewUser classes={classes.data?.data ?? []} onCreated={(name, res) => { showLink(name, res); users.reload(); }} />
      {link && (
        <div class="secret" role="status" aria-live="polite">
          <p>{t('users.linkFor', { name: link.who, at: formatDateTime(link.expiresAt) })}</p>
          <code data-testid="setup-url">{link.url}</code> <CopyButton text={link.url} label={t('users.copyLink')} />
        </div>
      )}
      <Notice kind="error">{error}</Notice>
      <h2>{t('users.list')}</h2>
      {users.error ? <Notice kind="error">{errorText(users.error)}</Notice> : !users.data ? <Loading /> : (
        <ul class="list">
          {users.data.users.map((u) => (
            <li key={u.id} class="item">
              <div>
                <strong>{u.name}</strong> {u.username ? <span class="hint">@{u.username}</span> : <span class="warn">({t('users.noUsername')})</span>}
                <div class="hint">{t(`role.${u.role}`)}{u.classIds.length ? ` · ${u.classIds.join(', ')}` : ''}{u.disabled ? ` · ${t('users.disabled')}` : ''}</div>
              </div>
              <EditUser user={u} classes={classes.data?.data ?? []} onSaved={users.reload} />
              <div class="row">
                <button type="button" onClick={() => newLink(u)} aria-label={t('users.newLinkFor', { name: u.name })}>{t('users.newLink')}</button>
                <button type="button" onClick={() => toggle(u)} aria-label={t(u.disabled ? 'users.enableFor' : 'users.disableFor', { name: u.name })}>
                  {u.disabled ? t('users.enable') : t('users.disable')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function NewUser(props: { classes: SchoolData['classes']; onCreated: (name: string, res: { setupUrl: string; expiresAt: string }) => void }) {
  const [username, setUsername] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('staff');
  const [classIds, setClassIds] = useState<string[]>([]);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState('');

  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    const local: Record<string, string> = {};
    if (!username.trim()) local.username = t('common.required');
    if (!name.trim()) local.name = t('common.required');
    setFields(local);
    if (Object.keys(local).length) return;
    try {
      const res = await post<{ setupUrl: string; expiresAt: string }>('/admin/users', {
        username: username.trim(), name: name.trim(), role, ...(role === 'staff' ? { classIds } : {}),
      });
      props.onCreated(name.trim(), res);
      setUsername(''); setName(''); setClassIds([]);
    } catch (err: any) {
      setFields(err.fields ?? {});
      setError(errorText(err));
    }
  };

  return (
    <form onSubmit={submit} class="card" noValidate aria-labelledby="new-user-h">
      <h2 id="new-user-h">{t('users.new')}</h2>
      <TextInput label={t('users.username')} hint={t('users.usernameHint')} value={username} onInput={setUsername} error={fields.username} autoComplete="off" />
      <TextInput label={t('users.name')} value={name} onInput={setName} error={fields.name} autoComplete="off" />
      <RoleAndClasses role={role} setRole={setRole} classIds={classIds} setClassIds={setClassIds} classes={props.classes} errors={fields} />
      <Notice kind="error">{error}</Notice>
      <button type="submit" class="primary">{t('users.create')}</button>
    </form>
  );
}

/** Changing someone's role or classes, folded under their name until needed. */
function EditUser(props: { user: User; classes: SchoolData['classes']; onSaved: () => void }) {
  const u = props.user;
  const [role, setRole] = useState<Role>(u.role);
  const [username, setUsername] = useState(u.username ?? '');
  const [classIds, setClassIds] = useState<string[]>(u.classIds);
  const [error, setError] = useState('');
  const [ok, setOk] = useState('');
  const save = async (e: Event) => {
    e.preventDefault();
    setError(''); setOk('');
    try {
      await patch(`/admin/users/${encodeURIComponent(u.id)}`, {
        role, classIds: role === 'staff' ? classIds : [], ...(username.trim() && username.trim() !== u.username ? { username: username.trim() } : {}),
      });
      setOk(t('users.saved'));
      props.onSaved();
    } catch (err: any) {
      setError(Object.values(err.fields ?? {}).join(' ') || errorText(err));
    }
  };
  return (
    <details class="edit-user">
      <summary>{t('users.edit', { name: u.name })}</summary>
      <form onSubmit={save} noValidate>
        <TextInput label={t('users.username')} hint={u.username ? undefined : t('users.noUsername')} value={username} onInput={setUsername} autoComplete="off" />
        <RoleAndClasses role={role} setRole={setRole} classIds={classIds} setClassIds={setClassIds} classes={props.classes} errors={{}} />
        <Notice kind="error">{error}</Notice>
        <Notice kind="ok">{ok}</Notice>
        <button type="submit">{t('users.save')}</button>
      </form>
    </details>
  );
}

/** A person's role, and for staff the classes they look after (the same fields when creating and editing). */
function RoleAndClasses(props: {
  role: Role; setRole: (r: Role) => void; classIds: string[]; setClassIds: (update: (ids: string[]) => string[]) => void;
  classes: SchoolData['classes']; errors: Record<string, string>;
}) {
  const { role, classIds, errors } = props;
  return (
    <>
      <Field label={t('users.role')} error={errors.role}>
        {({ id, describedBy }) => (
          <select id={id} aria-describedby={describedBy} value={role} onChange={(e) => props.setRole((e.target as HTMLSelectElement).value as Role)}>
            {ROLES.map((r) => <option value={r} key={r}>{t(`role.${r}`)}</option>)}
          </select>
        )}
      </Field>
      {role === 'staff' && props.classes.length > 0 && (
        <fieldset>
          <legend>{t('users.classes')}</legend>
          {props.classes.map((c) => (
            <label class="check" key={c.id}>
              <input type="checkbox" checked={classIds.includes(c.id)}
                onChange={(e) => props.setClassIds((ids) => (e.target as HTMLInputElement).checked ? [...ids, c.id] : ids.filter((x) => x !== c.id))} />
              {c.name}
            </label>
          ))}
          {errors.classIds && <p class="field-error">{errors.classIds}</p>}
        </fieldset>
      )}
    </>
  );
}
