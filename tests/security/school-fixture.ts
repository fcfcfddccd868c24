// A school with parents in two classes, an anonymous comment and children's absences, and one user
// per role (the staff member looks after Lá A1 only): what the least-privilege tests look through.
import { userWithToken } from '../api/console-helpers.ts';
import request from 'supertest';
import { startLoa, testConfig, type TestLoa } from '../helpers.ts';
import { FakePlatform } from '../fakes/fake-platform.ts';
import * as fb from '../fakes/messenger-fixtures.ts';
import type { Contact, Role } from '../../src/store/types.ts';
import { conversationKey } from '../../src/core/messages.ts';

export const SEND = fb.SEND;
export const NOW = '2026-11-26T02:00:00.000Z';

/** Words that must never reach the wrong eyes. */
export const SECRETS = {
  otherClassParent: 'Phụ huynh Lá Hai', otherClassPsid: 'psid-la-hai', otherClassQuestion: 'câu hỏi riêng của lớp hai',
  otherClassChild: 'Bé Hai Nhà Bên', otherClassReason: 'nổi mẩn đỏ sau tiêm chủng',
  anonymousParent: 'Mẹ Ẩn Danh Thật', anonymousPsid: 'psid-an-danh', anonymousWords: 'cô giáo quát mắng cháu rất to',
  ownClassParent: 'Bố Lá Một', ownClassPsid: 'psid-la-mot', ownClassChild: 'Bé Một Nhà Này', ownClassReason: 'đau bụng nhẹ',
};

export interface School {
  loa: TestLoa;
  graph: FakePlatform;
  tokens: Record<Role, string>;
  ids: Record<Role, string>;
  contacts: { otherClass: Contact; anonymous: Contact; ownClass: Contact };
  comments: { otherClass: number; anonymous: number };
  as(role: Role): { get(url: string): request.Test; post(url: string): request.Test; put(url: string): request.Test; patch(url: string): request.Test; delete(url: string): request.Test };
  close(): Promise<void>;
}

const ref = (userId: string) => ({ channel: 'messenger' as const, accountId: fb.PAGE_ID, userId, threadId: userId, threadType: 'user' as const });

export async function openSchool(env: Record<string, string> = {}): Promise<School> {
  const graph = await fb.acceptingGraph();
  const loa = await startLoa({
    config: testConfig({ ...fb.messengerEnv(graph.url), ...env }),
  });
  const tokens = {} as Record<Role, string>;
  const ids = {} as Record<Role, string>;
  for (const [role, name, classIds] of [['admin', 'Anh Quản Trị', []], ['principal', 'Cô Hiệu Trưởng', []], ['staff', 'Cô Giáo Lá Một', ['la-a1']], ['viewer', 'Cán bộ Xã', []]] as const) {
    const u = await userWithToken(loa, { name, role, classIds: [...classIds] });
    tokens[role] = u.token;
    ids[role] = u.id;
  }
  const { store } = loa;
  const at = '2026-11-26T01:50:00.000Z';
  const otherClass = await store.contacts.touch(ref(SECRETS.otherClassPsid), at, SECRETS.otherClassParent);
  const anonymous = await store.contacts.touch(ref(SECRETS.anonymousPsid), at, SECRETS.anonymousParent);
  const ownClass = await store.contacts.touch(ref(SECRETS.ownClassPsid), at, SECRETS.ownClassParent);
  await store.subscriptions.subscribe(otherClass.id, 'la-a2', 'chat', 'messenger', at);
  await store.subscriptions.subscribe(anonymous.id, 'la-a1', 'chat', 'messenger', at);
  await store.subscriptions.subscribe(ownClass.id, 'la-a1', 'chat', 'messenger', at);
  const turn = (c: Contact, text: string, extra: Partial<{ intent: string; handler: string; answered: boolean }> = {}) => store.transcript.append({
    conversationKey: conversationKey(c.ref), channel: 'messenger', contactId: c.id, at, text, locale: 'vi',
    intent: extra.intent ?? null, confidence: 0.9, handler: extra.handler ?? 'answer:x', answered: extra.answered ?? true, asked: true, latencyMs: 1, replies: ['…'],
  });
  await turn(otherClass, SECRETS.otherClassQuestion, { intent: 'none', handler: 'fallback', answered: false });
  await turn(anonymous, SECRETS.anonymousWords, { intent: 'feedback', handler: 'feedback:step' });
  await turn(anonymous, 'học phí bao nhiêu', { intent: 'fees', handler: 'answer:fees' });
  const { comments } = loa.features;
  const c1 = await comments.submit({ text: `Lớp hai: ${SECRETS.otherClassParent} phản ánh về bữa ăn`, anonymous: false, classId: 'la-a2', contactId: otherClass.id, ref: otherClass.ref, displayName: SECRETS.otherClassParent });
  const c2 = await comments.submit({ text: SECRETS.anonymousWords, anonymous: true, classId: 'la-a1', contactId: anonymous.id, ref: anonymous.ref, displayName: SECRETS.anonymousParent });
  await store.absences.create({ createdAt: at, contactId: otherClass.id, childName: SECRETS.otherClassChild, classId: 'la-a2', fromDate: '2026-11-26', toDate: '2026-11-26', reason: SECRETS.otherClassReason });
  await store.absences.create({ createdAt: at, contactId: ownClass.id, childName: SECRETS.ownClassChild, classId: 'la-a1', fromDate: '2026-11-26', toDate: '2026-11-26', reason: SECRETS.ownClassReason });
  await store.flush();
  const as = (role: Role) => {
    const auth = (t: request.Test) => t.set('authorization', `Bearer ${tokens[role]}`);
    const agent = request(loa.app);
    return { get: (u: string) => auth(agent.get(u)), post: (u: string) => auth(agent.post(u)), put: (u: string) => auth(agent.put(u)), patch: (u: string) => auth(agent.patch(u)), delete: (u: string) => auth(agent.delete(u)) };
  };
  return {
    loa, graph, tokens, ids, contacts: { otherClass, anonymous, ownClass }, comments: { otherClass: c1.id, anonymous: c2.id }, as,
    async close() {
      await loa.close();
      await graph.stop();
    },
  };
}
