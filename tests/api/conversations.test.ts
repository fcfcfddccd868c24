// Conversation tests as data: each document in tests/conversations/*.yaml is one scripted
// conversation, sent turn by turn to POST /api/chat on a real Loa (real SQLite store), with checks
// on each reply and on what the store holds at the end. The format is described in
// tests/conversations/README.md. A file that does not parse or names an unknown key fails loudly.
// One Loa serves every conversation (starting one takes seconds): each conversation has its own
// people (their names get a prefix) and its store checks see only the records it created.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import request from 'supertest';
import YAML from 'yaml';
import { CHAT_API_KEY, startLoa, THURSDAY_9AM, type TestLoa } from '../helpers.ts';
import type { Absence } from '../../src/store/types.ts';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'conversations');

// ---- the format -------------------------------------------------------------------------------

type Strings = string | string[];
interface Expect {
  status?: number; contains?: Strings; contains_any?: Strings; not_contains?: Strings; matches?: Strings; not_matches?: Strings;
  language?: 'vi' | 'en'; quick_replies_include?: Strings; quick_replies_exclude?: Strings;
  form?: string | null; same_step?: boolean; differs_from_previous?: boolean; answered?: boolean;
}
interface Turn {
  say?: string; repeat?: number; tap?: string; tap_title?: string; user?: string; at?: string; advance_minutes?: number;
  expect?: Expect; capture?: Record<string, string>;
}
type Matcher = Record<string, unknown>;
type Listed = Matcher[] | { count?: number; min?: number; max?: number; include?: Matcher[]; exclude?: Matcher[] };
interface StoreCheck {
  comments?: Listed; absences?: Listed; absences_on?: Record<string, Listed>; alerts?: Listed;
  session_form?: string | null; subscriptions?: string[]; unanswered?: number;
}
interface Conversation { name: string; now?: string; user?: string; why?: string; turns: Turn[]; store?: StoreCheck }

const KEYS = {
  conversation: ['name', 'now', 'user', 'why', 'turns', 'store'],
  turn: ['say', 'repeat', 'tap', 'tap_title', 'user', 'at', 'advance_minutes', 'expect', 'capture'],
  expect: ['status', 'contains', 'contains_any', 'not_contains', 'matches', 'not_matches', 'language', 'quick_replies_include',
    'quick_replies_exclude', 'form', 'same_step', 'differs_from_previous', 'answered'],
  store: ['comments', 'absences', 'absences_on', 'alerts', 'session_form', 'subscriptions', 'unanswered'],
  listed: ['count', 'min', 'max', 'include', 'exclude'],
  comment: ['urgent', 'category', 'anonymous', 'class', 'code', 'text_contains', 'text_not_contains', 'text_length_min', 'user'],
  absence: ['child', 'class', 'from', 'to', 'reason', 'reason_contains', 'reason_not_contains', 'user'],
  alert: ['kind'],
} as const;

function checkKeys(where: string, value: unknown, allowed: readonly string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: expected a mapping, got ${JSON.stringify(value)}`);
  const unknown = Object.keys(value).filter((k) => !allowed.includes(k));
  if (unknown.length) throw new Error(`${where}: unknown key(s) ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`);
}

function checkListed(where: string, value: unknown, matcherKeys: readonly string[]): void {
  const matchers = Array.isArray(value) ? value : (checkKeys(where, value, KEYS.listed), [
    ...((value as { include?: unknown[] }).include ?? []), ...((value as { exclude?: unknown[] }).exclude ?? []),
  ]);
  matchers.forEach((m, i) => checkKeys(`${where}[${i}]`, m, matcherKeys));
}

function validate(doc: unknown, where: string): Conversation {
  checkKeys(where, doc, KEYS.conversation);
  const c = doc as Conversation;
  if (typeof c.name !== 'string' || !c.name.trim()) throw new Error(`${where}: "name" is required`);
  if (!Array.isArray(c.turns) || c.turns.length === 0) throw new Error(`${where} (${c.name}): "turns" must be a non-empty list`);
  if (c.now !== undefined && Number.isNaN(Date.parse(String(c.now)))) throw new Error(`${where}: "now" is not a date: ${c.now}`);
  c.turns.forEach((t, i) => {
    const w = `${where} (${c.name}) turn ${i + 1}`;
    checkKeys(w, t, KEYS.turn);
    const acts = ['say', 'tap', 'tap_title'].filter((k) => k in t);
    if (acts.length !== 1) throw new Error(`${w}: needs exactly one of say, tap, tap_title`);
    if (t.say !== undefined && typeof t.say !== 'string') throw new Error(`${w}: "say" must be a string (quote it)`);
    if (t.expect) checkKeys(`${w} expect`, t.expect, KEYS.expect);
    if (t.at !== undefined && Number.isNaN(Date.parse(String(t.at)))) throw new Error(`${w}: "at" is not a date: ${t.at}`);
  });
  if (c.store) {
    checkKeys(`${where} store`, c.store, KEYS.store);
    if (c.store.comments) checkListed(`${where} store.comments`, c.store.comments, KEYS.comment);
    if (c.store.absences) checkListed(`${where} store.absences`, c.store.absences, KEYS.absence);
    if (c.store.alerts) checkListed(`${where} store.alerts`, c.store.alerts, KEYS.alert);
    for (const [day, listed] of Object.entries(c.store.absences_on ?? {})) checkListed(`${where} store.absences_on.${day}`, listed, KEYS.absence);
  }
  return c;
}

function load(file: string): Conversation[] {
  const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(DIR, file), 'utf8'));
  return docs.map((doc, i) => {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return validate(doc.toJS(), docs.length > 1 ? `${file}#${i + 1}` : file);
  });
}

