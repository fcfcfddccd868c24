// A comment's page: what the parent wrote, the conversation around it, its category, sentiment and
// severity, its history, and the actions: reply (the school's templates; through the parent's own
// channel, or kept pending when the platform's window is closed, and said so), status, category,
// an internal note, and assignment for the principal and admins. A failed save keeps what was typed.
import { useState } from 'preact/hooks';
import { ApiError, get, post, put } from '../api.ts';
import { t } from '../i18n.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { Field, Loading, Notice, PageTitle, errorText, useLoad, useTitle, useUnsaved } from '../ui/kit.tsx';
import { useCoalesced, useLive } from '../care/live.ts';
import { Deadline, LiveStatus, Severity, Status, className, dateTime, parentName, useClasses, useNow } from '../care/parts.tsx';
import { CATEGORIES, type Assignee, type CommentEvent, type CommentPage, type CommentStatus, type ReplyTemplate } from '../care/types.ts';
import { NEXT_STATUSES } from '../../../src/features/comments/comment-statuses.ts';

/** Which status may follow which (the server checks again). */

export function CommentDetail(props: { id: string }) {
  const session = useSession();
  const role = session.me!.user.role;
  const leader = role === 'admin' || role === 'principal';
  const page = useLoad(() => get<CommentPage>(`/admin/comments/${encodeURIComponent(props.id)}`), [props.id]);
  const templates = useLoad(() => get<{ templates: ReplyTemplate[] }>('/admin/reply-templates').then((r) => r.templates), []);
  const assignees = useLoad(() => (leader ? get<{ assignees: Assignee[] }>(`/admin/comments/${encodeURIComponent(props.id)}/assignees`).then((r) => r.assignees) : Promise.resolve([])), [props.id]);
  const classes = useClasses();
  const now = useNow();
  const reload = useCoalesced(() => page.reload());
  const live = useLive((e) => { if (e.kind === 'resync' || (e.kind === 'comment' && String(e.id) === props.id)) reload(); });
  const c = page.data?.comment;
  useTitle(c ? `${c.code} – ${t('comments.title')}` : t('comments.title'));

  if (page.error) {
    return (
      <section>
        <PageTitle>{t('comments.title')}</PageTitle>
        <Notice kind="error">{page.error instanceof ApiError && page.error.status === 404 ? t('comments.page.notFound') : errorText(page.error)}</Notice>
        <p><Link href="/comments">{t('comments.page.back')}</Link></p>
      </section>
    );
  }
  if (!page.data || !c) return <Loading />;
  const assigned = [...page.data.history].reverse().find((e) => e.kind === 'assign');

  return (
    <section>
      <p><Link href="/comments">{t('comments.page.back')}</Link></p>
      <PageTitle>{t('comments.page.title', { code: c.code })}</PageTitle>
      <LiveStatus state={live} />
      <p>
        <Severity severity={c.severity} /> <Status status={c.status} />
        {c.overdue && <span class="tag urgent">{t('comments.overdue')}</span>}{' '}
        <Deadline dueAt={c.dueAt} firstResponseAt={c.firstResponseAt} status={c.status} now={now} />
      </p>
      <div class="desk-cols">
        <div>
          <div class="card">
            <h2>{t('comments.page.parentWrote')}</h2>
            <p class="parent-text" data-testid="parent-text">{c.text}</p>
            <dl class="try-result">
              <dt>{t('comments.page.parent')}</dt><dd data-testid="parent-name">{parentName(c)}{c.ref ? ` · ${t(`comments.page.channel.${c.ref.channel}`)}` : ''}</dd>
              <dt>{t('comments.classLabel')}</dt><dd>{className(classes, c.classId)}</dd>
              <dt>{t('comments.categoryLabel')}</dt><dd>{t(`comments.category.${c.category}`)}</dd>
              <dt>{t('comments.page.sentiment')}</dt><dd>{t(`comments.page.sentimentOf.${c.sentiment ?? 'neutral'}`)}</dd>
              <dt>{t('comments.page.severity')}</dt><dd>{c.severity === 'urgent' ? t('comments.urgent') : t('comments.page.normal')}</dd>
              <dt>{t('comments.page.received')}</dt><dd>{dateTime(c.createdAt)}</dd>
              <dt>{t('comments.page.assignedTo')}</dt><dd data-testid="assigned-to">{assigned ? String(assigned.details.name ?? assigned.details.to) : t('comments.page.nobody')}</dd>
            </dl>
          </div>
          <Reply id={props.id} status={c.status} channel={c.ref?.channel ?? null} templates={templates.data ?? []} onDone={page.reload} />
          <Conversation turns={page.data.conversation} />
        </div>
        <div>
          {leader && <Assign id={props.id} current={c.assignedTo ?? null} assignees={assignees.data ?? []} onDone={page.reload} />}
          <StatusForm id={props.id} status={c.status} onDone={page.reload} />
          <PickForm id={props.id} name="cat" title={t('comments.page.correctCategory')} label={t('comments.categoryLabel')} value={c.category}
            options={CATEGORIES.map((k) => ({ value: k, label: t(`comments.category.${k}`) }))}
            save={(category) => put(`/admin/comments/${props.id}/category`, { category })}
            saved={t('comments.page.categorySaved')} button={t('comments.page.saveCategory')} onDone={page.reload} />
          {/* The class: set when the parent did not say (a safety report often does not), so that
              the class's teachers see the comment and it can be given to one of them. */}
          {leader && <PickForm id={props.id} name="class" title={t('comments.page.setClass')} label={t('comments.classLabel')} value={c.classId ?? ''}
            options={[{ value: '', label: t('comments.page.noClass') }, ...classes.map((k) => ({ value: k.id, label: k.name }))]}
            save={(classId) => put(`/admin/comments/${props.id}/class`, { classId: classId || null })}
            saved={t('comments.page.classSaved')} button={t('comments.page.saveClass')} onDone={page.reload} />}
          <NoteForm id={props.id} onDone={page.reload} />
          <History events={page.data.history} classes={classes} />
        </div>
      </div>
    </section>
  );
}

