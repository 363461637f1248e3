import { describe, expect, it } from "vitest";
import type { FieldSpec } from "../bindings";
import { asChoice, changedSince, toChoiceData, toChoiceInputs, toCreate, toInputs, toPatch } from "./form";

function spec(key: string, input: FieldSpec["input"], extra: Partial<FieldSpec> = {}): FieldSpec {
  return {
    key,
    label: key,
    input,
    required: false,
    system: false,
    max_len: null,
    choices: [],
    link: null,
    choices_follow: null,
    bool_default: null,
    required_if: null,
    ...extra,
  };
}

const fields: FieldSpec[] = [
  spec("name", "text", { required: true }),
  spec("households", "int"),
  spec("registered_on", "date"),
  spec("starts_at", "date_time"),
  spec("certified", "bool"),
  spec("area_ids", "links", { link: "area" }),
  spec("attendees", "text_list"),
  spec("grades", "grades"),
  spec("status", "select", { system: true }),
];

describe("form values", () => {
  it("shows stored values as officers type them", () => {
    const v = toInputs(fields, {
      name: "Thôn 5",
      households: 1200,
      registered_on: "2025-02-01",
      starts_at: "2025-02-01T08:30",
      certified: true,
      area_ids: ["a"],
      attendees: ["Ông A", "Bà B"],
      grades: [{ year: 2024, grade: "tot" }],
      status: "hoat_dong",
    });
    expect(v).toEqual({
      name: "Thôn 5",
      households: "1.200",
      registered_on: "01/02/2025",
      starts_at: "01/02/2025 08:30",
      certified: true,
      area_ids: ["a"],
      attendees: "Ông A\nBà B",
      grades: [{ year: "2024", grade: "tot" }],
    });
    expect("status" in v).toBe(false);
  });

  it("sends a new record's non-empty fields as typed", () => {
    const v = toInputs(fields);
    v.name = " Thôn 5 ";
    v.households = "-5";
    v.registered_on = "01/02/2025";
    expect(toCreate(fields, v)).toEqual({ name: "Thôn 5", households: "-5", registered_on: "01/02/2025" });
  });

  it("sends an edit as a patch, null clearing a field", () => {
    const original = { name: "Thôn 5", households: 120, registered_on: "2025-02-01" };
    const v = toInputs(fields, original);
    v.households = "1.300";
    v.registered_on = "";
    v.grades = [{ year: "2025", grade: "tot" }];
    expect(toPatch(fields, v, original)).toEqual({
      households: "1.300",
      registered_on: null,
      grades: [{ year: 2025, grade: "tot" }],
    });
  });
});

describe("yes/no as a choice", () => {
  const step: FieldSpec[] = [
    spec("number", "text"),
    spec("recommend", "bool", { required: true }),
    spec("date", "date"),
  ];

  it("shows a yes/no as Có / Không", () => {
    const shown = step.map(asChoice);
    expect(shown[1].input).toBe("select");
    expect(shown[1].choices.map((c) => c.label)).toEqual(["Có", "Không"]);
    expect(shown[0]).toEqual(step[0]);
  });

  it("sends Không as false, and nothing when not chosen", () => {
    expect(toChoiceData(step, { number: " 12/TTr ", recommend: "false", date: "" })).toEqual({
      number: "12/TTr",
      recommend: false,
    });
    expect(toChoiceData(step, { number: "", recommend: "true", date: "21/11/2026" })).toEqual({
      recommend: true,
      date: "21/11/2026",
    });
    expect(toChoiceData(step, { number: "", recommend: "", date: "" })).toEqual({});
  });

  it("fills the form from stored values", () => {
    expect(toChoiceInputs(step, { recommend: false, date: "2026-11-21" })).toEqual({
      number: "",
      recommend: "false",
      date: "21/11/2026",
    });
    expect(toChoiceInputs(step, {}).recommend).toBe("");
  });
});

describe("a form's unsaved change", () => {
  it("is what the officer typed, not the form's own bookkeeping", () => {
    const opened = toInputs(fields, { name: "Thôn 5", households: 1200 });
    expect(changedSince(opened, { ...opened })).toBe(false);
    // Keys in another order, an empty field added (an activity's category brings fields), spaces.
    const reordered: Record<string, unknown> = { extra: "", ...opened, name: " Thôn 5 " };
    expect(changedSince(opened, reordered)).toBe(false);
    expect(changedSince(opened, { ...opened, grades: [{ year: "", grade: "" }] })).toBe(false);
    // Typed: a text, a ticked box, a list, a cleared field.
    expect(changedSince(opened, { ...opened, households: "1.300" })).toBe(true);
    expect(changedSince(opened, { ...opened, certified: true })).toBe(true);
    expect(changedSince(opened, { ...opened, area_ids: ["a"] })).toBe(true);
    expect(changedSince(opened, { ...opened, name: "" })).toBe(true);
    expect(changedSince({}, { note: "Họp" })).toBe(true);
  });
});
