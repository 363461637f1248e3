import { describe, expect, it } from "vitest";
import { fromBase64 } from "./bytes";

describe("fromBase64", () => {
  it("gives back the PDF's bytes, high bytes included", () => {
    const bytes = fromBase64("JVBERi0xLjUK/+IA");
    expect(Array.from(bytes.slice(0, 8))).toEqual([...new TextEncoder().encode("%PDF-1.5")]);
    expect(Array.from(bytes.slice(8))).toEqual([0x0a, 0xff, 0xe2, 0x00]);
  });
  it("is empty for an empty string", () => {
    expect(fromBase64("").length).toBe(0);
  });
});
