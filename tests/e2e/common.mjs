// What the end-to-end files share, written once: where the programs and the screenshots are, the
// command line with a password, a scratch folder, the demo's commune store, the window started at the
// screenshots' size and logged in, and the clean-up. Each test file keeps its own story.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Driver } from "./wd.mjs";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const app = path.resolve(root, process.env.PHONGTRAO_APP || "target/debug/phongtrao-app");
export const cli = path.join(path.dirname(app), "phongtrao");
export const shots = path.join(root, "docs/screenshots");
/** The commune chief's password (Nguyễn Văn An, login nguyenvanan). */
export const PW = "mat-khau-truong-1";

/** Runs the command line with `password` in PHONGTRAO_PASSWORD (and `env`); returns what it printed. */
export function phongtrao(args, { password = PW, env = {} } = {}) {
  return execFileSync(cli, args, {
    env: { ...process.env, PHONGTRAO_PASSWORD: password, ...env },
    encoding: "utf8",
  });
}

/** The command line on the commune store `db`, as its chief nguyenvanan (`env` added or overriding). */
export function run(db, args, env = {}) {
  return phongtrao(["--db", db, ...args], { env: { PHONGTRAO_USER: "nguyenvanan", ...env } });
}

/** Makes the commune store `db`: Xã Ia Đal (23535), Quảng Ngãi (51), its chief Nguyễn Văn An (PW). */
export function initCommune(db) {
  run(db, ["init", "--province-code", "51", "--province", "Quảng Ngãi", "--commune-code", "23535",
    "--commune", "Xã Ia Đal", "--officer", "Nguyễn Văn An"]);
}

/**
 * Makes the province's store in the folder `tinh` (Quảng Ngãi, 51); returns the enrollment the communes
 * take. `password`: the command line's password (the demo's stores have their own).
 */
export function initProvince(tinh, password = PW) {
  const args = ["province", "init", "--dir", tinh, "--province-code", "51", "--province", "Quảng Ngãi"];
  return phongtrao(args, { password }).trim();
}

/**
 * Enrolls the commune store `db` (commune `code`) with the province in `tinh`: the commune takes the
 * province's `enrollment`, the province registers the commune's public key (written beside `db`,
 * `.pub`); `password` as for initProvince.
 */
export function enroll(db, code, tinh, enrollment, password = PW) {
  const pub = db.replace(/\.db$/, ".pub");
  phongtrao(["--db", db, "enroll", enrollment], { password });
  phongtrao(["--db", db, "key", "export-pub", "--out", pub], { password });
  phongtrao(["province", "--dir", tinh, "register", "--commune-code", code, "--pubkey", pub], { password });
}

/** A new scratch folder `phongtrao-e2e-<name>-…`, once both programs are known to be built. */
export function scratch(name) {
  assert.ok(fs.existsSync(app), `app binary missing: ${app} (build it with cargo build -p phongtrao-app)`);
  assert.ok(fs.existsSync(cli), `command line missing: ${cli} (cargo build)`);
  return fs.mkdtempSync(path.join(os.tmpdir(), `phongtrao-e2e-${name}-`));
}

/**
 * A scratch folder `name` holding the province's store (`tinh`), the commune's (`db`, made by
 * initCommune, not enrolled yet) and an empty stick (`usb`): their paths, the folder (`dir`) and the
 * province's `enrollment`.
 */
export function provinceAndCommune(name) {
  const dir = scratch(name);
  const at = { dir, db: path.join(dir, "xa.db"), tinh: path.join(dir, "tinh"), usb: path.join(dir, "usb") };
  fs.mkdirSync(at.usb);
  at.enrollment = initProvince(at.tinh);
  initCommune(at.db);
  return at;
}

/**
 * The officer's own home folder in `dir` (made), for a window that saves files: `env` points the window
 * at it; `saves` is the folder it saves into (Documents/phongtrao, made by the app).
 */
export function ownHome(dir) {
  const home = path.join(dir, "home");
  fs.mkdirSync(home);
  return {
    home,
    saves: path.join(home, "Documents", "phongtrao"),
    env: { HOME: home, XDG_CONFIG_HOME: path.join(home, ".config") },
  };
}

