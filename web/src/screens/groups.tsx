// Groups and subscribers: each group's members and how they joined, adding a parent who chats with
// Loa, importing a class roster (CSV) with the rows that matched nobody listed, and which class each
// Zalo group of the school's account belongs to (announcements to the class are posted there too).
import { useState } from 'preact/hooks';
import { ApiError, api, del, get, post, put } from '../api.ts';
import { t } from '../i18n.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { Field, Loading, Notice, PageTitle, TextInput, errorText, useLoad, useTitle } from '../ui/kit.tsx';
import type { ContactSummary, Group, Member, RosterResult, ZaloGroup } from './announcement-types.ts';
import { ScrollTable, channelName, schoolTime } from './announcement-parts.tsx';

export function Groups() {
  useTitle(t('groups.title'));
  const me = useSession().me!.user;
  const leader = me.role === 'admin' || me.role === 'principal';
  const { query } = useLocation();
  const groups = useLoad(() => get<{ groups: Group[] }>('/admin/groups'));
  // Staff limited to classes manage their classes' groups only.
  const manageable = (groups.data?.groups ?? []).filter((g) => me.role !== 'viewer' && (!me.classIds.length || me.classIds.includes(g.id)));
  const chosen = query.get('group') ?? manageable.find((g) => g.kind === 'class')?.id ?? manageable[0]?.id ?? '';

  return (
    <section>
      <p class="crumb"><Link href="/announcements">{t('announcements.back')}</Link></p>
      <PageTitle>{t('groups.title')}</PageTitle>
      {groups.error ? <Notice kind="error">{errorText(groups.error)}</Notice> : !groups.data ? <Loading /> : (
        <>
          <ScrollTable label={t('groups.title')}>
            <table>
              <caption class="sr-only">{t('groups.title')}</caption>
              <thead><tr><th scope="col">{t('groups.name')}</th><th scope="col">{t('groups.kindCol')}</th><th scope="col">{t('groups.subscribers')}</th></tr></thead>
              <tbody>
                {groups.data.groups.map((g) => (
                  <tr key={g.id}>
                    <th scope="row">{manageable.some((m) => m.id === g.id) ? <Link href={`/groups?group=${encodeURIComponent(g.id)}`} aria-current={g.id === chosen ? 'page' : undefined}>{g.name}</Link> : g.name}</th>
                    <td>{t(`groups.kind.${g.kind}`)}</td>
                    <td>{g.subscribers}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollTable>
          {leader && <NewGroup onDone={(id) => { groups.reload(); navigate(`/groups?group=${encodeURIComponent(id)}`); }} />}
          {chosen && <Members key={chosen} group={groups.data.groups.find((g) => g.id === chosen)!} onChange={groups.reload} />}
          <ZaloGroups canMap={leader} classes={groups.data.groups.filter((g) => g.kind === 'class')} />
        </>
      )}
    </section>
  );
}

function NewGroup(props: { onDone: (id: string) => void }) {
  const [name, setName] = useState('');
  const [id, setId] = useState('');
  const [error, setError] = useState('');
  const slug = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const create = async (e: Event) => {
    e.preventDefault();
    setError('');
    if (!name.trim()) { setError(t('groups.err.name')); return; }
    try {
      await post('/admin/groups', { id: id || slug(name), name: name.trim() });
      setName(''); setId('');
      props.onDone(id || slug(name));
    } catch (err) { setError(err instanceof ApiError && err.status === 409 ? t('groups.err.exists') : errorText(err)); }
  };
  return (
    <details class="card">
      <summary>{t('groups.new')}</summary>
      <form class="inline-form" onSubmit={create} aria-label={t('groups.new')}>
        <TextInput label={t('groups.name')} value={name} onInput={setName} />
        <TextInput label={t('groups.id')} value={id || slug(name)} onInput={(v) => setId(slug(v))} hint={t('groups.idHint')} />
        <button type="submit" class="primary">{t('groups.create')}</button>
      </form>
      <Notice kind="error">{error}</Notice>
    </details>
  );
}

function Members(props: { group: Group; onChange: () => void }) {
  const g = props.group;
  const members = useLoad(() => get<{ members: Member[] }>(`/admin/groups/${encodeURIComponent(g.id)}/members`), [g.id]);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const changed = (text: string) => { setNotice(text); members.reload(); props.onChange(); };
  const remove = async (m: Member) => {
    if (!window.confirm(t('groups.removeConfirm', { name: m.name ?? '?', group: g.name }))) return;
    try { await del(`/admin/groups/${encodeURIComponent(g.id)}/members/${encodeURIComponent(m.contactId)}`); changed(t('groups.removed', { name: m.name ?? '?' })); }
    catch (err) { setError(errorText(err)); }
  };
  return (
    <section class="card" aria-labelledby="members-h">
      <h2 id="members-h">{t('groups.members', { group: g.name })}</h2>
      <div aria-live="polite">{notice && <Notice kind="ok">{notice}</Notice>}</div>
      <Notice kind="error">{error}</Notice>
      {members.error ? <Notice kind="error">{errorText(members.error)}</Notice> : !members.data ? <Loading /> : members.data.members.length === 0 ? <p>{t('groups.noMembers')}</p> : (
        <ScrollTable label={t('groups.members', { group: g.name })}>
          <table data-testid="members">
            <caption class="sr-only">{t('groups.members', { group: g.name })}</caption>
            <thead><tr><th scope="col">{t('groups.parent')}</th><th scope="col">{t('announcements.recipients.channel')}</th><th scope="col">{t('groups.how')}</th><th scope="col">{t('groups.since')}</th><th scope="col"><span class="sr-only">{t('groups.actions')}</span></th></tr></thead>
            <tbody>
              {members.data.members.map((m) => (
                <tr key={m.contactId}>
                  <th scope="row">{m.name ?? t('announcements.recipients.unnamed')}</th>
                  <td>{channelName(m.channel)}</td>
                  <td>{t(`groups.source.${m.source}`)}</td>
                  <td>{schoolTime(m.consentedAt)}</td>
                  <td><button type="button" class="danger" onClick={() => remove(m)}>{t('groups.removeShort')}<span class="sr-only">: {m.name ?? '?'}</span></button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
      )}
      <AddMember group={g} onAdded={(name) => changed(t('groups.added', { name, group: g.name }))} />
      <Roster group={g} onDone={() => { members.reload(); props.onChange(); }} />
    </section>
  );
}

function AddMember(props: { group: Group; onAdded: (name: string) => void }) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState<ContactSummary[] | null>(null);
  const [error, setError] = useState('');
  const search = async (e: Event) => {
    e.preventDefault();
    setError('');
    try { setFound((await get<{ contacts: ContactSummary[] }>(`/admin/contacts?q=${encodeURIComponent(q)}`)).contacts.slice(0, 20)); }
    catch (err) { setError(errorText(err)); }
  };
  const add = async (c: ContactSummary) => {
    try {
      await put(`/admin/groups/${encodeURIComponent(props.group.id)}/members/${encodeURIComponent(c.id)}`, {});
      setFound(null); setQ('');
      props.onAdded(c.displayName ?? '?');
    } catch (err) { setError(errorText(err)); }
  };
  return (
    <details>
      <summary>{t('groups.add')}</summary>
      <form class="inline-form" role="search" onSubmit={search} aria-label={t('groups.add')}>
        <TextInput label={t('groups.searchParent')} value={q} onInput={setQ} hint={t('groups.searchHint')} />
        <button type="submit">{t('groups.search')}</button>
      </form>
      <Notice kind="error">{error}</Notice>
      {found && (found.length === 0 ? <p>{t('groups.noneFound')}</p> : (
        <ul class="list">
          {found.map((c) => (
            <li key={c.id} class="item">
              <span class="grow">{c.displayName ?? t('announcements.recipients.unnamed')} · {channelName(c.ref.channel)}</span>
              <button type="button" onClick={() => add(c)}>{t('groups.addShort')}<span class="sr-only">: {c.displayName ?? '?'}</span></button>
            </li>
          ))}
        </ul>
      ))}
    </details>
  );
}

function Roster(props: { group: Group; onDone: () => void }) {
  const [csv, setCsv] = useState('');
  const [result, setResult] = useState<RosterResult | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const readFile = async (e: Event) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) setCsv(await file.text());
  };
  const upload = async (e: Event) => {
    e.preventDefault();
    setError('');
    if (!csv.trim()) { setError(t('groups.roster.empty')); return; }
    setBusy(true);
    try {
      setResult(await api<RosterResult>('POST', `/admin/groups/${encodeURIComponent(props.group.id)}/roster`, csv, 'text/csv'));
      props.onDone();
    } catch (err) { setError(err instanceof ApiError && err.status === 400 ? t('groups.roster.bad', { message: err.message }) : errorText(err)); }
    setBusy(false);
  };
  return (
    <details>
      <summary>{t('groups.roster.title')}</summary>
      <form onSubmit={upload} aria-label={t('groups.roster.title')}>
        <p class="hint">{t('groups.roster.hint')}</p>
        <Field label={t('groups.roster.file')}>
          {({ id, describedBy }) => <input id={id} type="file" accept=".csv,text/csv,text/plain" aria-describedby={describedBy} onChange={readFile} />}
        </Field>
        <TextInput label={t('groups.roster.paste')} multiline rows={5} value={csv} onInput={setCsv} />
        <button type="submit" class="primary" disabled={busy}>{t('groups.roster.import')}</button>
      </form>
      <Notice kind="error">{error}</Notice>
      <div aria-live="polite">
        {result && (
          <div data-testid="roster-result">
            <Notice kind="ok">{t('groups.roster.result', { rows: result.rows, linked: result.linked.length, unmatched: result.unmatched.length })}</Notice>
            {result.unmatched.length > 0 && (
              <ScrollTable label={t('groups.roster.unmatched')}>
                <table>
                  <caption>{t('groups.roster.unmatched')}</caption>
                  <thead><tr><th scope="col">{t('groups.roster.row')}</th><th scope="col">{t('groups.parent')}</th><th scope="col">{t('groups.roster.why')}</th></tr></thead>
                  <tbody>
                    {result.unmatched.map((u) => <tr key={u.row}><td>{u.row}</td><th scope="row">{u.parent || '—'}</th><td>{t(`groups.roster.code.${u.code}`, { defaultValue: u.reason })}</td></tr>)}
                  </tbody>
                </table>
              </ScrollTable>
            )}
          </div>
        )}
      </div>
    </details>
  );
}

function ZaloGroups(props: { canMap: boolean; classes: Group[] }) {
  const list = useLoad(() => get<{ groups: ZaloGroup[] }>('/admin/zalo/groups'));
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const map = async (z: ZaloGroup, classId: string) => {
    setError('');
    try {
      await put(`/admin/zalo/groups/${encodeURIComponent(z.id)}`, { classId: classId || null });
      setNotice(classId ? t('groups.zalo.mapped', { group: z.name, class: props.classes.find((c) => c.id === classId)?.name ?? classId }) : t('groups.zalo.unmapped', { group: z.name }));
      list.reload();
    } catch (err) { setError(errorText(err)); }
  };
  const discover = async () => {
    setError('');
    try {
      const res = await post<{ found: number }>('/admin/zalo/groups/discover');
      setNotice(t('groups.zalo.found', { count: res.found }));
      list.reload();
    } catch (err) { setError(err instanceof ApiError && err.status === 404 ? t('groups.zalo.off') : errorText(err)); }
  };
  return (
    <section class="card" aria-labelledby="zalo-h">
      <h2 id="zalo-h">{t('groups.zalo.title')}</h2>
      <p class="hint">{t('groups.zalo.hint')}</p>
      <div aria-live="polite">{notice && <Notice kind="ok">{notice}</Notice>}</div>
      <Notice kind="error">{error}</Notice>
      {props.canMap && <button type="button" onClick={discover}>{t('groups.zalo.discover')}</button>}
      {list.error ? <Notice kind="error">{errorText(list.error)}</Notice> : !list.data ? <Loading /> : list.data.groups.length === 0 ? <p>{t('groups.zalo.none')}</p> : (
        <ul class="list">
          {list.data.groups.map((z) => (
            <li key={z.id} class="item">
              <span class="grow">{z.name}{z.memberCount ? ` · ${t('groups.zalo.members', { count: z.memberCount })}` : ''}</span>
              {props.canMap ? (
                <Field label={t('groups.zalo.classOf', { group: z.name })}>
                  {({ id }) => (
                    <select id={id} value={z.classId ?? ''} onChange={(e) => map(z, (e.target as HTMLSelectElement).value)}>
                      <option value="">{t('groups.zalo.noClass')}</option>
                      {props.classes.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
                    </select>
                  )}
                </Field>
              ) : <span>{z.classId ? props.classes.find((c) => c.id === z.classId)?.name ?? z.classId : t('groups.zalo.noClass')}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
