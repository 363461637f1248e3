// The idle lock: after `seconds` without a key press, a click, a scroll or a pointer move, `lock` runs.

export const ACTIVITY_EVENTS = ["keydown", "mousedown", "pointermove", "wheel", "touchstart"] as const;

export interface IdleTimer {
  /** The officer did something: the countdown starts again. */
  poke(): void;
  stop(): void;
}

export function idleTimer(
  seconds: number,
  lock: () => void,
  clock: Pick<typeof globalThis, "setTimeout" | "clearTimeout"> = globalThis,
): IdleTimer {
  let handle: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const arm = () => {
    if (handle !== undefined) clock.clearTimeout(handle);
    if (!stopped)
      handle = clock.setTimeout(() => {
        stopped = true;
        lock();
      }, seconds * 1000);
  };
  arm();
  return {
    poke: arm,
    stop() {
      stopped = true;
      if (handle !== undefined) clock.clearTimeout(handle);
    },
  };
}
