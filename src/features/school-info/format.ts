import type { Locale } from '../../store/types.ts';
import type { Bilingual } from '../../school/school-schema.ts';

export function formatMoney(amount: number, locale: Locale): string {
  if (locale === 'vi') return `${amount.toLocaleString('vi-VN')}đ`;
  return `${amount.toLocaleString('en-US')} VND`;
}

export const pick = (text: Bilingual, locale: Locale): string => text[locale];
