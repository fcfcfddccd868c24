// Generated request bodies for the fuzz test: mostly the documented shapes with wrong, odd or
// oversized leaves and unknown fields (all named MARK…), some garbage.
import fc from 'fast-check';
import * as mfx from '../fakes/messenger-fixtures.ts';
import * as zfx from '../fakes/zalo-oa-fixtures.ts';

export const MARK = 'zzfuzzextra';

const text = fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('xin chào', 'học phí bao nhiêu', 'con bị sốt, cho cháu nghỉ', 'xóa dữ liệu của tôi', 'yes', 'LOA-123456', '👍', ''), fc.string({ unit: 'grapheme', maxLength: 200 }));
const weird = fc.oneof(
  { arbitrary: fc.anything({ maxDepth: 2, maxKeys: 4 }), weight: 8 }, { arbitrary: fc.constant(null), weight: 2 }, { arbitrary: fc.integer(), weight: 2 },
  { arbitrary: fc.double(), weight: 2 }, { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.nat({ max: 50 }).map((n) => 'á'.repeat(20_001 + n)), weight: 1 }, // just over the web chat's limit
);
const extras = fc.dictionary(fc.string({ maxLength: 8 }).map((k) => `${MARK}${k}`), fc.oneof(fc.anything({ maxDepth: 2, maxKeys: 4 }), fc.string({ maxLength: 2000 })), { maxKeys: 3 });
const deep = fc.integer({ min: 1_000, max: 50_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`);

/** Bodies around a shape: mostly well-formed with wrong or odd leaves and extra fields, some garbage. */
export function bodiesOf(shape: fc.Arbitrary<Record<string, unknown>>, seed: number, runs: number): string[] {
  const json = fc.tuple(shape, extras).map(([s, x]) => JSON.stringify({ ...s, ...x }));
  const garbage = fc.oneof(fc.string({ maxLength: 100 }), fc.json({ maxDepth: 3 }), deep.map((d) => `{"${MARK}deep":${d}}`), fc.constantFrom('', '{', '[]', 'null', '"x"', '{"user":'));
  return fc.sample(fc.oneof({ arbitrary: json, weight: 9 }, { arbitrary: garbage, weight: 1 }), { numRuns: runs, seed });
}

let seq = 0;
const id = () => fc.oneof(fc.constant(null), fc.integer(), fc.string({ maxLength: 12 }), fc.nat().map((n) => `u${n % 500}`));
const uniq = fc.constant(null).map(() => `fz${++seq}`);

const user = fc.nat().map((n) => `fuzz-${n % 300}`);
export const chatShape = fc.oneof(
  { arbitrary: fc.record({ user, text, messageId: uniq, name: fc.string({ maxLength: 30 }) }, { requiredKeys: ['user', 'text'] }), weight: 6 },
  { arbitrary: fc.record({ user, payload: fc.constantFrom('intent:fees', 'erase:yes', 'erase:no', 'lang:en', 'x') }), weight: 2 },
  { arbitrary: fc.record({
  user: fc.oneof({ arbitrary: fc.nat().map((n) => `fuzz-${n % 300}`), weight: 5 }, { arbitrary: weird, weight: 1 }),
  text: fc.oneof({ arbitrary: text, weight: 5 }, { arbitrary: weird, weight: 1 }),
  payload: fc.oneof(fc.constantFrom('intent:fees', 'erase:yes', 'lang:en', 'feedback:cat:meals', 'x'), weird),
  messageId: fc.oneof(uniq, weird),
  name: fc.oneof(fc.string({ maxLength: 120 }), weird),
}, { requiredKeys: [] }), weight: 2 },
);

const messagingItem = fc.record({
  sender: fc.record({ id: fc.oneof({ arbitrary: fc.nat().map((n) => `${7_000_000 + (n % 300)}`), weight: 4 }, { arbitrary: id(), weight: 1 }) }, { requiredKeys: [] }),
  recipient: fc.record({ id: fc.constant(mfx.PAGE_ID) }),
  timestamp: fc.oneof({ arbitrary: fc.constant(null).map(() => Date.now()), weight: 4 }, { arbitrary: weird, weight: 1 }),
  message: fc.record({ mid: fc.oneof({ arbitrary: uniq, weight: 4 }, { arbitrary: weird, weight: 1 }), text: fc.oneof(text, weird), quick_reply: fc.record({ payload: fc.oneof(fc.constantFrom('intent:fees', 'erase:no'), weird) }), attachments: fc.array(fc.record({ type: fc.oneof(fc.constantFrom('image', 'audio', 'file'), weird) }), { maxLength: 2 }), is_echo: fc.boolean() }, { requiredKeys: [] }),
  postback: fc.record({ mid: uniq, payload: fc.oneof(fc.constantFrom('intent:contact', 'GET_STARTED'), weird), title: text }, { requiredKeys: [] }),
}, { requiredKeys: ['sender', 'recipient'] });
export const messengerShape = fc.record({
  object: fc.oneof({ arbitrary: fc.constant('page'), weight: 9 }, { arbitrary: weird, weight: 1 }),
  entry: fc.oneof({ arbitrary: fc.array(fc.record({ id: fc.constant(mfx.PAGE_ID), time: fc.nat(), messaging: fc.array(messagingItem, { maxLength: 3 }) }), { minLength: 1, maxLength: 2 }), weight: 9 }, { arbitrary: weird, weight: 1 }),
});

export const zaloShape = fc.record({
  app_id: fc.oneof({ arbitrary: fc.constant(zfx.APP_ID), weight: 9 }, { arbitrary: weird, weight: 1 }),
  event_name: fc.oneof(fc.constantFrom('user_send_text', 'user_send_image', 'follow', 'unfollow', 'oa_send_text', 'user_send_sticker'), fc.string({ maxLength: 20 }), weird),
  timestamp: fc.oneof({ arbitrary: fc.constant(null).map(() => String(Date.now())), weight: 4 }, { arbitrary: weird, weight: 1 }),
  sender: fc.record({ id: fc.oneof({ arbitrary: fc.nat().map((n) => `24684588352919${n % 300}`), weight: 4 }, { arbitrary: id(), weight: 1 }) }, { requiredKeys: [] }),
  recipient: fc.record({ id: fc.constant(zfx.OA_ID) }),
  follower: fc.record({ id: fc.oneof(fc.nat().map((n) => `99${n % 300}`), weird) }),
  oa_id: fc.constant(zfx.OA_ID),
  message: fc.record({ msg_id: fc.oneof({ arbitrary: uniq, weight: 4 }, { arbitrary: weird, weight: 1 }), text: fc.oneof(text, weird) }, { requiredKeys: [] }),
}, { requiredKeys: ['app_id', 'event_name'] });

