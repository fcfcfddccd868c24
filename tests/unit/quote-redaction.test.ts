import { describe, expect, it } from 'vitest';
import { redactAlert } from '../../src/store/sqlite/quote-redaction.ts';

const who = { contactId: 'c1', name: 'Mẹ Bông', codes: ['PA-0007'] };

describe('redacting an erased parent\'s quotes in an alert', () => {
  it('quoting them alone: every quote and their name', () => {
    expect(redactAlert('Phụ huynh Mẹ Bông (webchat) muốn gặp cán bộ trường: «con bị sốt»', { contactId: 'c1' }, who, 'X'))
      .toBe('Phụ huynh X (webchat) muốn gặp cán bộ trường: «X»');
  });

  it('among others (a trend\'s examples): only the quotes of their own comments', () => {
    const message = 'Nguy cơ: 5 phản ánh tiêu cực về «meals». Ví dụ: «PA-0007: cơm nguội» | «PA-0009: canh mặn»';
    expect(redactAlert(message, { contactIds: ['c2', 'c1'] }, who, 'X')).toBe('Nguy cơ: 5 phản ánh tiêu cực về «meals». Ví dụ: «X» | «PA-0009: canh mặn»');
  });

  it('leaves alerts about someone else or about Loa alone', () => {
    expect(redactAlert('«con bị ngã»', { contactId: 'c2' }, who, 'X')).toBeNull();
    expect(redactAlert('Ổ đĩa sắp đầy', null, who, 'X')).toBeNull();
  });
});
