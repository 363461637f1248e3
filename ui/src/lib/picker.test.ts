import { describe, expect, it } from "vitest";
import { pickKey, type PickList } from "./picker";

function key(k: string): KeyboardEvent & { prevented: boolean; stopped: boolean } {
  const e = {
    key: k,
    prevented: false,
    stopped: false,
    preventDefault() {
      e.prevented = true;
    },
    stopPropagation() {
      e.stopped = true;
    },
  };
  return e as unknown as KeyboardEvent & { prevented: boolean; stopped: boolean };
}

function list(open: boolean, active: number, count: number) {
  const done: string[] = [];
  const p: PickList = {
    open,
    active,
    count,
    lookup: () => done.push("lookup"),
    choose: (i) => done.push(`choose ${i}`),
    close: () => done.push("close"),
  };
  return { p, done };
}

describe("pickKey", () => {
  it("opens a closed list with ↓, then moves within it and stops at its ends", () => {
    const closed = list(false, 0, 3);
    expect(pickKey(key("ArrowDown"), closed.p)).toBe(0);
    expect(closed.done).toEqual(["lookup"]);
    expect(pickKey(key("ArrowDown"), list(true, 1, 3).p)).toBe(2);
    expect(pickKey(key("ArrowDown"), list(true, 2, 3).p)).toBe(2);
    expect(pickKey(key("ArrowUp"), list(true, 1, 3).p)).toBe(0);
    expect(pickKey(key("ArrowUp"), list(true, 0, 3).p)).toBe(0);
  });

  it("picks the highlighted entry with Enter only while the list is open and not empty", () => {
    const open = list(true, 1, 3);
    const e = key("Enter");
    pickKey(e, open.p);
    expect(open.done).toEqual(["choose 1"]);
    expect(e.prevented).toBe(true);
    const empty = list(true, 0, 0);
    const typed = key("Enter");
    pickKey(typed, empty.p);
    expect(empty.done).toEqual([]);
    expect(typed.prevented).toBe(false);
  });

  it("closes an open list with Escape without closing what holds it", () => {
    const open = list(true, 0, 2);
    const e = key("Escape");
    pickKey(e, open.p);
    expect(open.done).toEqual(["close"]);
    expect(e.stopped).toBe(true);
    const closed = list(false, 0, 2);
    const esc = key("Escape");
    pickKey(esc, closed.p);
    expect(esc.stopped).toBe(false);
  });
});
