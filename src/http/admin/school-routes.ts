// School data in the console: one section at a time, with its version (a stale edit is refused),
// errors next to each field in the person's language, and the weekly menu from a spreadsheet.
import express, { Router } from 'express';
import type { SchoolService } from '../../school/school-service.ts';
import { SchoolDataError, StaleSchoolDataError } from '../../school/school-service.ts';
import { isSchoolSection, SCHOOL_SECTIONS, type SchoolSection } from '../../school/school-schema.ts';
import { menusFromCsv, menusToCsv } from '../../school/menu-csv.ts';
import { requireRole } from '../auth.ts';
import type { Audit } from '../audit.ts';
import { consoleError, invalidFields } from '../errors.ts';
import { errorT, requestLocale } from '../error-texts.ts';

export function schoolRoutes(deps: { school: SchoolService; audit: Audit; clock: () => Date }): Router {
  const { school, audit, clock } = deps;
  const router = Router();
  const sectionOf = (v: unknown): SchoolSection => {
    const section = String(v);
    if (!isSchoolSection(section)) throw consoleError(404, 'no_section', { section });
    return section;
  };

  router.get('/school', requireRole('admin', 'principal', 'staff', 'viewer'), (_req, res) => {
    res.json({ sections: Object.keys(SCHOOL_SECTIONS), versions: Object.fromEntries(Object.keys(SCHOOL_SECTIONS).map((s) => [s, school.versionOf(s as SchoolSection)])) });
  });

  router.get('/school/menus/export', requireRole('admin', 'principal', 'staff', 'viewer'), (_req, res) => {
    res.set('content-type', 'text/csv; charset=utf-8');
    res.set('content-disposition', 'attachment; filename="thuc-don.csv"');
    res.send(menusToCsv(school.get('menus')));
  });

  // A spreadsheet → the menus section, checked whole. By default it is only read back for the
  // grid to show (and PUT with its version); ?apply=1 saves it at once.
  router.post('/school/menus/import', requireRole('admin', 'principal'),
    express.text({ type: ['text/*', 'application/csv'], limit: '1mb' }),
    async (req, res) => {
      const text = typeof req.body === 'string' ? req.body : '';
      const { data, problems } = menusFromCsv(text, school.get('menus'));
      if (!data) {
        const t = errorT(requestLocale(req));
        res.status(400).json({
          ok: false, errors: problems.map((p) => ({ line: p.line, message: t(p.key, p.vars ?? {}) })),
          error: { code: 'menu_invalid', message: t('menu_invalid') },
        });
        return;
      }
      if (!['1', 'true'].includes(String(req.query.apply ?? ''))) {
        res.json({ ok: true, errors: [], data, version: school.versionOf('menus') });
        return;
      }
      const saved = await save('menus', data, undefined);
      await audit(req, 'school.import', 'school:menus', { weeks: saved.weeks.length, overrides: Object.keys(saved.overrides).length });
      res.json({ ok: true, errors: [], data: saved, version: school.versionOf('menus') });
    });

  router.get('/school/:section', requireRole('admin', 'principal', 'staff', 'viewer'), (req, res) => {
    const section = sectionOf(req.params.section);
    res.json({ section, data: school.get(section), version: school.versionOf(section) });
  });

  const save = async <K extends SchoolSection>(section: K, data: unknown, version: number | undefined) => {
    try {
      return await school.replace(section, data, clock(), version);
    } catch (err) {
      if (err instanceof StaleSchoolDataError) throw consoleError(409, 'stale', undefined, { current: school.versionOf(section) });
      if (err instanceof SchoolDataError) throw invalidFields(err.issues);
      throw err;
    }
  };

  // The console sends {data, version}; scripts may send the section itself (no stale check).
  router.put('/school/:section', requireRole('admin', 'principal'), async (req, res) => {
    const section = sectionOf(req.params.section);
    const body = req.body as Record<string, unknown>;
    const wrapped = body && typeof body === 'object' && !Array.isArray(body) && 'data' in body && typeof body.version === 'number'
      && Object.keys(body).every((k) => k === 'data' || k === 'version');
    const data = await save(section, wrapped ? body.data : body, wrapped ? (body.version as number) : undefined);
    await audit(req, 'school.update', `school:${section}`, data);
    res.json({ section, data, version: school.versionOf(section) });
  });

  return router;
}
