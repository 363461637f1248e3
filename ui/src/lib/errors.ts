// Every failure the window shows has one shape, the one the Rust side sends: {code, message, fields?}.
import type { AppError, FieldError } from "../bindings";

export type { AppError, FieldError };

/** Any thrown value as an AppError (a command's own error, or a framework failure as text). */
export function toError(e: unknown): AppError {
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    const a = e as AppError;
    return { code: String(a.code), message: String(a.message), ...(a.fields ? { fields: a.fields } : {}) };
  }
  if (typeof e === "string") return { code: "internal", message: `Lỗi ứng dụng: ${e}` };
  if (e instanceof Error) return { code: "internal", message: `Lỗi ứng dụng: ${e.message}` };
  return { code: "internal", message: "Lỗi ứng dụng không xác định." };
}

/** The message to show next to each field (several for one field are joined). */
export function fieldMessages(e: AppError | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of e?.fields ?? []) {
    out[f.field] = out[f.field] ? `${out[f.field]}; ${f.message}` : f.message;
  }
  return out;
}

/**
 * The message under the one field of a short form (a folder, a file): the core's for that field if it
 * named it, else the whole message; nothing without an error.
 */
export function messageFor(e: AppError | null | undefined, field: string): string {
  if (!e) return "";
  return fieldMessages(e)[field] ?? e.message;
}

/** Errors about fields the form does not show (they go in the summary at the top, with their label). */
export function otherFieldErrors(e: AppError | null | undefined, shown: string[]): FieldError[] {
  return (e?.fields ?? []).filter((f) => !shown.includes(f.field));
}

/** The summary above a form: how many fields to fix, or the message itself. */
export function summary(e: AppError | null | undefined): string {
  if (!e) return "";
  const n = e.fields?.length ?? 0;
  if (n > 1) return `Có ${n} trường chưa hợp lệ; chưa lưu gì. Hãy sửa các trường được đánh dấu.`;
  if (n === 1) return "Chưa lưu: hãy sửa trường được đánh dấu.";
  return e.message;
}

/** After a refused save, the first input of the fields `marked` selects (".field.invalid") takes the keyboard. */
export function focusFirstInvalid(marked: string): void {
  setTimeout(() => {
    const inputs = ["input", "select", "textarea"].map((t) => `${marked} ${t}`).join(", ");
    (document.querySelector(inputs) as HTMLElement | null)?.focus();
  }, 0);
}
