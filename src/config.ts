// Every environment variable Loa reads, in one schema. Validated at start-up so a wrong value
// stops the process with a message naming the variable, instead of failing later mid-chat.
import { z } from '@botpress/sdk';
import { FRAME_ANCESTOR } from './http/security-headers.ts';
import { parseSecretsKey } from './store/sealed-documents.ts';

const optionalSecret = z.string().min(1).optional();
const url = (fallback: string) => z.string().url().default(fallback);

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  STORE: z.enum(['sqlite', 'mongo']).default('sqlite'),
  MONGO_URL: z.string().optional(),
  TZ: z.string().default('Asia/Ho_Chi_Minh'),
  SCHOOL_DIR: z.string().default('./school'),
  INTENTS_DIR: z.string().default('./intents'),
  ADMIN_TOKEN: z.string().min(16, 'ADMIN_TOKEN must be at least 16 characters').optional(),
  /** Loa's public address (https://loa.truong.vn): links to its pages (/privacy) and the console's origin, checked on changes. */
  PUBLIC_URL: z.string().url().transform((v) => v.replace(/\/$/, '')).optional(),
  /** Proxies whose X-Forwarded-* to believe: loopback (default), a hop count, addresses, true or false. */
  TRUST_PROXY: z.string().default('loopback').transform((v) => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Messages per conversation handled in parallel across conversations. */
  MAX_CONCURRENT_TURNS: z.coerce.number().int().min(1).max(1000).default(64),

  FACEBOOK_VERIFY_TOKEN: optionalSecret,
  FACEBOOK_APP_SECRET: optionalSecret,
  FACEBOOK_PAGE_ACCESS_TOKEN: optionalSecret,
  FACEBOOK_GRAPH_URL: url('https://graph.facebook.com'),
  FACEBOOK_API_VERSION: z.string().default('v21.0'),
  /** Message tag for proactive Messenger messages outside the 24-hour window, where its policy allows. */
  FACEBOOK_MESSAGE_TAG: z.string().min(1).optional(),

  ZALO_APP_ID: optionalSecret,
  ZALO_APP_SECRET: optionalSecret,
  ZALO_OA_SECRET_KEY: optionalSecret,
  ZALO_OA_ACCESS_TOKEN: optionalSecret,
  ZALO_OA_REFRESH_TOKEN: optionalSecret,
  ZALO_OA_API_URL: url('https://openapi.zalo.me'),
  ZALO_OAUTH_URL: url('https://oauth.zaloapp.com'),

  ZALO_PERSONAL_ENABLED: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Messages per minute from the personal account, and per chat: well under what gets it locked. */
  ZALO_PERSONAL_PER_MINUTE: z.coerce.number().int().min(1).max(120).default(20),
  ZALO_PERSONAL_THREAD_PER_MINUTE: z.coerce.number().int().min(1).max(60).default(6),
  /** Broadcast messages per second per page / OA; 0 lifts the limit. */
  BROADCAST_RATE_MESSENGER: z.coerce.number().min(0).max(1000).default(40),
  BROADCAST_RATE_ZALO_OA: z.coerce.number().min(0).max(1000).default(20),
  /** 1: a principal or admin may approve an announcement they wrote (a school with one approver); audited as such. */
  /** Web chat requests (messages, history, live stream) per minute per address / per conversation (a visitor); 0 lifts a limit. */
  CHAT_RATE_PER_IP: z.coerce.number().min(0).max(100_000).default(120),
  CHAT_RATE_PER_CONVERSATION: z.coerce.number().min(0).max(10_000).default(20),
  /** New web-chat conversations an address may start per hour. */
  NEW_CONTACTS_PER_IP_PER_HOUR: z.coerce.number().min(0).max(100_000).default(30),
  /** Webhook requests per minute per address, and events per minute per conversation, processed; 0 lifts a limit. */
  WEBHOOK_RATE_PER_IP: z.coerce.number().min(0).max(10_000_000).default(60_000),
  WEBHOOK_RATE_PER_CONVERSATION: z.coerce.number().min(0).max(10_000).default(30),
  /** Bearer token for GET /metrics (Prometheus); without it there is no /metrics. */
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  /** Who may show Loa's pages in a frame (CSP frame-ancestors): 'none', 'self' or origins, space-separated. */
  FRAME_ANCESTORS: z.string().trim().default("'none'").refine((v) => v.split(/\s+/).every((a) => FRAME_ANCESTOR.test(a)), "FRAME_ANCESTORS must be 'none', 'self' or origins like https://truong.example.vn, space-separated"),
  APPROVAL_SELF: z.enum(['0', '1']).default('0').transform((v) => v === '1'),
  /** Free space (MB) under DATA_DIR below which an alert is raised; 0 turns the watch off. */
  DISK_FREE_ALERT_MB: z.coerce.number().min(0).default(500),
  DISK_CHECK_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
  /** Nightly online backups of the SQLite store: where, how many kept, when (school time). */
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_KEEP: z.coerce.number().int().min(1).max(365).default(7),
  /** No backup is kept longer (days; 0: no limit): an erased parent's data leaves the backups too. */
  BACKUP_MAX_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  BACKUP_CRON: z.string().default('30 2 * * *'),
  /** Days each kind of personal data is kept (0: until erased); applied nightly by a job. */
  RETENTION_TRANSCRIPT_DAYS: z.coerce.number().int().min(0).default(365),
  RETENTION_RAW_PAYLOAD_DAYS: z.coerce.number().int().min(0).default(7),
  RETENTION_INBOX_DAYS: z.coerce.number().int().min(0).default(30),
  RETENTION_OUTBOX_DAYS: z.coerce.number().int().min(0).default(30),
  RETENTION_SESSION_DAYS: z.coerce.number().int().min(0).default(90),
  RETENTION_ABSENCE_DAYS: z.coerce.number().int().min(0).default(365),
  RETENTION_COMMENT_DAYS: z.coerce.number().int().min(0).default(730),
  RETENTION_CRON: z.string().default('0 3 * * *'),
  /** A new parent's first answer links the privacy notice at PUBLIC_URL/privacy. */
  PRIVACY_NOTICE: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** 32 bytes (base64 or hex) that encrypt channel secrets at rest (AES-256-GCM). */
  SECRETS_KEY: z.string().refine((v) => parseSecretsKey(v) !== null, 'SECRETS_KEY must be 32 bytes, base64 or 64 hex digits (openssl rand -base64 32)').optional(),

  /** Server-to-server callers of POST /api/chat that choose the `user` themselves present this key. */
  CHAT_API_KEY: z.string().min(16, 'CHAT_API_KEY must be at least 16 characters').optional(),
  /** Signs web chat visitor identities; without it a key is generated and kept in DATA_DIR. */
  WEBCHAT_SECRET: z.string().min(32, 'WEBCHAT_SECRET must be at least 32 characters').optional(),
  /** Sites (origins, comma-separated) that may embed the chat widget. */
  WEBCHAT_ALLOWED_ORIGINS: z.string().default('').refine((s) => s.split(',').map((o) => o.trim()).filter(Boolean).every(isOrigin),
    'comma-separated origins like https://your-school.example (a scheme and a host, no path, no trailing slash)'),
  /** How long a message waits for a web visitor who has closed the page. */
  WEBCHAT_DELIVERY_TTL_HOURS: z.coerce.number().min(1).max(24 * 90).default(72),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** A channel is on when all of its variables are set, off when none are; half is a mistake. */
const CHANNEL_VARIABLES: Record<string, (keyof Config)[]> = {
  Messenger: ['FACEBOOK_VERIFY_TOKEN', 'FACEBOOK_APP_SECRET', 'FACEBOOK_PAGE_ACCESS_TOKEN'],
  'Zalo OA': ['ZALO_APP_ID', 'ZALO_APP_SECRET', 'ZALO_OA_SECRET_KEY', 'ZALO_OA_ACCESS_TOKEN', 'ZALO_OA_REFRESH_TOKEN'],
};

/** Reads the configuration from an environment; throws a ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings (from a copied .env.example) mean "not set".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = result.data;
  if (!isValidTimeZone(config.TZ)) throw new ConfigError(`Invalid configuration:\n  TZ: unknown time zone "${config.TZ}"`);
  for (const [channel, names] of Object.entries(CHANNEL_VARIABLES)) {
    const set = names.filter((n) => config[n] !== undefined);
    if (set.length > 0 && set.length < names.length) {
      const missing = names.filter((n) => config[n] === undefined);
      throw new ConfigError(`Invalid configuration:\n  ${missing.join(', ')}: required to turn on ${channel} (${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set)`);
    }
  }
  // Those channels keep tokens or a session in the store: encrypted, so the key must be there.
  const secretChannels = [config.ZALO_OA_ACCESS_TOKEN && 'Zalo OA', config.ZALO_PERSONAL_ENABLED && 'the personal Zalo account'].filter(Boolean);
  if (secretChannels.length && !config.SECRETS_KEY) {
    throw new ConfigError(`Invalid configuration:\n  SECRETS_KEY: required with ${secretChannels.join(' and ')}, whose secrets are stored encrypted (generate one with: openssl rand -base64 32)`);
  }
  if (config.STORE === 'mongo' && !config.MONGO_URL) {
    throw new ConfigError('Invalid configuration:\n  MONGO_URL: required when STORE=mongo');
  }
  return config;
}

/** "https://school.example" and nothing more: what a browser sends as Origin. */
function isOrigin(value: string): boolean {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
