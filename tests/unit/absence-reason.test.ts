// An absence's reason is the reason only: who is absent and when are fields of their own.
import { describe, expect, it } from 'vitest';
import { reasonOf } from '../../src/features/absences/absence-form.ts';

describe('the reason of an absence', () => {
  it.each([
    ['my son is sick today', 'sick'],
    ['she has a dentist appointment', 'a dentist appointment'],
    ['cháu nhà em bị sốt ạ', 'bị sốt'],
    ['cho bé Na lớp Lá A1 nghỉ mai vì bé bị sốt', 'bị sốt'],
    ['Mia from La A2 will be off today and tomorrow, family trip', 'family trip'],
    ['về quê ăn cưới cô ạ', 'về quê ăn cưới'],
  ])('of "%s" is "%s"', (text, reason) => {
    expect(reasonOf(text)).toBe(reason);
  });

  it('is none when the message gives none', () => {
    expect(reasonOf('cho bé Na nghỉ thứ 6 nhé cô')).toBeNull();
  });
});
