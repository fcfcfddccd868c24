// The person's own account: personal API tokens, signing out (here or everywhere), and on a phone
// the screens the bottom bar has no room for.
import { useState } from 'preact/hooks';
import { del, get, post } from '../api.ts';
import { signOut } from '../app.tsx';
import { formatDateTime, t } from '../i18n.ts';
import { Link } from '../router.tsx';
import { allowed, useSession } from '../session.tsx';
import type { ApiToken } from '../types.ts';
import { CopyButton, Loading, Notice, PageTitle, TextInput, errorText, useLoad, useTitle } from '../ui/kit.tsx';

export function Account() {
  useTitle(t('account.title'));
  const session = useSession();
  const role = session.me!.user.role;
  const tokens = useLoad(() => get<{ tokens: ApiToken[] }>('/admin/tokens'));
  const [name, setName] = useState('');
  const [days, setDays] = useState('90');
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  const create = async (e: Event) => {
    e.preventDefault();
    setError('');
    setFieldErrors({});
    if (!name.trim()) { setFieldErrors({ name: t('common.required') }); return; }
    try {
      const res = await post<{ token: string }>('/admin/tokens', { name: name.trim(), days: Number(days) || undefined });
      setCreated(res.token);
      setName('');
      tokens.reload();
    } catch (err: any) {
      setFieldErrors(err.fields ?? {});
      setError(errorText(err));
    }
  };
  const revoke = async (id: string) => {
    try { await del(`/admin/tokens/${encodeURIComponent(id)}`); tokens.reload(); } catch (err) { setError(errorText(err)); }
  };

  return (
    <section>
      <PageTitle>{t('account.title')}</PageTitle>
      {(allowed(role, 'users') || allowed(role, 'audit')) && (
        <ul class="more-links">
          {allowed(role, 'users') && <li><Link href="/users">{t('nav.users')}</Link></li>}
          {allowed(role, 'audit') && <li><Link href="/audit">{t('nav.audit')}</Link></li>}
        </ul>
      )}
      {(allowed(role, 'contacts') || allowed(role, 'reports') || allowed(role, 'channels')) && (
        <ul class="more-links">
          {allowed(role, 'contacts') && <li><Link href="/contacts">{t('contacts.nav')}</Link></li>}
          {allowed(role, 'reports') && <li><Link href="/reports">{t('reports.nav')}</Link></li>}
          {allowed(role, 'channels') && <li><Link href="/channels">{t('channels.nav')}</Link></li>}
        </ul>
      )}
      <div class="row">
        <button type="button" onClick={() => signOut(session, false)}>{t('account.signOut')}</button>
        <button type="button" onClick={() => signOut(session, true)}>{t('account.signOutAll')}</button>
      </div>

      <h2>{t('account.tokens')}</h2>
      <p class="hint">{t('account.tokensHint')}</p>
      {tokens.error ? <Notice kind="error">{errorText(tokens.error)}</Notice> : !tokens.data ? <Loading /> : tokens.data.tokens.length === 0 ? (
        <p>{t('account.noTokens')}</p>
      ) : (
        <ul class="list">
          {tokens.data.tokens.map((tok) => (
            <li key={tok.id} class="item">
              <div>
                <strong>{tok.name}</strong>
                <div class="hint">
                  {t('account.created', { at: formatDateTime(tok.createdAt) })}
                  {tok.expiresAt ? ` · ${t('account.expires', { at: formatDateTime(tok.expiresAt) })}` : ''}
                  {tok.lastUsedAt ? ` · ${t('account.lastUsed', { at: formatDateTime(tok.lastUsedAt) })}` : ''}
                </div>
              </div>
              <button type="button" onClick={() => revoke(tok.id)} aria-label={t('account.revokeNamed', { name: tok.name })}>{t('account.revoke')}</button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={create} class="inline-form" noValidate>
        <TextInput label={t('account.tokenName')} value={name} onInput={setName} error={fieldErrors.name} />
        <TextInput label={t('account.days')} value={days} onInput={setDays} type="number" inputMode="numeric" error={fieldErrors.days} />
        <button type="submit">{t('account.newToken')}</button>
      </form>
      {created && (
        <div class="secret" role="status">
          <p>{t('account.tokenOnce')}</p>
          <code>{created}</code> <CopyButton text={created} />
        </div>
      )}
      <Notice kind="error">{error}</Notice>
    </section>
  );
}
