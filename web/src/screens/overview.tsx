import { useEffect } from 'preact/hooks';
import { t } from '../i18n.ts';
import { Link } from '../router.tsx';
import { allowed, useSession } from '../session.tsx';
import { PageTitle, useTitle } from '../ui/kit.tsx';

export function Overview() {
  useTitle(t('overview.title'));
  const session = useSession();
  useEffect(() => { session.refresh(); }, []);
  const me = session.me!;
  // Unknown until /me answers (signing in gives the user only): "…" rather than a wrong 0.
  const count = me.unansweredCount;
  return (
    <section>
      <PageTitle>{t('overview.hello', { name: me.user.name })}</PageTitle>
      <ul class="cards">
        {allowed(me.user.role, 'unanswered') && (
          <li class="card">
            <h2>{t('nav.unanswered')}</h2>
            <p class="big" data-testid="unanswered-count">{count ?? '…'}</p>
            {count !== undefined && <p>{count > 0 ? t('overview.unanswered', { count }) : t('overview.noneUnanswered')}</p>}
            <Link href="/unanswered">{t('overview.openUnanswered')}</Link>
          </li>
        )}
        <li class="card">
          <h2>{t('nav.faq')}</h2>
          <p>{t('overview.faq')}</p>
          <Link href="/faq">{t('overview.openFaq')}</Link>
        </li>
        {allowed(me.user.role, 'editSchool') && (
          <li class="card">
            <h2>{t('nav.school')}</h2>
            <p>{t('overview.school')}</p>
            <Link href="/school/menus">{t('overview.openMenu')}</Link>
          </li>
        )}
      </ul>
    </section>
  );
}
