// Where the officer is inside the window. No URLs: one window, a small history for "Quay lại".
import type { Kind } from "../bindings";

export type Route =
  | { page: "dashboard" }
  | { page: "list"; kind: Kind }
  | { page: "new"; kind: Kind; preset?: Record<string, unknown> }
  | { page: "edit"; kind: Kind; id: string }
  | { page: "detail"; kind: Kind; id: string }
  | { page: "search"; text: string }
  | { page: "accounts" }
  | { page: "backups" }
  | { page: "sync" }
  | { page: "blank-forms" }
  | { page: "documents" }
  // "Xét công nhận An toàn về ANTT": the year overview, a unit's page (subject null: the commune's
  // own record), the commune's result.
  | { page: "cert"; year?: number }
  | { page: "cert-unit"; year: number; subject: string | null }
  | { page: "cert-result"; year: number };

export const nav = $state({ route: { page: "dashboard" } as Route, history: [] as Route[] });

export function go(route: Route, replace = false): void {
  if (!replace) nav.history.push(nav.route);
  if (nav.history.length > 50) nav.history.shift();
  nav.route = route;
}

export function back(fallback: Route = { page: "dashboard" }): void {
  nav.route = nav.history.pop() ?? fallback;
}

export function home(): void {
  nav.history = [];
  nav.route = { page: "dashboard" };
}

/** A short notice at the bottom of the window ("Đã lưu", warnings). */
export const notice = $state({ text: "", warnings: [] as string[], seq: 0 });

export function tell(text: string, warnings: string[] = []): void {
  notice.text = text;
  notice.warnings = warnings;
  notice.seq++;
  const seq = notice.seq;
  setTimeout(() => {
    if (notice.seq === seq && warnings.length === 0) notice.text = "";
  }, 4000);
}
