// A parent's rights over their data (Decree 13/2023): erasure on request ("xóa dữ liệu của tôi",
// confirmed first) or by an admin, retention periods applied every night, and a short privacy
// notice linked in the first answer a new parent gets.
import type { i18n } from 'i18next';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { DataCounts, RetentionPolicy, Store } from '../../store/types.ts';
import { conversationKey, type IncomingEvent } from '../../core/messages.ts';
import type { TurnResult } from '../../core/bot.ts';
import type { FormDefinition, Interceptor, TurnContext } from '../../core/turn.ts';
import { messageParts } from '../../core/turn.ts';
import { yesOrNo } from '../../core/form-answers.ts';
import { foldDiacritics } from '../../nlu/normalise.ts';
import { translatorFor } from '../../i18n.ts';
import type { Job } from '../../jobs/scheduler.ts';
import type { SchoolService } from '../../school/school-service.ts';
import type { Locale } from '../../store/types.ts';
import { privacyPage } from './privacy-page.ts';
import { backupDir } from '../operations/backup-job.ts';
import { reapplyErasures, recordErasure } from './erasure-ledger.ts';

/** What is left where erased or expired words were. */
export const ERASED = '[đã xoá / erased]';
const FORM = 'privacy_erase';

/** "xóa dữ liệu của tôi", "xoa het thong tin cua em", "delete my data". */
export function asksErasure(text: string): boolean {
  const t = foldDiacritics(text.toLowerCase());
  return /\b(xoa|huy)\s+(het\s+|toan bo\s+|tat ca\s+)?(du lieu|thong tin)(\s+ca nhan)?\s+(cua\s+)?(toi|em|minh|tui|tao|me|bo|chung toi)\b/.test(t)
    || /\b(delete|erase|remove)\s+(all\s+(of\s+)?)?my\s+(personal\s+)?(data|information|info|details)\b/.test(t);
}

export function retentionPolicy(config: Config): RetentionPolicy {
  return {
    transcriptDays: config.RETENTION_TRANSCRIPT_DAYS,
    rawPayloadDays: config.RETENTION_RAW_PAYLOAD_DAYS,
    inboxDays: config.RETENTION_INBOX_DAYS,
    outboxDays: config.RETENTION_OUTBOX_DAYS,
    sessionDays: config.RETENTION_SESSION_DAYS,
    absenceDays: config.RETENTION_ABSENCE_DAYS,
    commentDays: config.RETENTION_COMMENT_DAYS,
  };
}

export class PrivacyService {
  /** Conversations whose erasure was confirmed in this turn: done once the turn is recorded. */
  private readonly confirmed = new Set<string>();

  constructor(private readonly deps: { store: Store; config: Config; i18n: i18n; logger: Logger; clock: () => Date; school: SchoolService }) {}

  /** The /privacy page in a language. */
  page(locale: Locale): string {
    const profile = this.deps.school.get('profile');
    return privacyPage(translatorFor(this.deps.i18n, locale), locale, this.deps.config, { name: locale === 'en' && profile.nameEn ? profile.nameEn : profile.name, phone: profile.phone });
  }

  /** Where the erasure ledger is kept: the data folder and beside the backups. */
  private get ledgerDirs(): string[] {
    return [this.deps.config.DATA_DIR, backupDir(this.deps.config)];
  }

  /**
   * Erases a contact's personal data now (admin route, or a parent's confirmed request). The ledger
   * is written first: an erasure interrupted by a crash is completed at the next start.
   */
  async erase(contactId: string): Promise<DataCounts | null> {
    if (!(await this.deps.store.contacts.get(contactId))) return null;
    const at = this.deps.clock().toISOString();
    recordErasure(this.ledgerDirs, contactId, at);
    const counts = await this.deps.store.privacy.eraseContact(contactId, at, ERASED);
    await this.deps.store.flush();
    if (counts) this.deps.logger.info({ contact: contactId, counts }, 'contact erased');
    return counts;
  }

