import { describe, expect, it } from "vitest";
import type { FieldSpec } from "../bindings";
import { toCreate, toInputs, toPatch } from "./form";

function spec(key: string, input: FieldSpec["input"], extra: Partial<FieldSpec> = {}): FieldSpec {
  return { key, label: key, input, required: false, system: false, max_len: null, choices: [], link: null, ...extra };
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
