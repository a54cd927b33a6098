/**
 * Checks of strings whose meaning a schema cannot state: a text that must say something
 * (a reason, a justification), and a date that must be on the calendar.
 */

/** Characters that show nothing: white space, controls, format characters (zero-width, bidi marks), unassigned. */
const INVISIBLE = /[\p{White_Space}\p{Cc}\p{Cf}\p{Cn}\p{Co}\p{Cs}\p{Zl}\p{Zp}\p{Zs}\u115F\u1160\u3164\uFFA0\u2800]/gu;

/** How many characters a reader would see. */
export function visibleLength(text: string): number {
  return text.replace(INVISIBLE, '').length;
}

/** A required explanation: `null` when it says something, else the problem, naming the field. */
export function requiredText(path: string, text: string | null | undefined, minVisible = 1): string | null {
  if (text === null || text === undefined || visibleLength(text) === 0) return `${path}: required, and must contain visible text`;
  if (visibleLength(text) < minVisible) return `${path}: at least ${minVisible} visible characters`;
  return null;
}

/** Control characters other than tab and line breaks: nothing a person typed. */
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** A calendar date `YYYY-MM-DD` that exists (no 1987-13-45, no 0000-00-00), or with `yearOnly` also `YYYY`. */
export function calendarDateProblem(path: string, value: string, options: { yearOnly?: boolean } = {}): string | null {
  const expected = options.yearOnly ? 'YYYY or YYYY-MM-DD' : 'YYYY-MM-DD';
  const match = /^(\d{4})(?:-(\d{2})-(\d{2}))?$/.exec(value);
  // The value itself is never quoted: a date of birth is personal data, and problems reach logs and audit.
  if (!match || (!options.yearOnly && match[2] === undefined)) return `${path}: not a date (${expected})`;
  const year = Number(match[1]);
  if (year < 1800 || year > 2200) return `${path}: year ${year} is out of range`;
  if (match[2] === undefined) return null;
  const month = Number(match[2]);
  const day = Number(match[3]);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return `${path}: not a calendar date (month ${month}, day ${day})`;
  return null;
}

/** A value quoted in a problem, never long enough to flood a response. */
export const clip = (value: string, max = 40): string => (value.length > max ? `${value.slice(0, max)}…` : value).replace(/[\u0000-\u001F\u007F]/g, '\uFFFD');
