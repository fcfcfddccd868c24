import { useState } from 'preact/hooks';
import { ApiError, get, post } from '../api.ts';
import { t } from '../i18n.ts';
import { useSession } from '../session.tsx';
import type { Me } from '../types.ts';
import { Notice, PageTitle, TextInput, errorText, useTitle } from '../ui/kit.tsx';

export function SignIn(props: { inDialog?: boolean }) {
  useTitle(t('signIn.title'));
  const session = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [show, setShow] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await post('/auth/login', { username: username.trim(), password });
      session.signedIn(await get<Me>('/admin/me'));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t('signIn.bad') : errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const form = (
      <form onSubmit={submit} noValidate>
        <TextInput label={t('signIn.username')} value={username} onInput={setUsername} autoComplete="username" name="username" required />
        <TextInput label={t('signIn.password')} value={password} onInput={setPassword} type={show ? 'text' : 'password'} autoComplete="current-password" name="password" required />
        <label class="check"><input type="checkbox" checked={show} onChange={(e) => setShow((e.target as HTMLInputElement).checked)} />{t('common.showPassword')}</label>
        <Notice kind="error">{error}</Notice>
        <button type="submit" class="primary" disabled={busy}>{t('signIn.submit')}</button>
      </form>
  );
  if (props.inDialog) return form;
  return (
    <section class="narrow card">
      <PageTitle>{t('signIn.title')}</PageTitle>
      {form}
      <p class="hint">{t('signIn.forgot')}</p>
      <details>
        <summary>{t('signIn.firstTimeTitle')}</summary>
        <p class="hint">{t('signIn.firstTime')}</p>
      </details>
    </section>
  );
}
