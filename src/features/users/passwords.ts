// Passwords: scrypt (memory-hard, from node:crypto), at least 8 characters, not a common one.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const PARAMS = { N: 16384, r: 8, p: 1 } as const; // ~16 MB and tens of milliseconds per guess
const KEY_LENGTH = 32;
export const MIN_PASSWORD_LENGTH = 8;

/**
 * The passwords tried first by anyone guessing, Vietnamese habits included (the list is small on
 * purpose: it stops the obvious, length does the rest).
 */
const COMMON = new Set([
  '12345678', '123456789', '1234567890', '0123456789', '87654321', '11111111', '00000000', '88888888', '66666666',
  '99999999', '12341234', '11223344', '12121212', '123123123', '147258369', '123456789a', '12345678a', 'a12345678',
  'password', 'password1', 'password123', 'passw0rd', 'qwerty123', 'qwertyuiop', 'qwerty12', '1q2w3e4r', '1qaz2wsx',
  'abcd1234', 'abc12345', 'abc123456', 'aa123456', 'asdfghjkl', 'zxcvbnm1', 'iloveyou', 'iloveyou1', 'admin123',
  'admin1234', 'administrator', 'welcome1', 'sunshine', 'princess', 'football', 'baseball', 'superman', 'trustno1',
  'letmein1', 'whatever', 'starwars', 'dragon12', 'monkey12', 'master12', 'computer', 'internet', 'changeme',
  'matkhau', 'matkhau1', 'matkhau123', 'anhyeuem', 'anhyeuem1', 'anhyeuem123', 'emyeuanh', 'yeuemnhieu', 'motconvit',
  'hoilamgi', 'vietnam1', 'vietnam123', 'hanoi123', 'saigon123', 'truongmamnon', 'mamnon123', 'hoasen123',
  'loa12345', 'loaloaloa', 'giaovien', 'giaovien1', 'hieutruong', 'zalo1234', 'facebook', 'khongbiet', 'tamthoi1',
  'nguyen123', 'nguyenvan', 'tranthi1', 'conyeu123', 'concuame', '1234qwer', 'qwer1234', 'zaq12wsx', 'asd123456',
]);

export type PasswordProblem = 'too_short' | 'common';

/** Why a password is refused, or null when it will do. */
export function passwordProblem(password: string, username?: string | null): PasswordProblem | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return 'too_short';
  const folded = password.toLowerCase();
  if (COMMON.has(folded) || (username && folded.includes(username.toLowerCase())) || new Set(folded).size <= 2) return 'common';
  return null;
}

const scryptAsync = (password: string, salt: Buffer, length: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scrypt(password.normalize('NFC'), salt, length, options, (err, key) => (err ? reject(err) : resolve(key))));

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, KEY_LENGTH, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 });
  return timingSafeEqual(expected, actual);
}

/** Compared against when the username is unknown, so that both answers take as long. */
export const DUMMY_HASH = `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$AAAAAAAAAAAAAAAAAAAAAA==$${Buffer.alloc(KEY_LENGTH).toString('base64')}`;