/** Starts the window with `env` (its store, drives, folders…) at the screenshots' size, 1366×768. */
export async function launch(env) {
  const d = await Driver.launch(env);
  await d.open(app);
  await d.setSize(1366, 768);
  return d;
}

/**
 * Logs in on the login page (typing `username` when given) and waits for the page that follows:
 * `landing` is a [selector, text] pair, the dashboard's title by default, or null not to wait.
 */
export async function login(d, { username, password = PW, landing = ["h1", "Tổng quan phong trào"] } = {}) {
  await d.findText("h1", "Đăng nhập");
  if (username) await d.type("#f-username", username);
  await d.type("#f-password", password);
  await d.click("[data-test=login-submit]");
  if (landing) await d.findText(...landing);
}

/** The province's decision bundles (`…quyet-dinh….ptb`) in the folder `dir`, by name; none if it is missing. */
export const decisions = (dir) =>
  fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.includes("quyet-dinh") && f.endsWith(".ptb")).sort() : [];

/**
 * Closes the window `d` (if one was started) and opens it again, logged in, on the province's store in
 * `tinh` (`where` is "tinh": no commune store, `dir`/khong-co.db) or on the commune's store `db`.
 * Returns the new window.
 */
export async function openAs(d, where, { dir, db, tinh }) {
  await d?.quit();
  const next = await launch({
    PHONGTRAO_DB: where === "tinh" ? path.join(dir, "khong-co.db") : db,
    PHONGTRAO_PROVINCE_DIR: tinh,
    PHONGTRAO_BACKUP_DELAY_SECONDS: "3600",
  });
  await login(next, where === "tinh" ? { landing: [".brand", "Công an tỉnh Quảng Ngãi"] } : {});
  return next;
}

/** Imports the newest decision bundle in `usb` on the commune's sync page; returns what the page said. */
export async function importDecision(d, usb) {
  const [file] = decisions(usb).slice(-1);
  await d.click("[data-test=nav-sync]");
  await d.type("[data-test=bundle-file]", path.join(usb, file));
  await d.click("[data-test=import-bundle]");
  await d.find("[data-test=imported]");
  return d.text("[data-test=imported]");
}

/**
 * A spreadsheet's first sheet read back by a reader that is not ours (Debian's openpyxl): one line per
 * row, cells joined by "|"; with `types`, each cell that is not text has its Python type after a ":"
 * (numbers and dates).
 */
export function readXlsx(file, { types = false } = {}) {
  const cell = types ? `(str(c) if isinstance(c, str) else f"{c}:{type(c).__name__}")` : "str(c)";
  return execFileSync("/usr/bin/python3", ["-c", `
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
for r in ws.iter_rows(values_only=True):
    print("|".join("" if c is None else ${cell} for c in r))
`, file], { encoding: "utf8" }).trim().split("\n");
}

/**
 * Starts watching the page: when an element matching `first` is next drawn, notes which of `others`
 * (data-test names, or selectors) are already there. `drawnWith` then returns them. A page that comes whole has them
 * all; one that draws `first` and then inserts the others above it moves `first` under the pointer.
 */
export async function watchFirstDraw(d, first, others) {
  await d.exec(`
    window.drawnWith = null;
    // A plain name is a data-test name; anything else (#id, [attr]) a selector as it is.
    const css = (t) => (/^[\\w-]+$/.test(t) ? "[data-test=" + t + "]" : t);
    const seen = () => {
      if (window.drawnWith === null && document.querySelector(arguments[0]))
        window.drawnWith = arguments[1].filter((t) => document.querySelector(css(t)));
    };
    new MutationObserver(seen).observe(document.body, { childList: true, subtree: true });`, first, others);
}

/** What `watchFirstDraw` noted: the `others` present when `first` was first drawn (null: not yet drawn). */
export const drawnWith = (d) => d.exec("return window.drawnWith");

/** Closes the window (if one was started) and removes the scratch folder (if one was made). */
export async function cleanup(d, dir) {
  await d?.quit();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

/** dd/mm/yyyy of today plus `days`. */
export function day(days = 0) {
  const t = new Date(Date.now() + days * 86_400_000);
  const p = (n) => String(n).padStart(2, "0");
  return `${p(t.getDate())}/${p(t.getMonth() + 1)}/${t.getFullYear()}`;
}