  /** At start: a restored backup (or a crash mid-erasure) may hold parents the ledger says were erased. */
  async reapplyLedger(): Promise<number> {
    const again = await reapplyErasures(this.deps.store, this.ledgerDirs, this.deps.clock().toISOString(), ERASED);
    if (again.length) this.deps.logger.warn({ contacts: again.length }, 'erasures re-applied from the ledger (a restored copy held them)');
    return again.length;
  }

  async applyRetention(): Promise<DataCounts> {
    const counts = await this.deps.store.privacy.applyRetention(retentionPolicy(this.deps.config), this.deps.clock(), ERASED);
    await this.deps.store.flush();
    this.deps.logger.info({ counts }, 'retention applied');
    return counts;
  }

  retentionJob(): Job {
    return { name: 'data-retention', cron: this.deps.config.RETENTION_CRON, leaseMs: 10 * 60_000, run: () => this.applyRetention() };
  }

  /** "xóa dữ liệu của tôi": asked in any state, confirmed before anything is erased. */
  interceptor(): Interceptor {
    return {
      name: 'privacy-erase',
      always: true,
      run: async (ctx, text) => {
        if (!asksErasure(text)) return false;
        const now = ctx.now.toISOString();
        ctx.session.form = { name: FORM, step: 'confirm', data: {}, startedAt: now, updatedAt: now };
        ask(ctx);
        return true;
      },
    };
  }

  form(): FormDefinition {
    return {
      name: FORM,
      idleMinutes: 10,
      acceptsPayload: (p) => p === 'erase:yes' || p === 'erase:no',
      start: async (ctx) => {
        const now = ctx.now.toISOString();
        ctx.session.form = { name: FORM, step: 'confirm', data: {}, startedAt: now, updatedAt: now };
        ask(ctx);
      },
      ask: async (ctx) => ask(ctx),
      understands: (ctx) => answerOf(ctx) !== null,
      step: async (ctx) => {
        const answer = answerOf(ctx);
        if (answer === null) return ask(ctx);
        ctx.session.form = null;
        if (answer === 'no') {
          ctx.reply(ctx.t('privacy.erase_kept'));
          return;
        }
        this.confirmed.add(conversationKey(ctx.event.ref));
        ctx.reply(ctx.t('privacy.erase_done'));
      },
    };
  }

  /**
   * After a turn is recorded: a confirmed erasure is carried out (the turn that confirmed it
   * included), or a new parent's first answer gets the privacy notice's link.
   */
  async afterTurn(event: IncomingEvent, result: TurnResult): Promise<void> {
    const key = conversationKey(event.ref);
    if (this.confirmed.delete(key)) {
      const contact = await this.deps.store.contacts.findByRef(event.ref);
      if (contact) await this.erase(contact.id);
      return;
    }
    if (!this.deps.config.PRIVACY_NOTICE || (event.type !== 'text' && event.type !== 'payload')) return;
    const last = [...result.replies].reverse().find((r) => r.type === 'text');
    if (!last || last.type !== 'text') return;
    // The first turn of this conversation: its transcript has just its one row.
    if ((await this.deps.store.transcript.list({ conversationKey: key, limit: 2 })).length !== 1) return;
    const t = translatorFor(this.deps.i18n, result.locale);
    last.text = `${last.text}\n\n${t('privacy.notice', { url: `${this.deps.config.PUBLIC_URL ?? ''}/privacy${result.locale === 'en' ? '?lang=en' : ''}` })}`;
  }
}

function answerOf(ctx: TurnContext): 'yes' | 'no' | null {
  const { text, payload } = messageParts(ctx);
  if (payload === 'erase:yes') return 'yes';
  if (payload === 'erase:no') return 'no';
  if (/\b(xoa|delete|erase)\b/.test(foldDiacritics(text.toLowerCase())) && !/\b(khong|dung|dont|don't|not)\b/.test(foldDiacritics(text.toLowerCase()))) return 'yes';
  return text ? yesOrNo(text) : null;
}

function ask(ctx: TurnContext): void {
  ctx.reply(ctx.t('privacy.erase_confirm'), [
    { title: ctx.t('privacy.erase_yes'), payload: 'erase:yes' },
    { title: ctx.t('privacy.erase_no'), payload: 'erase:no' },
  ]);
}
