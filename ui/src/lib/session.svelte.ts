// The logged-in officer's role, for what the window offers. The core checks every action again:
// hiding a button is a courtesy, not the protection.
import type { Officer } from "../bindings";

// What each role may do is decided by the core (`Role::may_write`, `Role::may_manage`), sent with the
// officer at login: the window only follows it.
export const session = $state({ role: "viewer" as string, mayWrite: false, mayManage: false, lockedMessage: "" });

export function setOfficer(o: Officer | null): void {
  session.role = o?.role_code ?? "viewer";
  session.mayWrite = o?.may_write ?? false;
  session.mayManage = o?.may_manage ?? false;
}

/** May add, edit and delete records (an officer or the chief; a viewer only reads). */
export function canEdit(): boolean {
  return session.mayWrite;
}

/** May do the chief's work. */
export function isChief(): boolean {
  return session.mayManage;
}
