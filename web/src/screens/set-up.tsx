// The one-time set-up link: choose a password, then signed in.
import { useState } from 'preact/hooks';
import { ApiError, get, post } from '../api.ts';
import { formatDateTime, t } from '../i18n.ts';
import { navigate } from '../router.tsx';
import { useSession } from '../session.tsx';
import type { Me } from '../types.ts';
import { Loading, Notice, PageTitle, TextInput, errorText, useLoad, useTitle } from '../ui/kit.tsx';

export function SetUp({ token }: { token: string }) {
  useTitle(t('setUp.title'));
  const session = useSession();
  const link = useLoad(() => get<{ username: string; name: string; expiresAt: string }>(`/auth/setup/${encodeURIComponent(token)}`), [token]);
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [errors, setErrors] = useState<{ password?: string; again?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const [show, setShow] = useState(false);

  if (link.error) {
    return (
      <section class="narrow card">
        <PageTitle>{t('setUp.expiredTitle')}</PageTitle>
        <Notice kind="error">{t('setUp.expired')}</Notice>
      </section>
    );
  }
  if (!link.data) return <Loading />;

  const submit = async (e: Event) => {
    e.preventDefault();
    const next: typeof errors = {};
    if (password.length < 8) next.password = t('setUp.tooShort');
    if (again !== password) next.again = t('setUp.mismatch');
    setErrors(next);
    if (next.password || next.again) return;
    setBusy(true);
    try {
      await post(`/auth/setup/${encodeURIComponent(token)}`, { password });
      session.signedIn(await get<Me>('/admin/me'));
      navigate('/', true);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'weak_password') setErrors({ password: err.message || t('setUp.weak') });
      else if (err instanceof ApiError && (err.status === 404 || err.status === 410)) setErrors({ form: t('setUp.expired') });
      else setErrors({ password: err instanceof ApiError ? err.fields.password : undefined, form: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="narrow card">
      <PageTitle>{t('setUp.title')}</PageTitle>
      <p>{t('setUp.hello', { name: link.data.name, username: link.data.username })}</p>
      <p class="hint">{t('setUp.validUntil', { at: formatDateTime(link.data.expiresAt) })}</p>
      <form onSubmit={submit} noValidate>
        <input type="text" name="username" value={link.data.username} autoComplete="username" hidden readOnly />
        <TextInput label={t('setUp.password')} hint={t('setUp.rule')} value={password} onInput={setPassword} type={show ? 'text' : 'password'}
          autoComplete="new-password" name="new-password" error={errors.password} required />
        <TextInput label={t('setUp.again')} value={again} onInput={setAgain} type={show ? 'text' : 'password'} autoComplete="new-password"
          name="new-password-again" error={errors.again} required />
        <label class="check"><input type="checkbox" checked={show} onChange={(e) => setShow((e.target as HTMLInputElement).checked)} />{t('common.showPassword')}</label>
        <Notice kind="error">{errors.form}</Notice>
        <button type="submit" class="primary" disabled={busy}>{t('setUp.submit')}</button>
      </form>
    </section>
  );
}