// ---- comparing --------------------------------------------------------------------------------

/** Lower case without Vietnamese marks: checks survive "huỷ"/"hủy" and a changed capital. */
const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ');
const list = (v: Strings | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);
const VI_WORD = /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i;

function languageOf(text: string): 'vi' | 'en' {
  const words = text.normalize('NFC').split(/\s+/).filter((w) => /\p{L}/u.test(w));
  const marked = words.filter((w) => VI_WORD.test(w)).length;
  return words.length && marked / words.length >= 0.2 ? 'vi' : 'en';
}

class Failure extends Error {}
const fail = (msg: string): never => { throw new Failure(msg); };

function countOk(what: string, n: number, l: { count?: number; min?: number; max?: number }) {
  if (l.count !== undefined && n !== l.count) fail(`${what}: expected ${l.count}, found ${n}`);
  if (l.min !== undefined && n < l.min) fail(`${what}: expected at least ${l.min}, found ${n}`);
  if (l.max !== undefined && n > l.max) fail(`${what}: expected at most ${l.max}, found ${n}`);
}

/** A list given as a YAML list means exactly those (in any order); a mapping gives counts and includes. */
function checkList<T>(what: string, items: T[], listed: Listed, matches: (item: T, m: Matcher) => string | null, show: (item: T) => unknown) {
  const spec = Array.isArray(listed) ? { count: listed.length, include: listed } : listed;
  const shown = () => JSON.stringify(items.map(show));
  try {
    countOk(what, items.length, spec);
  } catch (e) {
    fail(`${(e as Error).message}; they are ${shown()}`);
  }
  const free = [...items];
  for (const m of spec.include ?? []) {
    const reasons = free.map((item) => matches(item, m));
    const i = reasons.indexOf(null);
    if (i < 0) fail(`${what}: none matches ${JSON.stringify(m)} (${reasons.join(' | ') || 'there are none'}); they are ${shown()}`);
    free.splice(i, 1);
  }
  for (const m of spec.exclude ?? []) {
    const hit = items.find((item) => matches(item, m) === null);
    if (hit) fail(`${what}: one matches the excluded ${JSON.stringify(m)}: ${JSON.stringify(show(hit))}`);
  }
}

// ---- running ----------------------------------------------------------------------------------

type Reply = { text: string; quickReplies: { title: string; payload: string }[] };
const sessionKey = (user: string) => `webchat:web:user:${user}`;

/** One conversation on the shared Loa: its people, its placeholders, the records it created. */
class Run {
  private readonly vars: Record<string, string>;
  private readonly people = new Set<string>();
  private readonly replies: Reply[] = [];
  private user: string;
  private now: Date;
  private seen = { comment: 0, absence: 0, alert: 0 };

  constructor(private readonly loa: TestLoa, private readonly c: Conversation, private readonly prefix: string) {
    const profile = loa.school.get('profile');
    this.vars = { phone: profile.phone, principal_phone: profile.principal.phone };
    this.user = prefix + (c.user ?? 'parent');
    this.now = c.now ? new Date(c.now) : THURSDAY_9AM;
  }

