// An object of the same shape as the part of zca-js Loa uses (the only thing mocked in the
// suite: Zalo's private servers cannot run here). The listener is a real EventEmitter.
import { EventEmitter } from 'node:events';
import type { ZaloPersonalApi, ZaloPersonalMessage } from '../../src/channels/zalo-personal/zalo-personal-api.ts';

export class FakeListener extends EventEmitter {
  starts = 0;
  stops = 0;
  start(): void {
    this.starts++;
    setImmediate(() => this.emit('connected'));
  }
  stop(): void {
    this.stops++;
  }
}

export class FakeZca implements ZaloPersonalApi {
  readonly listener = new FakeListener();
  readonly sent: { text: string; threadId: string; type: number }[] = [];
  readonly groupInfoCalls: string[][] = [];
  failNextSendWith: { code: number; message: string } | null = null;
  groups: Record<string, { name: string; members: number }> = {};

  constructor(readonly ownId = '8000000000000000001') {}

  getOwnId(): string {
    return this.ownId;
  }

  async sendMessage(content: { msg: string }, threadId: string, type: number) {
    if (this.failNextSendWith) {
      const e = Object.assign(new Error(this.failNextSendWith.message), { code: this.failNextSendWith.code });
      this.failNextSendWith = null;
      throw e;
    }
    this.sent.push({ text: content.msg, threadId, type });
    return { message: { msgId: 7_000_000 + this.sent.length } };
  }

  async getAllGroups() {
    return { gridVerMap: Object.fromEntries(Object.keys(this.groups).map((id) => [id, '1'])) };
  }

  async getGroupInfo(ids: string | string[]) {
    const list = Array.isArray(ids) ? ids : [ids];
    this.groupInfoCalls.push(list);
    return { gridInfoMap: Object.fromEntries(list.map((id) => [id, { groupId: id, name: this.groups[id].name, totalMember: this.groups[id].members }])) };
  }

  getCookie() {
    return { toJSON: () => ({ cookies: [{ key: 'zpw_sek', value: 'refreshed' }] }) };
  }

  /** A message as zca-js emits it. */
  message(m: { group?: string; from: string; text: string | object; id: string; mentions?: { uid: string; pos: number; len: number }[]; self?: boolean }): ZaloPersonalMessage {
    return {
      type: m.group ? 1 : 0,
      threadId: m.group ?? m.from,
      isSelf: m.self ?? false,
      data: { msgId: m.id, uidFrom: m.from, dName: 'Mẹ bé Na', ts: String(Date.parse('2026-11-26T01:59:59Z')), content: m.text, mentions: m.mentions?.map((x) => ({ ...x, type: 0 })) },
    };
  }
}
