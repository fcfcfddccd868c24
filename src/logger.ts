// pino, with secrets and parents' phone numbers kept out of the logs.
import pino, { type Logger } from 'pino';

const SECRET_KEYS = ['token', 'access_token', 'refresh_token', 'accessToken', 'refreshToken', 'authorization', 'cookie', 'secret', 'password', 'ADMIN_TOKEN'];

export function createLogger(level: string = 'info'): Logger {
  return pino({
    level,
    redact: {
      paths: [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`), 'req.headers.authorization', 'req.headers["x-hub-signature-256"]', 'phone', '*.phone'],
      censor: (value) => (typeof value === 'string' && /^\+?\d[\d\s.-]{6,}$/.test(value) ? maskPhone(value) : '[redacted]'),
    },
  });
}

/** 0912345678 -> 091****678: enough to recognise, not enough to call. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '***';
  return `${digits.slice(0, 3)}****${digits.slice(-3)}`;
}

/** Masks anything in free text that looks like a Vietnamese phone number. */
export function maskPhonesInText(text: string): string {
  return text.replace(/(?:\+?84|0)(?:[\s.-]?\d){8,10}/g, (m) => maskPhone(m));
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