  fill = (s: string) => s.replace(/\{(\w+)\}/g, (all, k: string) => this.vars[k] ?? fail(`unknown placeholder ${all} (known: ${Object.keys(this.vars).join(', ')})`));

  async run(): Promise<void> {
    const { store } = this.loa;
    this.seen = {
      comment: Math.max(0, ...(await store.comments.list({ limit: 100_000 })).map((x) => x.id)),
      absence: Math.max(0, ...(await store.absences.list({ from: '2000-01-01', to: '2100-12-31' })).map((x) => x.id)),
      alert: Math.max(0, ...(await store.alerts.list({ limit: 100_000 })).map((x) => x.id)),
    };
    for (const [i, turn] of this.c.turns.entries()) await this.turn(i + 1, turn);
    if (this.c.store) await this.checkStore(this.c.store);
  }

  private async turn(n: number, turn: Turn): Promise<void> {
    if (turn.user) this.user = this.prefix + turn.user;
    this.people.add(this.user);
    if (turn.at) this.now = new Date(turn.at);
    if (turn.advance_minutes) this.now = new Date(this.now.getTime() + turn.advance_minutes * 60_000);
    this.loa.clockAt(this.now);

    const previous = this.replies.at(-1) ?? { text: '', quickReplies: [] };
    let body: Record<string, string>;
    let label: string;
    if (turn.say !== undefined) {
      const text = this.fill(turn.say).repeat(turn.repeat ?? 1);
      body = { user: this.user, text };
      label = `say "${text.length > 80 ? `${text.slice(0, 77)}…(${text.length} chars)` : text}"`;
    } else if (turn.tap !== undefined) {
      body = { user: this.user, payload: this.fill(turn.tap) };
      label = `tap ${body.payload}`;
    } else {
      const title = this.fill(turn.tap_title!);
      const button = previous.quickReplies.find((q) => fold(q.title) === fold(title))
        ?? fail(`turn ${n}: the previous reply has no button «${title}» (it has ${JSON.stringify(previous.quickReplies.map((q) => q.title))})`);
      body = { user: this.user, payload: button.payload };
      label = `tap «${title}» (${button.payload})`;
    }
    const where = `turn ${n} (${label})`;
    const e = turn.expect ?? {};

    const before = await this.loa.store.sessions.get(sessionKey(this.user));
    const res = await request(this.loa.app).post('/api/chat').set('authorization', `Bearer ${CHAT_API_KEY}`).send(body);
    if (res.status !== (e.status ?? 200)) fail(`${where}: answered HTTP ${res.status}: ${JSON.stringify(res.body)}`);
    const parts = (res.body.replies ?? []) as { text: string; quickReplies?: Reply['quickReplies'] }[];
    const reply: Reply = { text: parts.map((r) => r.text).join('\n'), quickReplies: parts.flatMap((r) => r.quickReplies ?? []) };
    this.replies.push(reply);
    const said = `${where}: the reply was ${JSON.stringify(reply.text)}`;

    // What the reply says.
    const t = fold(reply.text);
    for (const s of list(e.contains).map(this.fill)) if (!t.includes(fold(s))) fail(`${said}; it should contain «${s}»`);
    const any = list(e.contains_any).map(this.fill);
    if (any.length && !any.some((s) => t.includes(fold(s)))) fail(`${said}; it should contain one of ${JSON.stringify(any)}`);
    for (const s of list(e.not_contains).map(this.fill)) if (t.includes(fold(s))) fail(`${said}; it should not contain «${s}»`);
    for (const r of list(e.matches).map(this.fill)) if (!new RegExp(r, 'iu').test(reply.text)) fail(`${said}; it should match /${r}/`);
    for (const r of list(e.not_matches).map(this.fill)) if (new RegExp(r, 'iu').test(reply.text)) fail(`${said}; it should not match /${r}/`);
    if (e.language) {
      if (res.body.locale !== e.language) fail(`${said}; it should be in ${e.language}, the turn's locale is ${res.body.locale}`);
      if (/\p{L}{2}/u.test(reply.text) && languageOf(reply.text) !== e.language) fail(`${said}; it should be in ${e.language}`);
    }
    const hasButton = (want: string) => reply.quickReplies.some((q) => q.payload.startsWith(want) || fold(q.title) === fold(want));
    const buttons = JSON.stringify(reply.quickReplies);
    for (const q of list(e.quick_replies_include).map(this.fill)) if (!hasButton(q)) fail(`${said}; its buttons ${buttons} should include ${q}`);
    for (const q of list(e.quick_replies_exclude).map(this.fill)) if (hasButton(q)) fail(`${said}; its buttons ${buttons} should not include ${q}`);
    if (e.differs_from_previous && t === fold(previous.text)) fail(`${said}; it repeats the previous reply word for word`);

    // Where the conversation stands.
    const after = (await this.loa.store.sessions.get(sessionKey(this.user)))?.form ?? null;
    if (e.form !== undefined && (after?.name ?? null) !== e.form) fail(`${said}; the form in progress should be ${e.form}, it is ${after?.name ?? null}`);
    if (e.same_step) {
      const was = before?.form ?? fail(`${where}: same_step needs a form in progress before the turn`);
      if (after?.name !== was.name || after.step !== was.step) {
        fail(`${said}; the ${was.name} form should stay at step "${was.step}", it is now ${after ? `${after.name} at "${after.step}"` : 'closed'}`);
      }
    }
    if (e.answered !== undefined) {
      const last = (await this.loa.store.transcript.list({ conversationKey: sessionKey(this.user) })).at(-1);
      if (last?.answered !== e.answered) fail(`${said}; the transcript should record it as ${e.answered ? 'answered' : 'unanswered'}, it says ${last?.answered}`);
    }

    // From this turn's reply, or else the latest earlier one that has it.
    for (const [name, pattern] of Object.entries(turn.capture ?? {})) {
      const m = [...this.replies].reverse().map((r) => r.text.match(new RegExp(pattern, 'u'))).find(Boolean)
        ?? fail(`${said}; nothing in the replies so far to capture as {${name}} with /${pattern}/`);
      this.vars[name] = m[1] ?? m[0];
    }
  }

