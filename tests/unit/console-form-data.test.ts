// The console's school-data forms, their data side: a half-filled form becomes valid school data
// (optional parts left empty are dropped, not sent as empty strings) and no server error is lost.
import fs from 'node:fs';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { clean, setAt, unshown, type Desc } from '../../web/src/ui/form-data.ts';
import { cleanMenus } from '../../web/src/screens/menu-data.ts';
import { feesSchema, menusSchema } from '../../src/school/school-schema.ts';

const bi = (key: string, optional = false): Desc => ({ k: 'bilingual', key, optional });
const FEES: Desc[] = [
  { k: 'text', key: 'schoolYear' },
  { k: 'group', key: 'tuition', fields: [{ k: 'number', key: 'amount' }, bi('note')] },
  { k: 'list', key: 'items', item: [{ k: 'text', key: 'id' }, bi('name'), { k: 'number', key: 'amount' }, { k: 'select', key: 'per', options: ['day', 'month'] }, bi('note', true)] },
  { k: 'group', key: 'payment', fields: [bi('deadline'), bi('methods'), bi('refund'),
    { k: 'group', key: 'bank', optional: true, fields: [{ k: 'text', key: 'name' }, { k: 'text', key: 'accountNumber' }, { k: 'text', key: 'holder' }, bi('reference')] }] },
];

describe('console form data', () => {
  it('sets a value at a path without touching the rest', () => {
    const before = { items: [{ amount: 1 }, { amount: 2 }], note: 'x' };
    const after = setAt(before, ['items', 1, 'amount'], 5);
    expect(after).toEqual({ items: [{ amount: 1 }, { amount: 5 }], note: 'x' });
    expect(before.items[1].amount).toBe(2);
    expect(after.items[0]).toBe(before.items[0]);
  });

  it('drops an empty bank account and empty item notes: the fees stay valid', () => {
    const fees = YAML.parse(fs.readFileSync(new URL('../../school/fees.yaml', import.meta.url), 'utf8'));
    const edited = setAt(setAt(fees, ['payment', 'bank'], { name: '', accountNumber: '', holder: '', reference: { vi: '', en: '' } }),
      ['items', 0, 'note'], { vi: '', en: '' });
    expect(feesSchema.safeParse(edited).success).toBe(false);
    const cleaned = clean(FEES, edited);
    expect(cleaned.payment.bank).toBeUndefined();
    expect(cleaned.items[0].note).toBeUndefined();
    expect(feesSchema.safeParse(cleaned).success).toBe(true);
  });

  it('keeps a half-filled bank account, for the server to name what is missing', () => {
    const cleaned = clean(FEES, { payment: { bank: { name: 'Vietcombank', accountNumber: '', holder: '', reference: { vi: '', en: '' } } } });
    expect(cleaned.payment.bank.name).toBe('Vietcombank');
  });

  it('an emptied menu day is dropped, an emptied snack too; the menus stay valid', () => {
    const menus = YAML.parse(fs.readFileSync(new URL('../../school/menus.yaml', import.meta.url), 'utf8'));
    const edited = setAt(setAt(menus, ['weeks', 0, 'mon'], { lunch: { vi: '', en: '' }, snack: { vi: '', en: '' } }),
      ['weeks', 0, 'tue', 'snack'], { vi: ' ', en: '' });
    expect(menusSchema.safeParse(edited).success).toBe(false);
    const cleaned = cleanMenus(edited);
    expect(cleaned.weeks[0].mon).toBeUndefined();
    expect(cleaned.weeks[0].tue).toEqual({ lunch: menus.weeks[0].tue.lunch });
    expect(menusSchema.safeParse(cleaned).success).toBe(true);
  });

  it('lists the server errors no field shows, and only those', () => {
    const data = { tuition: { amount: 0 }, items: [{ id: 'an' }] };
    const errors = { 'tuition.amount': 'a', 'items.0.name.en': 'b', 'payment.bank.holder': 'c', 'extra': 'd', 'items.3.id': 'e' };
    expect(unshown(FEES, errors, data)).toEqual(['extra: d', 'items.3.id: e']);
  });
});
