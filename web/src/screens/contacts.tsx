// Phụ huynh / Contacts: find a parent (search without diacritics, done by the API), read their
// conversation with Loa and with the school, and answer them yourself. What the API allows is what
// shows: staff see their classes' parents, anonymous comments' words stay hidden from them, and
// staff write only to a parent who asked for a person (the principal and admins speak for the school).
import { useState } from 'preact/hooks';
import { ApiError, get, post } from '../api.ts';
import { formatDateTime, t } from '../i18n.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { Field, Loading, Notice, PageTitle, TextInput, errorText, useLoad, useTitle, useUnsaved } from '../ui/kit.tsx';
import { className, useClasses } from '../care/parts.tsx';
import './channels.css';

interface Contact { id: string; ref: { channel: string }; displayName: string | null; firstSeenAt: string; lastInboundAt: string | null; children?: string[]; classIds?: string[] }
interface Turn { at: string; text: string; replies: string[]; intent: string | null }
interface StaffMessage { at: string; text: string; status: string; reason: string | null }

const channelName = (c: string) => t(`channels.name.${c}`, { defaultValue: c });
const reasonText = (r: string) => t(`channels.reason.${r}`, { defaultValue: r, nsSeparator: false });
const nameOf = (c: Contact) => c.displayName || t('contacts.noName', { channel: channelName(c.ref.channel) });

export function Contacts() {
  useTitle(t('contacts.title'));
  const [q, setQ] = useState('');
  const [asked, setAsked] = useState('');
  const list = useLoad(() => get<{ contacts: Contact[] }>(`/admin/contacts?q=${encodeURIComponent(asked)}`), [asked]);
  const classes = useClasses();
  // Two parents without a name differ by their children and classes.
  const family = (c: Contact) => [
    ...(c.children ?? []).map((name) => t('contacts.child', { name })),
    ...(c.classIds ?? []).map((id) => className(classes, id)),
  ].join(', ');
  return (
    <section>
      <PageTitle>{t('contacts.title')}</PageTitle>
      <form class="inline-form" role="search" onSubmit={(e) => { e.preventDefault(); setAsked(q.trim()); }}>
        <TextInput label={t('contacts.search')} hint={t('contacts.searchHint')} value={q} onInput={setQ} type="search" name="q" />
        <button type="submit" class="primary">{t('contacts.find')}</button>
      </form>
      {list.error ? <Notice kind="error">{errorText(list.error)}</Notice> : !list.data ? <Loading /> : list.data.contacts.length === 0 ? (
        <p role="status">{asked ? t('contacts.noneFound', { q: asked }) : t('contacts.none')}</p>
      ) : (<>
        <p class="hint" role="status">{t('contacts.shown', { count: list.data.contacts.length })}</p>
        <ul class="list" data-testid="contact-list">
          {list.data.contacts.map((c) => (
            <li class="item" key={c.id}>
              <div class="grow">
                <Link href={`/contacts/${encodeURIComponent(c.id)}`}>{nameOf(c)}</Link>
                {family(c) && <p data-testid="contact-family">{family(c)}</p>}
                <p class="hint">{channelName(c.ref.channel)}{c.lastInboundAt ? ` · ${t('contacts.lastWrote', { at: formatDateTime(c.lastInboundAt) })}` : ''}</p>
              </div>
            </li>
          ))}
        </ul>
      </>)}
    </section>
  );
}

export function ContactConversation({ id }: { id: string }) {
  const role = useSession().me!.user.role;
  const data = useLoad(() => get<{ contact: Contact; turns: Turn[]; staffMessages?: StaffMessage[] }>(`/admin/contacts/${encodeURIComponent(id)}/transcript`), [id]);
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [done, setDone] = useState('');
  const [error, setError] = useState('');
  useUnsaved('contact-message', text.trim() !== '');
  const title = data.data ? nameOf(data.data.contact) : t('contacts.conversation');
  useTitle(title);

  const send = async (e: Event) => {
    e.preventDefault();
    setError(''); setDone('');
    if (!text.trim()) { setError(t('contacts.empty')); return; }
    setSending(true);
    try {
      const res = await post<{ status: string }>(`/admin/contacts/${encodeURIComponent(id)}/messages`, { text: text.trim() });
      setText('');
      setDone(t(res.status === 'sent' ? 'contacts.sent' : 'contacts.queued'));
      data.reload();
    } catch (err) {
      // The text stays in the box whatever went wrong: nothing typed is lost.
      if (err instanceof ApiError && err.status === 403) setError(role === 'staff' ? t('contacts.handoffOnly') : errorText(err));
      else if (err instanceof ApiError && err.status === 409) setError(t('contacts.notSent', { reason: reasonText(err.message.replace(/^not sent: /, '')) }));
      else setError(errorText(err));
    } finally {
      setSending(false);
    }
  };

  // Parent's messages with Loa's replies, and what staff wrote, in time order.
  type Entry = { at: string; kind: 'parent' | 'bot' | 'staff'; text: string; status?: string; reason?: string | null };
  const entries: Entry[] = [];
  for (const turn of data.data?.turns ?? []) {
    entries.push({ at: turn.at, kind: 'parent', text: turn.text });
    for (const r of turn.replies) entries.push({ at: turn.at, kind: 'bot', text: r });
  }
  for (const m of data.data?.staffMessages ?? []) entries.push({ at: m.at, kind: 'staff', text: m.text, status: m.status, reason: m.reason });
  entries.sort((a, b) => a.at.localeCompare(b.at));

  return (
    <section>
      <p class="no-print"><Link href="/contacts">← {t('contacts.back')}</Link></p>
      <PageTitle>{title}</PageTitle>
      {data.error ? <Notice kind="error">{errorText(data.error)}</Notice> : !data.data ? <Loading /> : (<>
        <p class="hint">{channelName(data.data.contact.ref.channel)}{data.data.contact.lastInboundAt ? ` · ${t('contacts.lastWrote', { at: formatDateTime(data.data.contact.lastInboundAt) })}` : ''}</p>
        {entries.length === 0 ? <p>{t('contacts.noMessages')}</p> : (
          <ol class="conversation" aria-label={t('contacts.conversation')} data-testid="conversation">
            {entries.map((m, i) => (
              <li key={i} class={`msg msg-${m.kind}`}>
                <p class="msg-who">{t(`contacts.who.${m.kind}`)} · {formatDateTime(m.at)}
                  {m.kind === 'staff' && m.status ? ` · ${t(`contacts.status.${m.status}`, { defaultValue: m.status })}` : ''}</p>
                <p class="bubble">{m.text}</p>
                {m.kind === 'staff' && m.status === 'failed' && m.reason && <p class="warn">{t('contacts.notSent', { reason: reasonText(m.reason) })}</p>}
              </li>
            ))}
          </ol>
        )}
        <form onSubmit={send} class="reply-form">
          <h2>{t('contacts.write')}</h2>
          {role === 'staff' && <p class="hint">{t('contacts.staffRule')}</p>}
          <Field label={t('contacts.message')} hint={t('contacts.messageHint')}>
            {({ id: fid, describedBy }) => (
              <textarea id={fid} rows={4} maxLength={2000} value={text} aria-describedby={describedBy}
                onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
            )}
          </Field>
          <Notice kind="error">{error}</Notice>
          <Notice kind="ok">{done}</Notice>
          <button type="submit" class="primary" disabled={sending}>{sending ? t('contacts.sending') : t('contacts.send')}</button>
        </form>
      </>)}
    </section>
  );
}
