// End-to-end: the commune's sync with the province through the window. The province side runs on the
// command line (its own window comes later): it initialises, registers the commune's key, imports the
// bundle the window exported and writes a receipt that the window takes back in.
// The USB stick is a folder under PHONGTRAO_DRIVES_DIR, which the core offers as a plugged-in stick
// (fsutil::removable_drives): the officer never types a path, but clicks the stick and the files the
// core finds on it. The "Chọn thư mục…" / "Chọn tệp…" buttons open the computer's own dialog, which
// WebDriver cannot drive: the test checks they are offered, and feeds paths through the same field
// the dialog's answer goes to (the stick's button, a typed path), then the same commands.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { cleanup, drawnWith, initCommune, initProvince, launch, login, phongtrao, scratch, shots, watchFirstDraw } from "./common.mjs";

describe("sync with the province by USB stick", { timeout: 300_000 }, () => {
  let d;
  let dir;
  let db;
  let usb;
  let tinh;

  before(async () => {
    dir = scratch("sync");
    db = path.join(dir, "xa.db");
    usb = path.join(dir, "media", "USB-XA");
    tinh = path.join(dir, "tinh");
    fs.mkdirSync(usb, { recursive: true });
    initCommune(db);
    phongtrao(["--db", db, "add", "area", "--json", '{"name": "Thôn Plei Bông", "kind": "thon", "households": 90, "population": 400}']);
    const enrollment = initProvince(tinh);
    fs.copyFileSync(enrollment, path.join(usb, path.basename(enrollment)));
    d = await launch({
      PHONGTRAO_DB: db,
      PHONGTRAO_BACKUP_DELAY_SECONDS: "3600",
      PHONGTRAO_DRIVES_DIR: path.join(dir, "media"),
    });
    await login(d);
  });

  after(() => cleanup(d, dir));

  it("explains the round trip, and enrolls from the bundle found on the stick", async () => {
    await watchFirstDraw(d, "[data-test=bundle-file]", ["sync-state", "print-panel", "round-trip"]);
    await d.click("[data-test=nav-sync]");
    await d.findText("h1", "Đồng bộ với Công an tỉnh");
    await d.findText("[data-test=sync-state]", "chưa ghi danh");
    // The page comes whole: nothing arrives above the bundle's field and its buttons after them.
    assert.deepEqual(await drawnWith(d), ["sync-state", "print-panel", "round-trip"]);
    // The whole round trip, in plain words, open before the first export.
    for (const want of ["Xuất gói ra USB", "Mang USB lên Công an tỉnh", "biên nhận", "Lần sau gói nhỏ hơn"]) {
      await d.findText("[data-test=round-trip]", want);
    }
    await d.screenshot(path.join(shots, "25a-sync-round-trip.png"));
    // The enrollment bundle on the stick is offered; the computer's file dialog too.
    const [enrollment] = fs.readdirSync(usb).filter((f) => f.endsWith(".ptb"));
    await d.findText("[data-test=bundle-file-files]", enrollment);
    assert.equal(await d.text("[data-test=bundle-file-pick]"), "Chọn tệp…");
    await d.clickText("[data-test=bundle-file-found]", enrollment);
    assert.equal(await d.value("[data-test=bundle-file]"), path.join(usb, enrollment));
    await d.click("[data-test=enroll]");
    await d.findText("[data-test=imported]", "Đã ghi danh với Công an tỉnh Quảng Ngãi");
    await d.findText("[data-test=sync-state]", "Đã ghi danh với");
  });

  it("exports a bundle to the stick, and says what is in it", async () => {
    const pending = Number((await d.text("[data-test=sync-pending]")).replace(/\./g, ""));
    assert.ok(pending > 0, "changes wait for the province");
    // The stick is offered (and chosen, the only one); so is the computer's folder dialog.
    await d.findText("[data-test=export-dir-drives]", `USB: ${usb}`);
    assert.equal(await d.text("[data-test=export-dir-pick]"), "Chọn thư mục…");
    // Another folder typed first (WebDriver's clear fires no input event): the stick's button replaces it.
    await d.type("[data-test=export-dir]", "/tmp");
    await d.clickText("[data-test=export-dir-drive]", usb);
    assert.equal(await d.value("[data-test=export-dir]"), usb);
    // «Toàn bộ dữ liệu» reads on one line beside its box (it was squeezed into a sliver, cut off).
    const full = await d.exec(
      "const r = document.querySelector('[data-test=export-full]'); return [r.getBoundingClientRect().height, r.scrollWidth - r.clientWidth, r.textContent.trim()];",
    );
    assert.ok(full[0] < 32 && full[1] <= 0, `label on one line, not cut: ${JSON.stringify(full)}`);
    assert.equal(full[2], "Toàn bộ dữ liệu");
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
    // The province writes its receipt onto the same stick, into the commune's own folder:
    // bien-nhan/<commune code>/.
    phongtrao(["province", "--dir", tinh, "import", path.join(usb, bundle), "--receipt-out", usb]);
    const [receipt] = fs
      .readdirSync(usb, { recursive: true })
      .filter((f) => f.endsWith(".ptb") && f.includes("bien-nhan"));
    assert.ok(receipt, "a receipt was written");
    // The stick comes back: «Tìm lại USB» finds the receipt, newest first.
    await d.type("[data-test=bundle-file]", "/tmp/x.ptb");
    await d.click("[data-test=bundle-file-refresh]");
    await d.findText("[data-test=bundle-file-files]", path.basename(receipt));
    await d.clickText("[data-test=bundle-file-found]", path.basename(receipt));
    assert.equal(await d.value("[data-test=bundle-file]"), path.join(usb, receipt));
    assert.match(receipt, /^bien-nhan[\\/]23535[\\/]/);
    await d.click("[data-test=import-bundle]");
    await d.findText("[data-test=imported]", "Đã nhận biên nhận của gói số 1");
    await d.until("nothing pending", async () => (await d.text("[data-test=sync-pending]")) === "0");
  });

  it("backs up to the stick the page offers, and offers that backup to restore", async () => {
    // «Sao lưu» comes with the stick it offers, not before it (it would back up to no folder).
    await watchFirstDraw(d, "[data-test=backup-now]", ["backup-dir-drives"]);
    await d.click("[data-test=nav-backups]");
    await d.findText("h1", "Sao lưu, khôi phục");
    await d.findText("[data-test=backup-dir-drives]", `USB: ${usb}`);
    assert.deepEqual(await drawnWith(d), ["backup-dir-drives"]);
    assert.equal(await d.text("[data-test=backup-dir-pick]"), "Chọn thư mục…");
    await d.type("[data-test=backup-dir]", "/tmp");
    await d.clickText("[data-test=backup-dir-drive]", usb);
    await d.click("[data-test=backup-now]");
    await d.findText("[data-test=backup-done]", "Đã sao lưu");
    const [backup] = fs.readdirSync(usb).filter((f) => f.endsWith(".ptbak"));
    assert.ok(backup, fs.readdirSync(usb).join(", "));
    // The restore form offers the backups found on the stick, and the file dialog.
    await d.click("[data-test=restore-file-refresh]");
    await d.findText("[data-test=restore-file-files]", backup);
    assert.equal(await d.text("[data-test=restore-file-pick]"), "Chọn tệp…");
    await d.clickText("[data-test=restore-file-found]", backup);
    assert.equal(await d.value("[data-test=restore-file]"), path.join(usb, backup));
    await d.screenshot(path.join(shots, "23b-backup-usb.png"));
  });

  it("says so when no stick is plugged in", async () => {
    fs.rmSync(path.join(dir, "media"), { recursive: true, force: true });
    fs.mkdirSync(path.join(dir, "media"));
    await d.click("[data-test=backup-dir-refresh]");
    await d.findText("[data-test=backup-dir-no-drive]", "Chưa thấy USB nào trên máy");
    await d.click("[data-test=nav-sync]");
    await d.findText("[data-test=export-dir-no-drive]", "Chọn thư mục…");
  });
});
