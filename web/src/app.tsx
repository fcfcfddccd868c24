// The console's shell: who is signed in, the navigation for their role, and the screen of the path.
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { get, post, setUnauthorizedHandler } from './api.ts';
import { lang, setLang, setSchoolTimeZone, t } from './i18n.ts';
import { Link, match, navigate, setLeaveQuestion, useLocation } from './router.tsx';
import { SessionContext, allowed, useSession, type Permission, type Session } from './session.tsx';
import type { Me } from './types.ts';
import { Forbidden, Loading, PageTitle, useTitle } from './ui/kit.tsx';
import { SignIn } from './screens/sign-in.tsx';
import { SetUp } from './screens/set-up.tsx';
import { Overview } from './screens/overview.tsx';
import { FaqList } from './screens/faq-list.tsx';
import { IntentEditor } from './screens/intent-editor.tsx';
import { ImportExport } from './screens/import-export.tsx';
import { Unanswered } from './screens/unanswered.tsx';
import { SchoolData } from './screens/school.tsx';
import { Users } from './screens/users.tsx';
import { AuditLog } from './screens/audit.tsx';
import { Account } from './screens/account.tsx';
import { Comments } from './screens/comments.tsx';
import { CommentDetail } from './screens/comment.tsx';
import { Absences } from './screens/absences.tsx';
import { ReplyTemplates } from './screens/reply-templates.tsx';
import { Announcements, NewAnnouncement } from './screens/announcements.tsx';
import { AnnouncementDetail } from './screens/announcement-detail.tsx';
import { Groups } from './screens/groups.tsx';
import { Reports } from './screens/reports.tsx';
import { Channels } from './screens/channels.tsx';
import { ContactConversation, Contacts } from './screens/contacts.tsx';
import { CommentsBadge } from './care/parts.tsx';

interface RouteDef { pattern: string; need?: Permission; view: (p: Record<string, string>) => ComponentChildren }

const ROUTES: RouteDef[] = [
  { pattern: '/', view: () => <Overview /> },
  { pattern: '/faq', view: () => <FaqList /> },
  { pattern: '/faq/new', need: 'editFaq', view: () => <IntentEditor /> },
  { pattern: '/faq/import', need: 'editFaq', view: () => <ImportExport /> },
  { pattern: '/faq/:id', need: 'editFaq', view: (p) => <IntentEditor key={p.id} id={p.id} /> },
  { pattern: '/unanswered', need: 'unanswered', view: () => <Unanswered /> },
  { pattern: '/school', need: 'editSchool', view: () => <SchoolData section="profile" /> },
  { pattern: '/school/:section', need: 'editSchool', view: (p) => <SchoolData section={p.section} /> },
  { pattern: '/users', need: 'users', view: () => <Users /> },
  { pattern: '/audit', need: 'audit', view: () => <AuditLog /> },
  { pattern: '/account', view: () => <Account /> },
  { pattern: '/more', view: () => <More /> },
  { pattern: '/comments', view: () => <Comments /> },
  { pattern: '/comments/templates', need: 'editReplyTemplates', view: () => <ReplyTemplates /> },
  { pattern: '/comments/:id', need: 'readComment', view: (p) => <CommentDetail key={p.id} id={p.id} /> },
  { pattern: '/absences', view: () => <Absences /> },
  { pattern: '/announcements', view: () => <Announcements /> },
  { pattern: '/announcements/new', view: () => <NewAnnouncement /> },
  { pattern: '/announcements/:id', view: (p) => <AnnouncementDetail key={p.id} id={p.id} /> },
  { pattern: '/groups', view: () => <Groups /> },
  { pattern: '/reports', need: 'reports', view: () => <Reports /> },
  { pattern: '/channels', need: 'channels', view: () => <Channels /> },
  { pattern: '/contacts', need: 'contacts', view: () => <Contacts /> },
  { pattern: '/contacts/:id', need: 'contacts', view: (p) => <ContactConversation key={p.id} id={p.id} /> },
];

export function App() {
  const { path } = useLocation();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  // A session that ends while someone works (expired, signed out elsewhere) asks for the password
  // over the screen, so that a form being filled in is still there afterwards.
  const [expired, setExpired] = useState(false);
  const [, setLangTick] = useState(0);

  const session: Session = useMemo(() => ({
    me: me ?? null,
    async refresh() {
      try {
        const me = await get<Me>('/admin/me');
        setSchoolTimeZone(me.timeZone);
        setMe(me);
      } catch { setMe(null); }
    },
    signedIn(next: Me) { setMe(next); setExpired(false); },
    signedOut() { setMe(null); setExpired(false); },
  }), [me]);

  useEffect(() => {
    setLeaveQuestion(() => window.confirm(t('common.leaveUnsaved')));
    setUnauthorizedHandler(() => setMe((current) => {
      if (current) setExpired(true);
      return current ? current : null;
    }));
    session.refresh();
  }, []);

  // After a move to another screen, focus its title so that screen readers announce it.
  const firstPath = useRef(path);
  useEffect(() => {
    if (path === firstPath.current) return;
    firstPath.current = '';
    const id = requestAnimationFrame(() => {
      const target = document.querySelector<HTMLElement>('main h1') ?? document.getElementById('main');
      target?.focus({ preventScroll: true });
    });
    return () => cancelAnimationFrame(id);
  }, [path]);

  const setup = match('/setup/:token', path);
  const changeLang = () => { setLang(lang() === 'vi' ? 'en' : 'vi'); setLangTick((n) => n + 1); };
  const langButton = (
    <button type="button" class="lang" onClick={changeLang} lang={lang() === 'vi' ? 'en' : 'vi'}>
      {lang() === 'vi' ? 'English' : 'Tiếng Việt'}
    </button>
  );

  let body: ComponentChildren;
  if (setup) {
    body = <SetUp token={setup.token} />;
  } else if (me === undefined) {
    body = <Loading />;
  } else if (me === null) {
    body = <SignIn />;
  } else {
    const route = ROUTES.map((r) => ({ r, p: match(r.pattern, path) })).find((x) => x.p);
    if (!route) body = <NotFound />;
    else if (route.r.need && !allowed(me.user.role, route.r.need)) body = <Forbidden />;
    else body = route.r.view(route.p!);
  }

  return (
    <SessionContext.Provider value={session}>
      <a class="skip" href="#main">{t('nav.skip')}</a>
      <header class="top">
        <span class="brand">{t('app.name')}</span>
        {me && <span class="who">{me.user.name} · {t(`role.${me.user.role}`)}</span>}
        {langButton}
      </header>
      <div class={me && !setup ? 'shell' : 'shell bare'}>
        {me && !setup && <Nav me={me} />}
        <main id="main" tabIndex={-1} inert={expired || undefined}>{body}</main>
      </div>
      {expired && me && <SessionExpired />}
    </SessionContext.Provider>
  );
}

