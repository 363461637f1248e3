import { describe, expect, it } from "vitest";
import { nextSort, sortArrow } from "./sort";

describe("sorting a table by a column", () => {
  it("goes up, then down, and another column starts up again", () => {
    expect(nextSort("", "date")).toBe("date");
    expect(nextSort("date", "date")).toBe("-date");
    expect(nextSort("-date", "date")).toBe("date");
    expect(nextSort("-date", "title")).toBe("title");
  });

  it("goes back to the table's own order after the name downwards, where the table asks", () => {
    expect(nextSort("", "name", "name")).toBe("name");
    expect(nextSort("name", "name", "name")).toBe("-name");
    expect(nextSort("-name", "name", "name")).toBe("");
    expect(nextSort("-code", "code", "name")).toBe("code");
  });

  it("marks the sorted column only", () => {
    expect(sortArrow("date", "date")).toBe(" ▲");
    expect(sortArrow("-date", "date")).toBe(" ▼");
    expect(sortArrow("-date", "title")).toBe("");
    expect(sortArrow("", "title")).toBe("");
  });
});
