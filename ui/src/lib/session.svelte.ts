// The logged-in officer's role, for what the window offers. The core checks every action again:
// hiding a button is a courtesy, not the protection.
import type { Officer } from "../bindings";

export const session = $state({ role: "viewer" as string, lockedMessage: "" });

export function setOfficer(o: Officer | null): void {
  session.role = o?.role_code ?? "viewer";
}

/** An officer or the chief may add, edit and delete records; a viewer only reads. */
export function canEdit(): boolean {
  return session.role === "officer" || session.role === "chief";
}

export function isChief(): boolean {
  return session.role === "chief";
}
