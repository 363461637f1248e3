// End-to-end: the commune's sync with the province through the window. The province side runs on the
// command line (its own window comes later): it initialises, registers the commune's key, imports the
// bundle the window exported and writes a receipt that the window takes back in.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Driver } from "./wd.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const app = path.resolve(root, process.env.PHONGTRAO_APP || "target/debug/phongtrao-app");
const cli = path.join(path.dirname(app), "phongtrao");
const shots = path.join(root, "docs/screenshots");
const PW = "mat-khau-truong-1";

function phongtrao(args) {
  return execFileSync(cli, args, { env: { ...process.env, PHONGTRAO_PASSWORD: PW }, encoding: "utf8" });
}

describe("sync with the province by USB stick", { timeout: 300_000 }, () => {
  let d;
  let dir;
  let db;
  let usb;
  let tinh;

  before(async () => {
    assert.ok(fs.existsSync(app), `app binary missing: ${app}`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "phongtrao-e2e-sync-"));
    db = path.join(dir, "xa.db");
    usb = path.join(dir, "usb");
    tinh = path.join(dir, "tinh");
    fs.mkdirSync(usb);
    phongtrao(["--db", db, "init", "--province-code", "51", "--province", "Quảng Ngãi", "--commune-code", "23535",
      "--commune", "Xã Ia Đal", "--officer", "Nguyễn Văn An"]);
    phongtrao(["--db", db, "add", "area", "--json", '{"name": "Thôn Plei Bông", "kind": "thon", "households": 90, "population": 400}']);
    const enrollment = phongtrao(["province", "init", "--dir", tinh, "--province-code", "51", "--province", "Quảng Ngãi"]).trim();
    fs.copyFileSync(enrollment, path.join(usb, path.basename(enrollment)));
    d = await Driver.launch({ PHONGTRAO_DB: db, PHONGTRAO_BACKUP_DELAY_SECONDS: "3600" });
    await d.open(app);
    await d.setSize(1366, 768);
    await d.findText("h1", "Đăng nhập");
    await d.type("#f-password", PW);
    await d.click("[data-test=login-submit]");
    await d.findText("h1", "Tổng quan phong trào");
  });

  after(async () => {
    await d?.quit();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("enrolls with the province from its enrollment bundle", async () => {
    await d.click("[data-test=nav-sync]");
    await d.findText("h1", "Đồng bộ với Công an tỉnh");
    await d.findText("[data-test=sync-state]", "chưa ghi danh");
    const [enrollment] = fs.readdirSync(usb).filter((f) => f.endsWith(".ptb"));
    await d.type("[data-test=bundle-file]", path.join(usb, enrollment));
    await d.click("[data-test=enroll]");
    await d.findText("[data-test=imported]", "Đã ghi danh với Công an tỉnh Quảng Ngãi");
    await d.findText("[data-test=sync-state]", "Đã ghi danh với");
  });

  it("exports a bundle to the stick, and says what is in it", async () => {
    const pending = Number((await d.text("[data-test=sync-pending]")).replace(/\./g, ""));
    assert.ok(pending > 0, "changes wait for the province");
    await d.type("[data-test=export-dir]", usb);
    await d.click("[data-test=export-bundle]");
    await d.findText("[data-test=exported]", "Đã xuất gói số 1");
    const bundles = fs.readdirSync(usb).filter((f) => /^51-23535-k0-000001-\d{8}\.ptb$/.test(f));
    assert.equal(bundles.length, 1, fs.readdirSync(usb).join(", "));
    await d.type("[data-test=bundle-file]", path.join(usb, bundles[0]));
    await d.click("[data-test=verify-bundle]");
    await d.findText("[data-test=bundle-info]", "gói dữ liệu của xã");
    await d.findText("[data-test=bundle-info]", "khu dân cư");
    await d.find("[data-test=bundle-intact]");
    await d.screenshot(path.join(shots, "25-sync.png"));
  });

  it("refuses a damaged bundle with a Vietnamese message", async () => {
    const [bundle] = fs.readdirSync(usb).filter((f) => f.startsWith("51-23535-k0-000001-"));
    const bytes = fs.readFileSync(path.join(usb, bundle));
    bytes[Math.floor(bytes.length / 2)] ^= 0x20;
    const bad = path.join(dir, "hong.ptb");
    fs.writeFileSync(bad, bytes);
    await d.type("[data-test=bundle-file]", bad);
    await d.click("[data-test=verify-bundle]");
    await d.find("[data-test=bundle-error]");
    assert.match(await d.text("[data-test=bundle-error]"), /[ăâđêôơư]/i, "the message is Vietnamese");
    assert.equal(await d.count("[data-test=bundle-intact]"), 0);
  });

  it("takes the province's receipt: nothing is left to send", async () => {
    // The province registers the laptop's key (read from its exported .pub), imports, writes a receipt.
    const pub = path.join(dir, "xa.pub");
    phongtrao(["--db", db, "--user", "nguyenvanan", "key", "export-pub", "--out", pub]);
    phongtrao(["province", "--dir", tinh, "register", "--commune-code", "23535", "--pubkey", pub]);
    const [bundle] = fs.readdirSync(usb).filter((f) => f.startsWith("51-23535-k0-000001-"));
    const receipts = path.join(dir, "bien-nhan");
    fs.mkdirSync(receipts);
    phongtrao(["province", "--dir", tinh, "import", path.join(usb, bundle), "--receipt-out", receipts]);
    // The province writes each receipt into the commune's own folder: bien-nhan/<commune code>/.
    const [receipt] = fs.readdirSync(receipts, { recursive: true }).filter((f) => f.endsWith(".ptb"));
    assert.ok(receipt, "a receipt was written");
    await d.type("[data-test=bundle-file]", path.join(receipts, receipt));
    await d.click("[data-test=import-bundle]");
    await d.findText("[data-test=imported]", "Đã nhận biên nhận của gói số 1");
    await d.until("nothing pending", async () => (await d.text("[data-test=sync-pending]")) === "0");
  });
});
