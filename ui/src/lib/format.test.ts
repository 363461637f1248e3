import { describe, expect, it } from "vitest";
import { count, formatDate, formatInt, formatPercent, isoDay, parseDate, shortTeamName, today } from "./format";

describe("numbers", () => {
  it("groups thousands with dots", () => {
    expect(formatInt(0)).toBe("0");
    expect(formatInt(999)).toBe("999");
    expect(formatInt(1000)).toBe("1.000");
    expect(formatInt(1234567)).toBe("1.234.567");
    expect(formatInt(-45000)).toBe("-45.000");
    expect(formatInt(100000)).toBe("100.000");
  });
  it("writes percentages with a decimal comma", () => {
    expect(formatPercent(0.256, 1)).toBe("25,6%");
    expect(formatPercent(1)).toBe("100%");
    expect(formatPercent(12.5)).toBe("1.250%");
  });
  it("counts", () => {
    expect(count(1234, "khu dân cư")).toBe("1.234 khu dân cư");
  });
});

describe("dates", () => {
  it("shows ISO dates as dd/mm/yyyy", () => {
    expect(formatDate("2026-03-05")).toBe("05/03/2026");
    expect(formatDate("2026-03-05T08:30")).toBe("05/03/2026 08:30");
    expect(formatDate("không phải ngày")).toBe("không phải ngày");
  });
  it("parses what officers type", () => {
    expect(parseDate("5/3/2026")).toBe("2026-03-05");
    expect(parseDate("29/02/2024")).toBe("2024-02-29");
    expect(parseDate("29/02/2025")).toBeNull();
    expect(parseDate("31/04/2025")).toBeNull();
    expect(parseDate("2026-03-05")).toBe("2026-03-05");
    expect(parseDate("hôm nay")).toBeNull();
  });
  it("gives today in both forms", () => {
    const d = new Date(2025, 0, 9);
    expect(isoDay(d)).toBe("2025-01-09");
    expect(today(d)).toBe("09/01/2025");
  });
});

describe("chart labels", () => {
  it("drops the register's words from a team's name", () => {
    expect(shortTeamName("Tổ bảo vệ an ninh, trật tự thôn Tân Lập")).toBe("Thôn Tân Lập");
    expect(shortTeamName("Tổ bảo vệ ANTT tổ dân phố 2")).toBe("Tổ dân phố 2");
    expect(shortTeamName("Tổ bảo vệ an ninh, trật tự")).toBe("Tổ bảo vệ an ninh, trật tự");
    expect(shortTeamName("Tổ tự quản số 3")).toBe("Tổ tự quản số 3");
  });
});
