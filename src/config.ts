// Every environment variable Loa reads, in one schema. Validated at start-up so a wrong value
// stops the process with a message naming the variable, instead of failing later mid-chat.
import { z } from '@botpress/sdk';

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
  /** The console's public address (https://loa.truong.vn); its origin is checked on changes. */
  PUBLIC_URL: z.string().url().optional(),
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
  if (config.STORE === 'mongo' && !config.MONGO_URL) {
    throw new ConfigError('Invalid configuration:\n  MONGO_URL: required when STORE=mongo');
  }
  return config;
}

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
