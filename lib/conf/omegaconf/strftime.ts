/**
 * Python's datetime.strftime for the codes Hydra users put in `${now:...}` (run folders such as
 * `outputs/${now:%Y-%m-%d}/${now:%H-%M-%S}`), in local time with C-locale names. An unknown code
 * is kept as written, as glibc's strftime does.
 * @module
 */

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** Day of the year, 1-366, in local time. */
function dayOfYear(date: Date): number {
  const start = new Date(date.getFullYear(), 0, 1);
  // Whole days between local midnights; UTC dates sidestep daylight-saving shifts.
  const utc = (d: Date): number => Date.UTC(d.getFullYear(), d.getMonth(), d.getDate());
  return (utc(date) - utc(start)) / 86_400_000 + 1;
}

/** The local UTC offset as +HHMM. */
function utcOffset(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  return `${sign}${pad(Math.floor(Math.abs(minutes) / 60))}${pad(Math.abs(minutes) % 60)}`;
}

const CODES: Record<string, (date: Date) => string> = {
  Y: (d) => pad(d.getFullYear(), 4),
  y: (d) => pad(d.getFullYear() % 100),
  m: (d) => pad(d.getMonth() + 1),
  d: (d) => pad(d.getDate()),
  H: (d) => pad(d.getHours()),
  I: (d) => pad(d.getHours() % 12 || 12),
  M: (d) => pad(d.getMinutes()),
  S: (d) => pad(d.getSeconds()),
  // Python prints microseconds; a Date holds milliseconds.
  f: (d) => pad(d.getMilliseconds() * 1000, 6),
  p: (d) => (d.getHours() < 12 ? 'AM' : 'PM'),
  b: (d) => MONTHS[d.getMonth()]!.slice(0, 3),
  B: (d) => MONTHS[d.getMonth()]!,
  a: (d) => DAYS[d.getDay()]!.slice(0, 3),
  A: (d) => DAYS[d.getDay()]!,
  w: (d) => String(d.getDay()),
  j: (d) => pad(dayOfYear(d), 3),
  z: utcOffset,
  '%': () => '%',
};

/** Formats `date` with a strftime pattern: %Y %m %d %H %M %S %f %y %b %B %a %A %j %p %z %I %w %%. */
export function strftime(date: Date, pattern: string): string {
  return pattern.replace(/%(.?)/gs, (code, letter: string) => CODES[letter]?.(date) ?? code);
}
