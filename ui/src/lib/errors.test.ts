import { describe, expect, it } from "vitest";
import { fieldMessages, messageFor, otherFieldErrors, summary, toError } from "./errors";

const invalid = {
  code: "invalid",
  message: "Có 2 trường chưa hợp lệ",
  fields: [
    { field: "households", label: "Số hộ gia đình", message: "phải là số nguyên không âm" },
    { field: "households", label: "Số hộ gia đình", message: "không được lớn hơn số nhân khẩu (400)" },
    { field: "status", label: "Trạng thái", message: "chỉ được thay đổi qua thao tác riêng" },
  ],
};

describe("errors", () => {
  it("keeps the IPC shape", () => {
    expect(toError(invalid)).toEqual(invalid);
    expect(toError({ code: "refused", message: "Không xóa được." })).toEqual({
      code: "refused",
      message: "Không xóa được.",
    });
  });
  it("wraps framework failures in Vietnamese", () => {
    expect(toError("command not found").message).toBe("Lỗi ứng dụng: command not found");
    expect(toError(new Error("x")).code).toBe("internal");
    expect(toError(undefined).message).toBe("Lỗi ứng dụng không xác định.");
  });
  it("maps messages to fields", () => {
    expect(fieldMessages(toError(invalid))).toEqual({
      households: "phải là số nguyên không âm; không được lớn hơn số nhân khẩu (400)",
      status: "chỉ được thay đổi qua thao tác riêng",
    });
    expect(fieldMessages(null)).toEqual({});
  });
  it("gives the one field of a short form its own message, else the whole one", () => {
    expect(messageFor(toError(invalid), "status")).toBe("chỉ được thay đổi qua thao tác riêng");
    expect(messageFor(toError(invalid), "dir")).toBe("Có 2 trường chưa hợp lệ");
    expect(messageFor({ code: "io", message: "Không ghi được vào E:\\." }, "dir")).toBe("Không ghi được vào E:\\.");
    expect(messageFor(null, "dir")).toBe("");
  });
  it("lists errors of fields the form does not show", () => {
    expect(otherFieldErrors(toError(invalid), ["households"]).map((f) => f.field)).toEqual(["status"]);
  });
  it("sums up", () => {
    expect(summary(toError(invalid))).toMatch(/^Có 3 trường chưa hợp lệ/);
    expect(summary({ code: "refused", message: "Không xóa được." })).toBe("Không xóa được.");
    expect(summary(null)).toBe("");
  });
});