/** A small form's state: busy, its error, its success message. */
function useAction(onDone: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [ok, setOk] = useState('');
  const run = async (fn: () => Promise<string>) => {
    setBusy(true); setError(''); setOk('');
    try { setOk(await fn()); onDone(); } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  return { busy, error, ok, run };
}

function Reply(props: { id: string; status: string; channel: string | null; templates: ReplyTemplate[]; onDone: () => void }) {
  const [text, setText] = useState('');
  const a = useAction(props.onDone);
  useUnsaved(`reply-${props.id}`, text.trim().length > 0);
  const send = (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return;
    void a.run(async () => {
      const r = await post<{ delivery: string }>(`/admin/comments/${props.id}/reply`, { text });
      setText(''); // only once it is saved: a failure keeps what was written
      return t(`comments.page.delivery.${r.delivery}`);
    });
  };
  if (props.status === 'closed') return null;
  return (
    <form class="card" onSubmit={send} aria-labelledby={`reply-h-${props.id}`}>
      <h2 id={`reply-h-${props.id}`}>{t('comments.page.replyTitle')}</h2>
      <p class="hint">{props.channel ? t('comments.page.replyHow', { channel: t(`comments.page.channel.${props.channel}`) }) : t('comments.page.noChannel')}</p>
      {props.templates.length > 0 && (
        <Field label={t('comments.page.template')}>
          {({ id }) => (
            <select id={id} value="" onChange={(e) => {
              const [tid, lng] = (e.target as HTMLSelectElement).value.split('|');
              const tpl = props.templates.find((x) => x.id === tid);
              // What was already written stays: the template goes after it.
              if (tpl) setText((current) => [current.trim(), lng === 'en' && tpl.text.en ? tpl.text.en : tpl.text.vi].filter(Boolean).join('\n'));
            }}>
              <option value="">{t('comments.page.chooseTemplate')}</option>
              {props.templates.map((tpl) => [
                <option key={tpl.id} value={`${tpl.id}|vi`}>{tpl.title}</option>,
                tpl.text.en ? <option key={`${tpl.id}-en`} value={`${tpl.id}|en`}>{tpl.title} (English)</option> : null,
              ])}
            </select>
          )}
        </Field>
      )}
      <Field label={t('comments.page.replyText')}>
        {({ id }) => <textarea id={id} rows={4} maxLength={2000} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />}
      </Field>
      <div class="row"><button type="submit" class="primary" disabled={a.busy || !text.trim()}>{t('comments.page.send')}</button></div>
      <div aria-live="polite">
        {a.ok && <Notice kind="ok">{a.ok}</Notice>}
      </div>
      <Notice kind="error">{a.error}</Notice>
    </form>
  );
}

function Assign(props: { id: string; current: string | null; assignees: Assignee[]; onDone: () => void }) {
  const [to, setTo] = useState('');
  const a = useAction(props.onDone);
  return (
    <form class="card" aria-labelledby={`assign-h-${props.id}`} onSubmit={(e) => {
      e.preventDefault();
      if (to) void a.run(async () => { await post(`/admin/comments/${props.id}/assign`, { userId: to }); return t('comments.page.assigned'); });
    }}>
      <h2 id={`assign-h-${props.id}`}>{t('comments.page.assign')}</h2>
      <Field label={t('comments.page.assignTo')}>
        {({ id }) => (
          <select id={id} value={to} onChange={(e) => setTo((e.target as HTMLSelectElement).value)}>
            <option value="">{t('comments.page.choosePerson')}</option>
            {props.assignees.map((u) => <option key={u.id} value={u.id}>{u.name} · {t(`role.${u.role}`)}{u.id === props.current ? ` (${t('comments.page.current')})` : ''}</option>)}
          </select>
        )}
      </Field>
      <button type="submit" disabled={!to || a.busy}>{t('comments.page.assignButton')}</button>
      <div aria-live="polite">{a.ok && <Notice kind="ok">{a.ok}</Notice>}</div>
      <Notice kind="error">{a.error}</Notice>
    </form>
  );
}

function StatusForm(props: { id: string; status: string; onDone: () => void }) {
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');
  const a = useAction(props.onDone);
  const next = NEXT_STATUSES[props.status as CommentStatus] ?? [];
  if (next.length === 0) return null;
  return (
    <form class="card" aria-labelledby={`status-h-${props.id}`} onSubmit={(e) => {
      e.preventDefault();
      if (to) void a.run(async () => { await post(`/admin/comments/${props.id}/status`, { status: to, ...(note.trim() ? { note } : {}) }); setTo(''); setNote(''); return t('comments.page.statusSaved'); });
    }}>
      <h2 id={`status-h-${props.id}`}>{t('comments.page.changeStatus')}</h2>
      <Field label={t('comments.page.newStatus')}>
        {({ id }) => (
          <select id={id} value={to} onChange={(e) => setTo((e.target as HTMLSelectElement).value)}>
            <option value="">{t('comments.page.chooseStatus')}</option>
            {next.map((s) => <option key={s} value={s}>{t(`comments.status.${s}`)}</option>)}
          </select>
        )}
      </Field>
      <Field label={t('comments.page.statusNote')}>
        {({ id }) => <input id={id} value={note} maxLength={2000} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />}
      </Field>
      <p class="hint">{t('comments.page.statusIsNotAnswer')}</p>
      <button type="submit" disabled={!to || a.busy}>{t('comments.page.saveStatus')}</button>
      <div aria-live="polite">{a.ok && <Notice kind="ok">{a.ok}</Notice>}</div>
      <Notice kind="error">{a.error}</Notice>
    </form>
  );
}

/** One field of the comment corrected from a list (its category, its class): saved only when changed. */
function PickForm(props: {
  id: string; name: string; title: string; label: string; value: string; options: { value: string; label: string }[];
  save: (to: string) => Promise<unknown>; saved: string; button: string; onDone: () => void;
}) {
  const [to, setTo] = useState(props.value);
  const a = useAction(props.onDone);
  const heading = `${props.name}-h-${props.id}`;
  return (
    <form class="card" aria-labelledby={heading} onSubmit={(e) => {
      e.preventDefault();
      if (to !== props.value) void a.run(async () => { await props.save(to); return props.saved; });
    }}>
      <h2 id={heading}>{props.title}</h2>
      <Field label={props.label}>
        {({ id }) => (
          <select id={id} value={to} onChange={(e) => setTo((e.target as HTMLSelectElement).value)}>
            {props.options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
          </select>
        )}
      </Field>
      <button type="submit" disabled={to === props.value || a.busy}>{props.button}</button>
      <div aria-live="polite">{a.ok && <Notice kind="ok">{a.ok}</Notice>}</div>
      <Notice kind="error">{a.error}</Notice>
    </form>
  );
}

function NoteForm(props: { id: string; onDone: () => void }) {
  const [text, setText] = useState('');
  const a = useAction(props.onDone);
  useUnsaved(`note-${props.id}`, text.trim().length > 0);
  return (
    <form class="card" aria-labelledby={`note-h-${props.id}`} onSubmit={(e) => {
      e.preventDefault();
      if (text.trim()) void a.run(async () => { await post(`/admin/comments/${props.id}/notes`, { text }); setText(''); return t('comments.page.noteSaved'); });
    }}>
      <h2 id={`note-h-${props.id}`}>{t('comments.page.note')}</h2>
      <Field label={t('comments.page.noteText')} hint={t('comments.page.noteHint')}>
        {({ id, describedBy }) => <textarea id={id} rows={3} maxLength={5000} aria-describedby={describedBy} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />}
      </Field>
      <button type="submit" disabled={!text.trim() || a.busy}>{t('comments.page.saveNote')}</button>
      <div aria-live="polite">{a.ok && <Notice kind="ok">{a.ok}</Notice>}</div>
      <Notice kind="error">{a.error}</Notice>
    </form>
  );
}

function describe(e: CommentEvent, classes: { id: string; name: string }[]): string {
  const d = e.details as Record<string, any>;
  switch (e.kind) {
    case 'status': return t('comments.page.event.status', { from: t(`comments.status.${d.from}`), to: t(`comments.status.${d.to}`) }) + (d.note ? ` — ${d.note}` : '');
    case 'class': return t('comments.page.event.class', { from: className(classes, (d.from as string) ?? null), to: className(classes, (d.to as string) ?? null) });
    case 'category': return t('comments.page.event.category', { from: t(`comments.category.${d.from}`), to: t(`comments.category.${d.to}`) });
    case 'assign': return t('comments.page.event.assign', { name: d.name ?? d.to });
    case 'note': return `${t('comments.page.event.note')}: ${d.text}`;
    case 'reply': return `${t('comments.page.event.reply')} (${t(`comments.page.delivery.${d.delivery}`)}): ${d.text}`;
    case 'detail': return `${t('comments.page.event.detail')}: ${d.text}`;
    default: return t(`comments.page.event.${e.kind}`);
  }
}

function History(props: { events: CommentEvent[]; classes: { id: string; name: string }[] }) {
  return (
    <div class="card">
      <h2>{t('comments.page.history')}</h2>
      <ol class="history" data-testid="history">
        {props.events.map((e) => (
          <li key={e.id} data-kind={e.kind}>
            <span class="hint">{dateTime(e.at)} · {e.actor === 'parent' ? t('comments.page.parent') : e.actor === 'loa' ? 'Loa' : e.actor.replace(/ \([^)]*\)$/, '')}</span>
            <div>{describe(e, props.classes)}</div>
          </li>
        ))}
      </ol>
    </div>
  );
}

function Conversation(props: { turns: CommentPage['conversation'] }) {
  return (
    <div class="card conversation last-on-phone">
      <h2>{t('comments.page.conversation')}</h2>
      {props.turns === null ? <p>{t('comments.page.conversationHidden')}</p> : props.turns.length === 0 ? <p>{t('comments.page.conversationEmpty')}</p> : (
        <ol class="list">
          {props.turns.map((turn, i) => (
            <li key={i}>
              <p class="hint">{dateTime(turn.at)}</p>
              <p class="bubble from-parent"><span class="sr-only">{t('comments.page.parent')}: </span>{turn.text}</p>
              {turn.replies.map((r, j) => <p key={j} class="bubble from-loa"><span class="sr-only">Loa: </span>{r}</p>)}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
