// How values read in Vietnamese: dates dd/mm/yyyy, numbers 1.234.567, no locale data needed.

/** `1234567` → `1.234.567` (dot between thousands, as Vietnamese writes them). */
export function formatInt(n: number): string {
  if (!Number.isFinite(n)) return "";
  const sign = n < 0 ? "-" : "";
  const digits = Math.trunc(Math.abs(n)).toString();
  let out = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ".";
    out += digits[i];
  }
  return sign + out;
}

/** `0.256` → `25,6%` (comma before decimals). */
export function formatPercent(ratio: number, decimals = 0): string {
  if (!Number.isFinite(ratio)) return "";
  const fixed = (ratio * 100).toFixed(decimals);
  const [whole, frac] = fixed.split(".");
  return formatInt(Number(whole)) + (frac ? "," + frac : "") + "%";
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/;

/** `2026-03-05` → `05/03/2026`; `2026-03-05T08:30` → `05/03/2026 08:30`; anything else unchanged. */
export function formatDate(iso: string): string {
  const d = ISO_DATE.exec(iso);
  if (d) return `${d[3]}/${d[2]}/${d[1]}`;
  const t = ISO_DATETIME.exec(iso);
  if (t) return `${t[3]}/${t[2]}/${t[1]} ${t[4]}:${t[5]}`;
  return iso;
}

/** A local day as ISO `yyyy-mm-dd`. */
export function isoDay(d: Date): string {
  const p = (n: number) => n.toString().padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** Today as the officer types it: `05/03/2026`. */
export function today(now: Date = new Date()): string {
  return formatDate(isoDay(now));
}

/** `dd/mm/yyyy` → ISO, or null when it is not a real date. */
export function parseDate(s: string): string | null {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(s);
  if (!m) return ISO_DATE.test(s.trim()) ? s.trim() : null;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  const p = (n: number) => n.toString().padStart(2, "0");
  return `${year}-${p(month)}-${p(day)}`;
}

export const MONTHS = ["Th1", "Th2", "Th3", "Th4", "Th5", "Th6", "Th7", "Th8", "Th9", "Th10", "Th11", "Th12"];

/** "1 bản ghi", "1.234 bản ghi" (Vietnamese nouns do not inflect). */
export function count(n: number, noun: string): string {
  return `${formatInt(n)} ${noun}`;
}

/** A security team's name without the register's own words, for charts: "Tổ bảo vệ an ninh, trật tự thôn 5" → "Thôn 5". */
export function shortTeamName(name: string): string {
  const rest = name.replace(/^tổ bảo vệ (an ninh, trật tự|antt)\s*/iu, "").trim();
  return rest ? rest.charAt(0).toLocaleUpperCase("vi") + rest.slice(1) : name;
}
