// The keys of a pick-list under a text box (the link picker, the official units' picker): ↓ opens the
// list or moves down, ↑ moves up, Enter picks the highlighted entry, Escape closes the list.

export interface PickList {
  open: boolean;
  /** The highlighted entry. */
  active: number;
  count: number;
  lookup: () => void;
  choose: (i: number) => void;
  close: () => void;
}

/** Handles `e` for the list `p`; returns the entry highlighted after it. */
export function pickKey(e: KeyboardEvent, p: PickList): number {
  if (e.key === "ArrowDown") {
    e.preventDefault();
    if (!p.open) p.lookup();
    else return Math.min(p.active + 1, p.count - 1);
  } else if (e.key === "ArrowUp") {
    e.preventDefault();
    return Math.max(p.active - 1, 0);
  } else if (e.key === "Enter" && p.open && p.active >= 0 && p.active < p.count) {
    e.preventDefault();
    p.choose(p.active);
  } else if (e.key === "Escape" && p.open) {
    e.stopPropagation();
    p.close();
  }
  return p.active;
}