interface NavItem { href: string; label: string; icon: string; extra?: ComponentChildren; phone?: boolean }

/** Every screen the role may open, in the order of the school's day. `phone` marks the four that
 *  stay in a phone's bottom bar; the others are one tap away under "Thêm". */
function navItems(me: Me): NavItem[] {
  const role = me.user.role;
  const count = me.unansweredCount ?? 0;
  const items: NavItem[] = [
    { href: '/', label: t('nav.overview'), icon: '⌂', phone: true },
    // The principal reads urgent comments and approves announcements on her phone in the evening.
    { href: '/comments', label: t('comments.nav'), icon: '✉', phone: true, extra: <CommentsBadge /> },
    { href: '/announcements', label: t('announcements.nav'), icon: '✎', phone: true },
    { href: '/groups', label: t('groups.nav'), icon: '⚇' },
    { href: '/absences', label: t('absences.nav'), icon: '◷', phone: !allowed(role, 'unanswered') },
    { href: '/faq', label: t('nav.faq'), icon: '?' },
  ];
  if (allowed(role, 'unanswered')) items.push({ href: '/unanswered', label: t('nav.unanswered'), icon: '!', phone: true,
    extra: count > 0 ? <span class="badge">{count}<span class="sr-only"> {t('nav.waiting')}</span></span> : null });
  if (allowed(role, 'contacts')) items.push({ href: '/contacts', label: t('contacts.nav'), icon: '☏' });
  if (allowed(role, 'reports')) items.push({ href: '/reports', label: t('reports.nav'), icon: '▤' });
  if (allowed(role, 'channels')) items.push({ href: '/channels', label: t('channels.nav'), icon: '⚑' });
  if (allowed(role, 'editSchool')) items.push({ href: '/school', label: t('nav.school'), icon: '▦' });
  if (allowed(role, 'users')) items.push({ href: '/users', label: t('nav.users'), icon: '☺' });
  if (allowed(role, 'audit')) items.push({ href: '/audit', label: t('nav.audit'), icon: '≡' });
  items.push({ href: '/account', label: t('nav.account'), icon: '⚙' });
  return items;
}

function NavLink({ it }: { it: NavItem }) {
  return <Link href={it.href}><span class="icon" aria-hidden="true">{it.icon}</span><span class="label">{it.label}</span>{it.extra}</Link>;
}

function Nav({ me }: { me: Me }) {
  return (
    <nav class="nav" aria-label={t('nav.label')}>
      <ul>
        {navItems(me).map((it) => <li key={it.href} class={it.phone ? 'on-phone' : 'desk-only'}><NavLink it={it} /></li>)}
        <li class="phone-only"><Link href="/more"><span class="icon" aria-hidden="true">☰</span><span class="label">{t('nav.more')}</span></Link></li>
      </ul>
    </nav>
  );
}

/** "Thêm" on a phone: every screen of the role, as large links. */
function More() {
  const { me } = useSession();
  useTitle(t('nav.more'));
  return (
    <section>
      <PageTitle>{t('nav.more')}</PageTitle>
      <ul class="more-list">{navItems(me!).map((it) => <li key={it.href}><NavLink it={it} /></li>)}</ul>
    </section>
  );
}

function SessionExpired() {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    // Escape would leave the screen unusable: the dialog stays until signed in again.
    const keep = (e: Event) => e.preventDefault();
    d?.addEventListener('cancel', keep);
    return () => d?.removeEventListener('cancel', keep);
  }, []);
  return (
    <dialog ref={ref} class="expired" aria-labelledby="expired-h">
      <h2 id="expired-h">{t('expired.title')}</h2>
      <p>{t('expired.body')}</p>
      <SignIn inDialog />
    </dialog>
  );
}

function NotFound() {
  return (
    <section>
      <h1 tabIndex={-1}>{t('notFound.title')}</h1>
      <p><Link href="/">{t('notFound.home')}</Link></p>
    </section>
  );
}

export async function signOut(session: Session, everywhere = false): Promise<void> {
  try { await post(everywhere ? '/auth/logout-all' : '/auth/logout'); } finally {
    session.signedOut();
    navigate('/', true, true);
  }
}