  private async checkStore(s: StoreCheck): Promise<void> {
    const { store } = this.loa;
    const contacts = (await store.contacts.list({ channel: 'webchat', limit: 100_000 })).filter((x) => this.people.has(x.ref.userId));
    const contactOf = (user: string) => contacts.find((x) => x.ref.userId === user)?.id ?? null;
    const byPerson = (contactId: string | null, m: Matcher) => m.user === undefined || contactOf(this.prefix + String(m.user)) === contactId;
    const has = (text: string | null, v: unknown) => fold(text ?? '').includes(fold(this.fill(String(v))));

    if (s.comments) {
      const comments = (await store.comments.list({ limit: 100_000 })).filter((x) => x.id > this.seen.comment);
      checkList('comments', comments, s.comments, (cm, m) => {
        if (m.urgent !== undefined && (cm.severity === 'urgent') !== m.urgent) return `severity ${cm.severity}`;
        if (m.category !== undefined && cm.category !== m.category) return `category ${cm.category}`;
        if (m.anonymous !== undefined && cm.anonymous !== m.anonymous) return `anonymous ${cm.anonymous}`;
        if (m.class !== undefined && cm.classId !== m.class) return `class ${cm.classId}`;
        if (m.code !== undefined && cm.code !== this.fill(String(m.code))) return `code ${cm.code}`;
        const missing = list(m.text_contains as Strings).find((x) => !has(cm.text, x));
        if (missing) return `text lacks «${missing}»`;
        const extra = list(m.text_not_contains as Strings).find((x) => has(cm.text, x));
        if (extra) return `text has «${extra}»`;
        if (m.text_length_min !== undefined && cm.text.length < Number(m.text_length_min)) return `text is ${cm.text.length} characters`;
        return byPerson(cm.contactId, m) ? null : 'another person';
      }, (cm) => ({ code: cm.code, severity: cm.severity, category: cm.category, anonymous: cm.anonymous, class: cm.classId, text: cm.text.length > 200 ? `${cm.text.slice(0, 200)}…(${cm.text.length})` : cm.text }));
    }

    // "sốt", "bị sốt", "cháu bị sốt ạ" are the same reason; "cho cháu nghỉ mai vì sốt" is not.
    const bareReason = (r: string) => fold(r).replace(/[.,!]/g, ' ').trim()
      .replace(/^((vi|do|ly do:?|bi|be|chau|con|because|she|he|has|had|a) )+/, '').replace(/( (a|nha|nhe|co|ah|ak))+$/, '').trim();
    const absenceMatch = (a: Absence, m: Matcher) => {
      if (m.child !== undefined && fold(a.childName).replace(/^(be|chau|con) /, '') !== fold(String(m.child))) return `child ${a.childName}`;
      if (m.class !== undefined && a.classId !== m.class) return `class ${a.classId}`;
      if (m.from !== undefined && a.fromDate !== String(m.from)) return `from ${a.fromDate}`;
      if (m.to !== undefined && a.toDate !== String(m.to)) return `to ${a.toDate}`;
      if (m.reason === null && a.reason !== null) return `reason ${JSON.stringify(a.reason)}`;
      if (typeof m.reason === 'string' && bareReason(a.reason ?? '') !== bareReason(m.reason)) return `reason ${JSON.stringify(a.reason)}`;
      const missing = list(m.reason_contains as Strings).find((x) => !has(a.reason, x));
      if (missing) return `reason ${JSON.stringify(a.reason)} lacks «${missing}»`;
      const extra = list(m.reason_not_contains as Strings).find((x) => has(a.reason, x));
      if (extra) return `reason ${JSON.stringify(a.reason)} has «${extra}»`;
      return byPerson(a.contactId, m) ? null : 'another person';
    };
    const showAbsence = (a: Absence) => ({ child: a.childName, class: a.classId, from: a.fromDate, to: a.toDate, reason: a.reason });
    if (s.absences) {
      const absences = (await store.absences.list({ from: '2000-01-01', to: '2100-12-31' })).filter((x) => x.id > this.seen.absence);
      checkList('absences', absences, s.absences, absenceMatch, showAbsence);
    }
    for (const [day, listed] of Object.entries(s.absences_on ?? {})) {
      const res = await this.loa.admin().get(`/api/admin/absences?date=${day}`);
      if (res.status !== 200) fail(`GET /api/admin/absences?date=${day} answered ${res.status}`);
      const absences = (res.body.absences as Absence[]).filter((x) => x.id > this.seen.absence);
      checkList(`absences the admin API lists for ${day}`, absences, listed, absenceMatch, showAbsence);
    }
    if (s.alerts) {
      const alerts = (await store.alerts.list({ limit: 100_000 })).filter((x) => x.id > this.seen.alert);
      checkList('alerts', alerts, s.alerts, (a, m) => (m.kind === undefined || a.kind === m.kind ? null : `kind ${a.kind}`), (a) => ({ kind: a.kind, message: a.message }));
    }
    if (s.session_form !== undefined) {
      const form = (await store.sessions.get(sessionKey(this.user)))?.form ?? null;
      if ((form?.name ?? null) !== s.session_form) fail(`at the end the form in progress should be ${s.session_form}, it is ${form ? `${form.name} at "${form.step}"` : null}`);
    }
    if (s.subscriptions) {
      const id = contactOf(this.user) ?? fail(`no contact for ${this.user}`);
      const groups = (await store.subscriptions.activeGroups(id)).sort();
      const want = [...s.subscriptions].sort();
      if (JSON.stringify(groups) !== JSON.stringify(want)) fail(`subscriptions: expected ${JSON.stringify(want)}, found ${JSON.stringify(groups)}`);
    }
    if (s.unanswered !== undefined) {
      const keys = [...this.people].map(sessionKey);
      const turns = (await store.transcript.list({ limit: 1_000_000 })).filter((x) => !x.answered && keys.includes(x.conversationKey));
      if (turns.length !== s.unanswered) fail(`unanswered turns: expected ${s.unanswered}, found ${turns.length}: ${JSON.stringify(turns.map((x) => x.text))}`);
    }
  }
}

// ---- one test per conversation ----------------------------------------------------------------

const files = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();

describe('conversations (tests/conversations/*.yaml)', () => {
  let loa: TestLoa;
  beforeAll(async () => { loa = await startLoa(); });
  afterAll(async () => { await loa?.close(); });
  let n = 0;

  it('finds the conversation files', () => {
    if (files.length === 0) throw new Error(`no conversation files in ${DIR}`);
  });
  for (const file of files) {
    let conversations: Conversation[];
    try {
      conversations = load(file);
    } catch (err) {
      it(`${file}: is a valid conversation file`, () => { throw err; });
      continue;
    }
    for (const c of conversations) {
      const prefix = `c${++n}-`;
      it(`${file.replace(/\.ya?ml$/, '')}: ${c.name}`, () => new Run(loa, c, prefix).run(), 30_000);
    }
  }
});
