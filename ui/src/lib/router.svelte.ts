// Where the officer is inside the window. No URLs: one window, a small history for "Quay lại".
import type { Kind, TaskStatus } from "../bindings";

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
  // "Công an tỉnh trả lại": the province's decisions on the commune's periods and the to-do list.
  | { page: "returned" }
  | { page: "peers" }
  | { page: "blank-forms" }
  | { page: "documents" }
  // The remediation tasks after inspections, with their state (all, or one state).
  | { page: "remedies"; status?: TaskStatus }
  // "Xét công nhận An toàn về ANTT": the year overview, a unit's page (subject null: the commune's
  // own record), the commune's result.
  | { page: "cert"; year?: number }
  | { page: "cert-unit"; year: number; subject: string | null }
  | { page: "cert-result"; year: number };

export const nav = $state({ route: { page: "dashboard" } as Route, history: [] as Route[] });

// A page holding typed data not yet saved (a form) says so with `guardLeave`; leaving it then waits for
// the officer's answer (`leaving.pending`, asked by the shell) instead of losing the data.
let unsaved: (() => boolean) | null = null;

/** The move waiting for the officer to confirm that typed data may be lost; null when none. */
export const leaving = $state({ pending: null as (() => void) | null });

/**
 * While `dirty()` is true, leaving the page (menu, Alt+1…9, Esc, a link) asks first. Returns the
 * function that stops asking (an `$effect` cleanup: the page's end stops it).
 */
export function guardLeave(dirty: () => boolean): () => void {
  unsaved = dirty;
  return () => {
    if (unsaved === dirty) unsaved = null;
  };
}

/** Does `move`, after asking if the page holds unsaved data; `force`: without asking (after a save). */
function leave(move: () => void, force: boolean): void {
  if (!force && unsaved?.()) {
    leaving.pending = move;
    return;
  }
  leaving.pending = null;
  move();
}

/** The officer confirmed: the data typed is dropped and the waiting move happens. */
export function leaveAnyway(): void {
  const move = leaving.pending;
  leaving.pending = null;
  unsaved = null;
  move?.();
}

/** Does `move` (e.g. signing out) after asking, like a change of page, if typed data would be lost. */
export function whenLeft(move: () => void): void {
  leave(move, false);
}

export function go(route: Route, replace = false, force = false): void {
  leave(() => {
    if (!replace) nav.history.push(nav.route);
    if (nav.history.length > 50) nav.history.shift();
    nav.route = route;
  }, force);
}

export function back(fallback: Route = { page: "dashboard" }, force = false): void {
  leave(() => (nav.route = nav.history.pop() ?? fallback), force);
}

export function home(force = false): void {
  leave(() => {
    nav.history = [];
    nav.route = { page: "dashboard" };
  }, force);
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
