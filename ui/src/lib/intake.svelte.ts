// "Nhận gói từ USB" as the window drives it, kept here rather than in the page: an intake goes on when
// the officer leaves the page, and the page shows it again (still running, or its results) when the
// officer comes back. The intake itself is the core's (`province::intake::Stick`, held by the shell):
// started, taken one bundle per call (the progress bar), then finished, which writes every receipt to
// the stick in one pass.
import type { AppError, BundleLine, IntakeCut, IntakeLine } from "../bindings";
import { api } from "./api";
import { toError } from "./errors";

export const intake = $state({
  folder: "",
  /** The stick's bundles as the last scan found them, or null before any. */
  lines: null as BundleLine[] | null,
  /** A scan or an intake is going on. */
  busy: false,
  dryRun: false,
  done: 0,
  total: 0,
  results: [] as IntakeLine[],
  /** What the province took back from its own bundles on the stick (after a restore), if anything. */
  recovered: [] as string[],
  /** What becomes of the intake if the officer leaves the page or closes the window (the core's words). */
  note: "",
  /** The receipts are written: the intake is over. */
  finished: false,
  /** The last intake, cut short by the idle lock or a logout (the core's account of it), until read. */
  cut: null as IntakeCut | null,
  error: null as AppError | null,
});

/** Lists the bundles in the chosen folder, each checked by a dry run. `keep`: the results stay shown. */
export async function scan(keep = false): Promise<void> {
  intake.error = null;
  if (!keep) {
    intake.results = [];
    intake.total = 0;
    intake.recovered = [];
  }
  intake.busy = true;
  try {
    intake.lines = await api.provinceScan(intake.folder);
  } catch (e) {
    intake.error = toError(e);
    intake.lines = null;
  } finally {
    intake.busy = false;
  }
}

/** "Xem trước" (`dry`) or "Nhập tất cả": every bundle of the folder, one after another, each its own transaction. */
export async function run(dry: boolean): Promise<void> {
  if (intake.busy) return;
  Object.assign(intake, {
    busy: true,
    dryRun: dry,
    done: 0,
    total: 0,
    results: [],
    recovered: [],
    note: "",
    cut: null,
  });
  intake.finished = false;
  intake.error = null;
  try {
    const start = await api.provinceIntakeStart(intake.folder, dry);
    intake.total = start.total;
    intake.recovered = start.recovered;
    intake.note = start.note;
    for (;;) {
      const line = await api.provinceIntakeNext(start.id);
      if (!line) break;
      intake.results.push(line);
      intake.done += 1;
    }
    // The receipts, all at once: each line now says where its receipt is (or why it is not).
    intake.results = await api.provinceIntakeFinish(start.id);
    intake.finished = true;
  } catch (e) {
    intake.error = toError(e);
  } finally {
    intake.busy = false;
  }
  // The list as the stick now is (replays, receipts written), the results kept.
  if (!dry && intake.finished) await scan(true);
}

/** A new login starts on an empty page: what the last session's intake showed went with its logout.
 * An intake the idle lock or the logout cut short is told, once (the core kept its account). */
export async function resetIntake(): Promise<void> {
  if (intake.busy) return;
  Object.assign(intake, { lines: null, done: 0, total: 0, results: [], recovered: [], note: "", cut: null });
  intake.finished = false;
  intake.error = null;
  try {
    intake.cut = await api.provinceIntakeCut();
  } catch (e) {
    intake.error = toError(e);
  }
}
