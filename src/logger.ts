// pino, with secrets and parents' phone numbers kept out of the logs. Log lines carry ids (a
// conversation, a comment code, an alert id), never what a parent wrote; phone numbers that slip
// into a message or a field anyway are masked with libphonenumber-js.
import pino, { type DestinationStream, type Logger } from 'pino';
import { findPhoneNumbersInText, parsePhoneNumberFromString } from 'libphonenumber-js';

const SECRET_KEYS = ['token', 'access_token', 'refresh_token', 'accessToken', 'refreshToken', 'authorization', 'cookie', 'secret', 'password', 'ADMIN_TOKEN', 'SECRETS_KEY'];
/** Fields that hold what people wrote: never logged, whoever passes them. */
const TEXT_KEYS = ['text', 'message.text', 'body', 'rawBody'];

export function createLogger(level: string = 'info', destination?: DestinationStream): Logger {
  return pino({
    level,
    redact: {
      paths: [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`), 'req.headers.authorization', 'req.headers["x-hub-signature-256"]', 'phone', '*.phone', ...TEXT_KEYS, ...TEXT_KEYS.map((k) => `*.${k}`)],
      censor: (value) => (typeof value === 'string' && /^\+?\d[\d\s.-]{6,}$/.test(value) ? maskPhone(value) : '[redacted]'),
    },
    hooks: {
      // Masks phone numbers in the message and in the string fields of a log line.
      logMethod(args, method) {
        const masked = args.map((a) => (typeof a === 'string' ? maskPhonesInText(a) : a && typeof a === 'object' && !(a instanceof Error) ? maskFields(a as Record<string, unknown>) : a));
        return method.apply(this, masked as Parameters<typeof method>);
      },
    },
  }, destination);
}

function maskFields(o: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | null = null;
  for (const [k, v] of Object.entries(o)) {
    if (typeof v !== 'string') continue;
    const m = maskPhonesInText(v);
    if (m !== v) (copy ??= { ...o })[k] = m;
  }
  return copy ?? o;
}

/** 0912345678, (+84) 912 345 678 -> 091****678: enough to recognise, not enough to call. */
export function maskPhone(phone: string): string {
  const parsed = parsePhoneNumberFromString(phone, 'VN');
  const digits = parsed?.isPossible() ? `${parsed.countryCallingCode === '84' ? '0' : `+${parsed.countryCallingCode}`}${parsed.nationalNumber}` : phone.replace(/\D/g, '');
  if (digits.length < 7) return '***';
  return `${digits.slice(0, 3)}****${digits.slice(-3)}`;
}

/** Masks every phone number in free text, however it is written ("(091) 234 5678", "(+84) 987654321"). */
export function maskPhonesInText(text: string): string {
  if (!/\d{2}/.test(text)) return text; // no number at all: the common case, kept cheap
  // Plain Vietnamese numbers first ("0912.345.678", "+84 912 345 678"), then whatever the library
  // recognises as a number in the text ("(091) 234 5678", "(+84) 987654321").
  let out = text.replace(/(?:\+?84|0)(?:[\s.-]?\d){8,10}/g, (m) => maskPhone(m));
  for (const m of findPhoneNumbersInText(out, 'VN').reverse()) out = `${out.slice(0, m.startsAt)}${maskPhone(m.number.number)}${out.slice(m.endsAt)}`;
  return out;
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
