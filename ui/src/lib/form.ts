// A form's values: the stored record (ISO dates, numbers, codes, ids) as the officer edits them, and
// back. The core validates; the form only converts, so every rule and message stays in one place.
import type { FieldSpec } from "../bindings";
import { formatDate, formatInt } from "./format";

export type Grade = { year: string; grade: string };
export type FormValue = string | boolean | string[] | Grade[];
export type Values = Record<string, FormValue>;
type Data = Record<string, unknown>;

/** The editable fields of a form (system fields are set only by the life-cycle operations). */
export function editable(fields: FieldSpec[]): FieldSpec[] {
  return fields.filter((f) => !f.system);
}

export function emptyValue(f: FieldSpec): FormValue {
  switch (f.input) {
    case "bool":
      return false;
    case "links":
    case "choices":
      return [];
    case "grades":
      return [];
    default:
      return "";
  }
}

/** The stored value of a field as the form shows it. */
export function toInput(f: FieldSpec, v: unknown): FormValue {
  if (v === undefined || v === null) return emptyValue(f);
  switch (f.input) {
    case "date":
    case "date_time":
      return formatDate(String(v));
    case "bool":
      return v === true;
    case "int":
      // 1.300.000 as officers write it; the core reads the dots back.
      return typeof v === "number" ? formatInt(v) : String(v);
    case "links":
    case "choices":
      return Array.isArray(v) ? v.map(String) : [String(v)];
    case "text_list":
      return Array.isArray(v) ? v.map(String).join("\n") : String(v);
    case "grades":
      return Array.isArray(v)
        ? v.map((g) => ({ year: String((g as Data).year ?? ""), grade: String((g as Data).grade ?? "") }))
        : [];
    default:
      return String(v);
  }
}

export function toInputs(fields: FieldSpec[], data: Data = {}): Values {
  const out: Values = {};
  for (const f of editable(fields)) out[f.key] = toInput(f, data[f.key]);
  return out;
}

/** The form's value as the core takes it; `undefined` when empty. Numbers and dates go as typed. */
export function fromInput(f: FieldSpec, v: FormValue): unknown {
  switch (f.input) {
    case "bool":
      return v === true ? true : undefined;
    case "links":
    case "choices":
      return Array.isArray(v) && v.length > 0 ? v : undefined;
    case "grades": {
      const rows = (v as Grade[]).filter((g) => g.year.trim() !== "" || g.grade !== "");
      return rows.length > 0
        ? rows.map((g) => ({ year: /^\d+$/.test(g.year.trim()) ? Number(g.year.trim()) : g.year, grade: g.grade }))
        : undefined;
    }
    default: {
      const s = typeof v === "string" ? v.trim() : "";
      return s === "" ? undefined : s;
    }
  }
}

/** A new record's fields: the non-empty ones. */
export function toCreate(fields: FieldSpec[], values: Values): Data {
  const out: Data = {};
  for (const f of editable(fields)) {
    const v = fromInput(f, values[f.key] ?? emptyValue(f));
    if (v !== undefined) out[f.key] = v;
  }
  return out;
}

/** An edit as a patch: changed fields only, `null` for a cleared one. */
export function toPatch(fields: FieldSpec[], values: Values, original: Data): Data {
  const before = toInputs(fields, original);
  const out: Data = {};
  for (const f of editable(fields)) {
    const now = values[f.key] ?? emptyValue(f);
    if (JSON.stringify(now) === JSON.stringify(before[f.key])) continue;
    const v = fromInput(f, now);
    out[f.key] = v === undefined ? null : v;
  }
  return out;
}

/** Có / Không, for a yes/no the officer must state (a step's decision, a setting): an unticked box
 * cannot tell "Không" from "not said". */
export const YES_NO = [
  { code: "true", label: "Có", parent: null },
  { code: "false", label: "Không", parent: null },
];

/** A yes/no field shown as a choice of Có / Không (— Chọn — when not said yet); others unchanged. */
export function asChoice(f: FieldSpec): FieldSpec {
  return f.input === "bool" ? { ...f, input: "select", choices: YES_NO } : f;
}

/** Stored values for a form of `asChoice` fields: a yes/no as "true" / "false" / "". */
export function toChoiceInputs(fields: FieldSpec[], data: Data = {}): Values {
  const out: Values = {};
  for (const f of editable(fields)) {
    const v = data[f.key];
    out[f.key] = f.input === "bool" ? (typeof v === "boolean" ? String(v) : "") : toInput(f, v);
  }
  return out;
}

/** The data of a form of `asChoice` fields (`fields` as the core gave them): the non-empty fields,
 * a yes/no as true or false. */
export function toChoiceData(fields: FieldSpec[], values: Values): Data {
  const out: Data = {};
  for (const f of editable(fields)) {
    const raw = values[f.key] ?? emptyValue(f);
    const v = f.input === "bool" ? (raw === "true" ? true : raw === "false" ? false : undefined) : fromInput(f, raw);
    if (v !== undefined) out[f.key] = v;
  }
  return out;
}

/** Nothing typed: an empty text, an unticked box, an empty list. */
function blank(v: unknown): boolean {
  if (v === undefined || v === null || v === false) return true;
  if (typeof v === "string") return v.trim() === "";
  if (Array.isArray(v))
    return v.every((x) => (typeof x === "object" && x !== null ? Object.values(x).every(blank) : blank(x)));
  return false;
}

/** Whether a form's values differ from what it opened with (leaving it would lose them): the same
 * values in another order, or a field added empty, are no change; spaces around a text are none. */
export function changedSince(opened: Record<string, unknown>, now: Record<string, unknown>): boolean {
  for (const k of new Set([...Object.keys(opened), ...Object.keys(now)])) {
    const a = opened[k];
    const b = now[k];
    if (blank(a) && blank(b)) continue;
    const norm = (v: unknown) => JSON.stringify(typeof v === "string" ? v.trim() : v);
    if (norm(a) !== norm(b)) return true;
  }
  return false;
}
