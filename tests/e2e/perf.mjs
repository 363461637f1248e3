// Measures what docs/PERFORMANCE.md reports: time from launch to an interactive window and resident
// memory, for phongtrao with a demo --scale 100 store and for a minimal Tauri window.
// Not part of the test run. Usage (release builds first, see docs/PERFORMANCE.md):
//   xvfb-run -a -s "-screen 0 1366x768x24" node tests/e2e/perf.mjs
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Driver } from "./wd.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const rel = (p) => path.join(root, "target/release", p);
const app = rel("phongtrao-app");
const minimal = rel("examples/minimal");
const cli = rel("phongtrao");
const RUNS = Number(process.env.RUNS || 5);
const SCALE = process.env.SCALE || "100";
// The demo chief nguyenvanan's password (the command line's demo; the login form names the account).
const PASSWORD = process.env.PHONGTRAO_PASSWORD || "phongtrao-demo";

const dir = process.env.PERF_DIR || fs.mkdtempSync(path.join(os.tmpdir(), "phongtrao-perf-"));
const db = path.join(dir, "xa.db");

/** The processes whose executable is `exe`, and all their descendants. */
function tree(exe) {
  const procs = fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  const parent = new Map();
  const roots = [];
  for (const pid of procs) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      parent.set(pid, stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (fs.readlinkSync(`/proc/${pid}/exe`) === exe) roots.push(pid);
    } catch {}
  }
  const out = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, pp] of parent) if (out.has(pp) && !out.has(pid)) { out.add(pid); grew = true; }
  }
  return [...out];
}

function memory(exe) {
  let rss = 0, pss = 0, own = 0;
  const pids = tree(exe);
  for (const pid of pids) {
    try {
      const r = fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
      const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(r)?.[1] ?? 0);
      rss += kb("Rss");
      pss += kb("Pss");
      if (fs.readlinkSync(`/proc/${pid}/exe`) === exe) own = kb("Rss");
    } catch {}
  }
  return { processes: pids.length, ownRssMB: own / 1024, treeRssMB: rss / 1024, treePssMB: pss / 1024 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  if (!fs.existsSync(db)) {
    const t = Date.now();
    execFileSync(cli, ["--db", db, "demo", "--scale", SCALE], { stdio: ["ignore", "ignore", "inherit"] });
    console.log(`demo --scale ${SCALE}: ${((Date.now() - t) / 1000).toFixed(1)} s, ${(fs.statSync(db).size / 1e6).toFixed(0)} MB`);
  }
  const d = await Driver.launch({ PHONGTRAO_DB: db });
  try {
    // The page marks when its first screen and the dashboard were painted (User Timing, epoch = timeOrigin).
    const mark = (name) =>
      d.until(`mark ${name}`, () =>
        d.exec(`const m = performance.getEntriesByName(arguments[0]).at(-1); return m ? performance.timeOrigin + m.startTime : null;`, name),
      60000);
    const app1 = [], app2 = [], mem = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = Date.now();
      await d.open(app);
      await d.findText("h1", "Đăng nhập", 60000);
      const shown = await mark("phongtrao:first-screen");
      await d.type("#f-password", PASSWORD);
      const t2 = Date.now();
      await d.click("[data-test=login-submit]");
      const drawn = await mark("phongtrao:dashboard");
      app1.push(shown - t0);
      app2.push(drawn - t2);
      await sleep(1000);
      mem.push(memory(app));
      await d.close();
    }
    const min1 = [], minMem = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = Date.now();
      await d.open(minimal);
      await d.findText("h1", "tối giản", 60000);
      // The load event of the blank page (it has no script of its own).
      const loaded = await d.exec("const n = performance.getEntriesByType('navigation')[0]; return performance.timeOrigin + (n ? n.loadEventEnd || n.domContentLoadedEventEnd : performance.now());");
      min1.push(loaded - t0);
      await sleep(1000);
      minMem.push(memory(minimal));
      await d.close();
    }
    const m = (xs, k) => median(xs.map((x) => x[k])).toFixed(0);
    console.log(JSON.stringify({ runs: RUNS, scale: SCALE }));
    console.log(`phongtrao: launch → login screen painted ${median(app1).toFixed(0)} ms; password sent → dashboard painted ${median(app2).toFixed(0)} ms (sum ${(median(app1) + median(app2)).toFixed(0)} ms); ` +
      `memory: app ${m(mem, "ownRssMB")} MB RSS, with WebKit processes ${m(mem, "treeRssMB")} MB RSS / ${m(mem, "treePssMB")} MB PSS (${mem[0].processes} processes)`);
    console.log(`minimal:   launch → page loaded ${median(min1).toFixed(0)} ms; ` +
      `memory: app ${m(minMem, "ownRssMB")} MB RSS, with WebKit processes ${m(minMem, "treeRssMB")} MB RSS / ${m(minMem, "treePssMB")} MB PSS (${minMem[0].processes} processes)`);
    console.log(`all runs (ms): app launch ${app1.map((x) => x.toFixed(0))}, login→dashboard ${app2.map((x) => x.toFixed(0))}, minimal ${min1.map((x) => x.toFixed(0))}`);
  } finally {
    await d.quit();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
