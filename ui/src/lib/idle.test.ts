import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { idleTimer } from "./idle";

describe("idle lock", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("locks after the idle time and not before", () => {
    const lock = vi.fn();
    idleTimer(900, lock);
    vi.advanceTimersByTime(899_000);
    expect(lock).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(lock).toHaveBeenCalledTimes(1);
  });

  it("starts again on activity, and stops for good", () => {
    const lock = vi.fn();
    const t = idleTimer(60, lock);
    vi.advanceTimersByTime(50_000);
    t.poke();
    vi.advanceTimersByTime(50_000);
    expect(lock).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10_000);
    expect(lock).toHaveBeenCalledTimes(1);
    t.poke();
    vi.advanceTimersByTime(120_000);
    expect(lock).toHaveBeenCalledTimes(1);
    const u = idleTimer(60, lock);
    u.stop();
    vi.advanceTimersByTime(120_000);
    expect(lock).toHaveBeenCalledTimes(1);
  });
});
