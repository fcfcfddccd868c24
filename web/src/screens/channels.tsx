// Kênh & cảnh báo: whether each channel is sending (a paused one with its reason, and, for an
// admin, the way to resume it once fixed), when the Zalo OA token runs out, the open alerts to
// acknowledge, and the messages that could not reach a parent, with the platform's reason.
import { useState } from 'preact/hooks';
import { get, post } from '../api.ts';
import { formatDateTime, t } from '../i18n.ts';
import { useSession } from '../session.tsx';
import { Loading, Notice, PageTitle, errorText, useLoad, useTitle } from '../ui/kit.tsx';
import './channels.css';

interface ChannelState { on: boolean; paused?: string | null; tokenExpiresAt?: string | null; state?: string; accountId?: string }
interface Alert { id: number; at: string; kind: string; message: string; acknowledgedAt: string | null }
interface OutboxItem {
  id: number; ref: { channel: string }; message: { type: string; text?: string; url?: string }; status: string;
  lastError: string | null; createdAt: string; attempts: number;
}

const CHANNELS = ['webchat', 'messenger', 'zalo_oa', 'zalo_personal'] as const;
const label = (group: string, key: string) => t(`channels.${group}.${key}`, { defaultValue: key, nsSeparator: false });
/** A platform's reason in the reader's words; "channel paused: …" is the paused channel's own. */
const reason = (r: string) => (r.startsWith('channel paused: ') ? t('channels.paused', { reason: label('reason', r.slice(16)) }) : label('reason', r));

export function Channels() {
  useTitle(t('channels.title'));
  const isAdmin = useSession().me!.user.role === 'admin';
  const channels = useLoad(() => get<{ channels: Record<string, ChannelState> }>('/admin/channels'));
  const alerts = useLoad(() => get<{ alerts: Alert[] }>('/admin/alerts?open=true'));
  const outbox = useLoad(() => get<{ counts: Record<string, number>; items: OutboxItem[] }>('/admin/outbox?status=failed'));
  const [done, setDone] = useState('');
  const [error, setError] = useState('');

  const act = async (fn: () => Promise<unknown>, ok: string, reload: () => void) => {
    setError(''); setDone('');
    try {
      await fn();
      setDone(ok);
    } catch (err) { setError(errorText(err)); }
    reload();
  };

  return (
    <section>
      <PageTitle>{t('channels.title')}</PageTitle>
      <Notice kind="ok">{done}</Notice>
      <Notice kind="error">{error}</Notice>

      <h2>{t('channels.channelsTitle')}</h2>
      {channels.error ? <Notice kind="error">{errorText(channels.error)}</Notice> : !channels.data ? <Loading /> : (
        <ul class="cards" data-testid="channel-list">
          {CHANNELS.map((name) => {
            const c = channels.data!.channels[name] ?? { on: false };
            return (
              <li class="card" key={name} data-testid={`channel-${name}`}>
                <h3>{label('name', name)}</h3>
                <p class="channel-state">{!c.on ? t('channels.off') : c.paused
                  ? <strong class="warn"><span aria-hidden="true">⏸ </span>{t('channels.paused', { reason: label('reason', c.paused) })}</strong>
                  : c.state && c.state !== 'connected'
                    ? <strong class="warn"><span aria-hidden="true">⚠ </span>{label('zaloState', c.state)}</strong>
                    : <span class="ok"><span aria-hidden="true">✓ </span>{t('channels.on')}</span>}
                </p>
                {c.tokenExpiresAt && <p class="hint">{t('channels.tokenExpires', { at: formatDateTime(c.tokenExpiresAt) })}</p>}
                {c.on && name === 'zalo_personal' && c.state !== 'connected' && <p class="hint">{t('channels.zaloLogin')}</p>}
                {c.paused && name === 'messenger' && (isAdmin ? (<>
                  <p class="hint">{t('channels.fixFirst')}</p>
                  <button type="button" class="primary" onClick={() => act(() => post('/admin/channels/messenger/resume'), t('channels.resumed', { name: label('name', name) }), channels.reload)}>
                    {t('channels.resume', { name: label('name', name) })}
                  </button>
                </>) : <p class="hint">{t('channels.askAdmin')}</p>)}
              </li>
            );
          })}
        </ul>
      )}

      <h2>{t('channels.alertsTitle')}</h2>
      {alerts.error ? <Notice kind="error">{errorText(alerts.error)}</Notice> : !alerts.data ? <Loading /> : alerts.data.alerts.length === 0 ? (
        <p data-testid="no-alerts">{t('channels.noAlerts')}</p>
      ) : (
        <ul class="list" data-testid="alert-list">
          {alerts.data.alerts.map((a) => (
            <li class="item" key={a.id}>
              <div class="grow">
                <p class="alert-head"><strong>{label('alertKind', a.kind)}</strong> · {formatDateTime(a.at)}</p>
                <p class="alert-text">{a.message}</p>
              </div>
              <button type="button" onClick={() => act(() => post(`/admin/alerts/${a.id}/ack`), t('channels.acked'), alerts.reload)}
                aria-label={t('channels.ackOne', { kind: label('alertKind', a.kind), at: formatDateTime(a.at) })}>
                {t('channels.ack')}
              </button>
            </li>
          ))}
        </ul>
      )}

      <h2>{t('channels.failedTitle')}</h2>
      {outbox.error ? <Notice kind="error">{errorText(outbox.error)}</Notice> : !outbox.data ? <Loading /> : (<>
        <p class="hint" data-testid="outbox-counts">{t('channels.counts', outbox.data.counts)}</p>
        {outbox.data.items.length === 0 ? <p>{t('channels.noFailed')}</p> : (
          <div class="table-wrap" tabIndex={0} role="region" aria-label={t('channels.failedTitle')}>
            <table data-testid="failed-list">
              <thead><tr><th scope="col">{t('channels.when')}</th><th scope="col">{t('channels.channel')}</th><th scope="col">{t('channels.reasonCol')}</th><th scope="col">{t('channels.message')}</th></tr></thead>
              <tbody>
                {[...outbox.data.items].reverse().map((m) => (
                  <tr key={m.id}>
                    <td>{formatDateTime(m.createdAt)}</td>
                    <td>{label('name', m.ref.channel)}</td>
                    <td>{m.lastError ? reason(m.lastError) : ''}</td>
                    <td class="message-text">{m.message.text ?? m.message.url ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </>)}
    </section>
  );
}
