// The privacy notice at /privacy (Vietnamese) and /privacy?lang=en: short, in the parent's
// language, with the retention periods this school configured. No script, no external resource.
import type { Config } from '../../config.ts';
import type { Translate } from '../../i18n.ts';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function privacyPage(t: Translate, locale: 'vi' | 'en', config: Config, school: { name: string; phone: string }): string {
  const period = (days: number) => (days > 0 ? t('privacy.page.days', { count: days }) : t('privacy.page.forever'));
  const p = (key: string, values: Record<string, unknown> = {}) => escape(t(`privacy.page.${key}`, { ...values, interpolation: { escapeValue: false } }));
  const sections = ['what', 'why', 'how_long', 'rights'].map((s) => `<h2>${p(`${s}_title`)}</h2>\n<p>${p(s, {
    transcript: period(config.RETENTION_TRANSCRIPT_DAYS), absence: period(config.RETENTION_ABSENCE_DAYS),
    comment: period(config.RETENTION_COMMENT_DAYS), phone: school.phone,
  })}</p>`).join('\n');
  const other = locale === 'vi' ? '<a href="/privacy?lang=en" lang="en">English</a>' : '<a href="/privacy" lang="vi">Tiếng Việt</a>';
  return `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${p('title')}</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5">
<p>${other}</p>
<h1>${p('title')}</h1>
<p>${p('intro', { school: school.name })}</p>
${sections}
</body>
</html>
`;
}
