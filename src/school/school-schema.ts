// The shape of the school's own data (school/*.yaml, or edited through the admin API).
// Every section is validated before it is used, so a typo in a file is refused with its path.
import { z } from '@botpress/sdk';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-09-05');
const hhmm = z.string().regex(/^\d{2}:\d{2}$/, 'a time like 07:30');
export const bilingual = z.object({ vi: z.string().min(1), en: z.string().min(1) });
export type Bilingual = z.infer<typeof bilingual>;

export const profileSchema = z.object({
  name: z.string().min(1),
  /** The name in English answers; the Vietnamese name when missing. */
  nameEn: z.string().min(1).optional(),
  shortName: z.string().min(1),
  demo: z.boolean().default(false),
  address: z.string().min(1),
  phone: z.string().min(1),
  email: z.string().min(1),
  zalo: z.string().optional(),
  fanpage: z.string().optional(),
  website: z.string().optional(),
  /** The web chat widget's colours (the school's own), and links for parents who would rather continue there. */
  colors: z.object({ primary: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #0b6bcb'), onPrimary: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #ffffff') }).optional(),
  zaloUrl: z.string().url().optional(),
  facebookUrl: z.string().url().optional(),
  principal: z.object({ name: z.string(), title: bilingual, phone: z.string() }),
  contacts: z.array(z.object({ role: bilingual, name: z.string(), phone: z.string() })).default([]),
  hours: z.object({
    days: bilingual, open: hhmm, dropOffUntil: hhmm, pickUpFrom: hhmm, close: hhmm,
    saturday: bilingual, latePickup: bilingual,
  }),
  officeHours: bilingual,
});

export const classSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes'),
  name: z.string().min(1),
  ageGroup: z.enum(['nha_tre', 'mam', 'choi', 'la']),
  ages: bilingual,
  teachers: z.array(z.string()).default([]),
});
export const classesSchema = z.array(classSchema).min(1);

export const feesSchema = z.object({
  schoolYear: z.string(),
  tuition: z.object({ amount: z.number().min(0), note: bilingual }),
  items: z.array(z.object({
    id: z.string(), name: bilingual, amount: z.number().min(0),
    per: z.enum(['day', 'month', 'term', 'year']), note: bilingual.optional(),
  })),
  payment: z.object({
    deadline: bilingual, methods: bilingual, refund: bilingual,
    bank: z.object({ name: z.string(), accountNumber: z.string(), holder: z.string(), reference: bilingual }).optional(),
  }),
});

const dateRange = { from: isoDate, to: isoDate };
export const calendarSchema = z.object({
  schoolYear: z.object({ name: z.string(), start: isoDate, end: isoDate }),
  schoolDays: z.array(z.number().int().min(0).max(6)).default([1, 2, 3, 4, 5]),
  terms: z.array(z.object({ name: bilingual, start: isoDate, end: isoDate })),
  holidays: z.array(z.object({ name: bilingual, ...dateRange })),
  events: z.array(z.object({ date: isoDate, name: bilingual, time: hhmm.optional(), details: bilingual.optional() })),
});

const meal = z.object({ lunch: bilingual, snack: bilingual.optional() });
const week = z.object({ mon: meal.optional(), tue: meal.optional(), wed: meal.optional(), thu: meal.optional(), fri: meal.optional(), sat: meal.optional() });
export const menusSchema = z.object({
  rotationStart: isoDate,
  weeks: z.array(week).default([]),
  overrides: z.record(isoDate, meal).default({}),
});

export const guidesSchema = z.object({
  uniform: bilingual, health: bilingual, enrollment: bilingual, support: bilingual, routine: bilingual,
});

export const SCHOOL_SECTIONS = {
  profile: profileSchema,
  classes: classesSchema,
  fees: feesSchema,
  calendar: calendarSchema,
  menus: menusSchema,
  guides: guidesSchema,
} as const;

export type SchoolSection = keyof typeof SCHOOL_SECTIONS;
export type SchoolData = { [K in SchoolSection]: z.infer<(typeof SCHOOL_SECTIONS)[K]> };
export type SchoolClass = z.infer<typeof classSchema>;
export type Meal = z.infer<typeof meal>;
export const isSchoolSection = (s: string): s is SchoolSection => Object.hasOwn(SCHOOL_SECTIONS, s);
