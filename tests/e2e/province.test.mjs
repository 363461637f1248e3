// End-to-end: the province's console (Công an tỉnh) through the real window. A province is created at
// first run; three communes (on the command line, as their own laptops) enroll with it, their keys
// are registered in the window, and a USB stick with their bundles (a replay, a gap, a tampered copy)
// is taken in, each bundle with its own result and the receipts written back to the stick. Then the
// demo province: the roster's late list printed and exported, the figures drilled down to one
// record, the summary report previewed, a quarantined record decided.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Driver } from "./wd.mjs";
import { app, cleanup, enroll, initProvince, phongtrao as commandLine, launch, login, readXlsx, scratch, shots }
  from "./common.mjs";
const PW = "mat-khau-xa-12";
const CHIEF_PW = "mat-khau-tinh-1";

function phongtrao(args, password = PW) {
  return commandLine(args, { password });
}

const ptb = (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".ptb")).sort() : []);

describe("a province created at first run takes in a USB stick", { timeout: 300_000 }, () => {
  let d;
  let dir;
  let tinh;
  let usb;
  const communes = [
    { code: "23535", name: "Xã Ia Đal" },
    { code: "23534", name: "Xã Sa Bình" },
    { code: "23530", name: "Xã Rờ Kơi" },
  ];

  before(async () => {
    dir = scratch("province");
    tinh = path.join(dir, "tinh");
    usb = path.join(dir, "usb");
    fs.mkdirSync(usb);
    d = await launch({
      PHONGTRAO_DB: path.join(dir, "khong-co.db"),
      PHONGTRAO_PROVINCE_DIR: tinh,
      PHONGTRAO_BACKUP_DELAY_SECONDS: "3600",
    });
  });

  after(() => cleanup(d, dir));

  it("asks at first run which police this computer is for, and creates the province", async () => {
    await d.findText("h1", "Thiết lập lần đầu");
    await d.click("[data-test=place-tinh]");
    // The commune's fields go away: a province has none.
    await d.until("no commune field", async () => (await d.count("#f-commune_code")) === 0);
    // The warning names the province's leaders, not the commune's chief.
    const warning = await d.text("[data-test=password-warning]");
    assert.match(warning, /tài khoản lãnh đạo Công an tỉnh/);
    assert.doesNotMatch(warning, /Công an xã/);
    await d.type("#f-officer", "Trần Văn Bình");
    await d.type("#f-password", CHIEF_PW);
    await d.type("#f-password_again", CHIEF_PW);
    await d.select("#f-rank", "Đại tá");
    await d.click("[data-test=setup-submit]");
    // No province picked: refused, naming the field, nothing created.
    await d.find("#err-province");
    assert.equal(fs.existsSync(path.join(tinh, "province.db")), false);
    // The province from the official list, searched without accents.
    await d.type("#f-province", "quang ngai");
    await d.clickText("[data-test=option-province]", "Tỉnh Quảng Ngãi");
    await d.findText("[data-test=chosen-province]", "mã 51");
    await d.screenshot(path.join(shots, "40-province-setup.png"));
    await d.click("[data-test=setup-submit]");
    await d.findText(".brand", "Công an tỉnh Quảng Ngãi");
    await d.findText("[data-test=who]", "Lãnh đạo Công an tỉnh");
    assert.ok(fs.existsSync(path.join(tinh, "province.db")));
  });

  it("logs out and back in to the province's store", async () => {
    await d.click("[data-test=logout]");
    await d.find("[data-test=login-province]");
    await d.type("#f-username", "tranvanbinh");
    await d.type("#f-password", "sai-mat-khau");
    await d.click("[data-test=login-submit]");
    await d.find("#err-password");
    await d.type("#f-password", CHIEF_PW);
    await d.click("[data-test=login-submit]");
    await d.findText(".brand", "Công an tỉnh Quảng Ngãi");
  });

  it("manages the province's accounts as at a commune: an officer added, one's own password needs the current one", async () => {
    await d.click("[data-test=pnav-accounts]");
    await d.findText("h1", "Tài khoản cán bộ");
    await d.findText("[data-test=account-tranvanbinh]", "Lãnh đạo Công an tỉnh");
    await d.click("[data-test=new-account]");
    await d.type("#a-name", "Lê Thị Cúc");
    await d.select("#a-role", "officer");
    await d.type("#a-password", "mat-khau-can-bo");
    await d.type("#a-password-again", "mat-khau-can-bo");
    await d.click("[data-test=save-account]");
    await d.findText("[data-test=account-lethicuc]", "Cán bộ");
    await d.findText("[data-test=province-notice]", "Đã tạo tài khoản lethicuc");
    // One's own password: without the current one, refused naming the field; with it, changed.
    await d.type("#p-new", "mat-khau-tinh-2");
    await d.type("#p-again", "mat-khau-tinh-2");
    await d.click("[data-test=save-password]");
    await d.findText("[data-test=password-form] .field-error", "mật khẩu đang dùng");
    await d.type("[data-test=current-password]", CHIEF_PW);
    await d.click("[data-test=save-password]");
    await d.findText("[data-test=province-notice]", "Đã đổi mật khẩu của tranvanbinh");
    await d.screenshot(path.join(shots, "43a-province-accounts.png"));
    // Back to the first password, for the steps after.
    await d.type("[data-test=current-password]", "mat-khau-tinh-2");
    await d.type("#p-new", CHIEF_PW);
    await d.type("#p-again", CHIEF_PW);
    await d.click("[data-test=save-password]");
    await d.findText("[data-test=province-notice]", "Đã đổi mật khẩu");
  });

  it("registers each commune's key from its .pub file, showing the fingerprint first", async () => {
    const [enrollment] = ptb(tinh);
    assert.ok(enrollment, "the enrollment bundle is written at creation");
    for (const c of communes) {
      c.db = path.join(dir, `${c.code}.db`);
      phongtrao(["--db", c.db, "init", "--province-code", "51", "--province", "Quảng Ngãi", "--commune-code", c.code,
        "--commune", c.name, "--officer", "Nguyễn Văn An"]);
      phongtrao(["--db", c.db, "enroll", path.join(tinh, enrollment)]);
      c.pub = path.join(dir, `${c.code}.pub`);
      phongtrao(["--db", c.db, "key", "export-pub", "--out", c.pub]);
    }
    await d.click("[data-test=pnav-communes]");
    await d.findText("h1", "Các xã");
    for (const c of communes) {
      await d.type("[data-test=reg-code]", c.code);
      await d.type("[data-test=reg-file]", c.pub);
      await d.click("[data-test=reg-check]");
      await d.findText("[data-test=reg-fingerprint]", "dấu vân tay");
      if (c === communes[0]) {
        // Another file typed after the check: its fingerprint was not shown, so it cannot be registered
        // until it is checked in turn.
        await d.type("[data-test=reg-file]", communes[1].pub);
        assert.equal(await d.count("[data-test=reg-submit]"), 0);
        assert.equal(await d.count("[data-test=reg-fingerprint]"), 0);
        await d.type("[data-test=reg-file]", c.pub);
        await d.click("[data-test=reg-check]");
        await d.findText("[data-test=reg-fingerprint]", "dấu vân tay");
      }
      await d.click("[data-test=reg-submit]");
      await d.findText("[data-test=communes-said]", `cho xã ${c.code}`);
    }
    await d.until("three communes", async () => (await d.count("[data-test=roster-row]")) === 3);
  });

  it("lists the stick, imports it bundle by bundle, and writes receipts back per commune", async () => {
    const area = (c, name) =>
      phongtrao(["--db", c.db, "add", "area", "--json", JSON.stringify({ name, kind: "thon", households: 50, population: 200 })]);
    const [a, b, c] = communes;
    const exportTo = (x) => phongtrao(["--db", x.db, "bundle", "export", "--out", usb]).trim().split("\n").pop();
    area(a, "Thôn 1");
    exportTo(a);
    // First round: commune A's first bundle alone.
    await d.click("[data-test=pnav-intake]");
    await d.findText("h1", "Nhận gói từ USB");
    await d.type("[data-test=intake-folder]", usb);
    await d.click("[data-test=intake-scan]");
    await d.until("one bundle", async () => (await d.count("[data-test=bundle-row]")) === 1);
    await d.click("[data-test=intake-import]");
    await d.findText("[data-test=intake-result]", "Đã nhập gói số 1 của xã 23535");

    // Second round: A's bundle 1 again (a replay), A's bundle 3 without 2 (a gap), B's, and C's tampered.
    area(a, "Thôn 2");
    const a2 = exportTo(a);
    area(a, "Thôn 3");
    exportTo(a);
    fs.rmSync(a2); // lost on the way: a gap
    area(b, "Thôn A");
    exportTo(b);
    area(c, "Thôn X");
    const c1 = exportTo(c);
    const bytes = fs.readFileSync(c1);
    bytes[Math.floor(bytes.length / 2)] ^= 0x20;
    fs.writeFileSync(c1, bytes);
    await d.click("[data-test=intake-scan]");
    await d.until("four bundles listed", async () => (await d.count("[data-test=bundle-row]")) === 4);
    await d.find("[data-test=bundle-row][data-status=replay]");
    await d.findText("[data-test=bundle-row][data-status=refused]", "Hỏng hoặc bị sửa");
    // The tampered bundle still names its commune, from its file name, marked unverified.
    await d.findText(
      "[data-test=bundle-row][data-status=refused] [data-test=bundle-commune]",
      "23530 – Xã Rờ Kơi (theo tên tệp, chưa xác minh)",
    );
    await d.findText("[data-test=bundle-row]", "23534");
    // "Xem trước": the summary, nothing imported, no receipt.
    const receiptsBefore = ptb(path.join(usb, "bien-nhan", "23534")).length;
    await d.click("[data-test=intake-dry-run]");
    await d.findText("[data-test=intake-results]", "Xem trước");
    await d.findText("[data-test=intake-result]", "Có thể nhập gói số 1 của xã 23534");
    assert.equal(ptb(path.join(usb, "bien-nhan", "23534")).length, receiptsBefore);
    await d.screenshot(path.join(shots, "41-province-intake-list.png"));
    await d.click("[data-test=intake-import]");
    await d.until("all done", async () => (await d.count("[data-test=intake-result]")) === 4);
    await d.findText("[data-test=intake-result][data-status=replay]", "đã được nhập lúc");
    await d.findText("[data-test=intake-result][data-status=imported]", "thiếu gói số 2");
    await d.findText("[data-test=intake-result][data-status=imported]", "Đã nhập gói số 1 của xã 23534");
    await d.findText("[data-test=intake-result][data-status=refused]", "Bị từ chối");
    await d.screenshot(path.join(shots, "42-province-intake-done.png"));
    // Receipts on the stick, a folder per commune; none for the tampered bundle.
    assert.equal(ptb(path.join(usb, "bien-nhan", "23535")).length, 2);
    assert.equal(ptb(path.join(usb, "bien-nhan", "23534")).length, 1);
    assert.equal(ptb(path.join(usb, "bien-nhan", "23530")).length, 0);
    // The commune takes its receipt home.
    const [receipt] = ptb(path.join(usb, "bien-nhan", "23534"));
    assert.match(phongtrao(["--db", b.db, "bundle", "import", path.join(usb, "bien-nhan", "23534", receipt)]), /biên nhận/);
  });

  it("shows the gap on the roster, and the commune's keys", async () => {
    await d.click("[data-test=pnav-communes]");
    await d.findText("[data-test=roster-row][data-code='23535']", "thiếu gói số 2");
    await d.click("[data-test=roster-row][data-code='23535'] button");
    await d.findText("[data-test=commune-detail] [data-test=key]", "dấu vân tay");
    await d.screenshot(path.join(shots, "43-province-communes.png"));
  });

  it("lists the province's official communes not yet enrolled, and starts a registration from one", async () => {
    await d.findText("[data-test=enrolled-summary]", "Đã ghi danh 3/");
    await d.findText("[data-test=enrolled-summary]", "chưa đăng ký khóa");
    const rows = await d.count("[data-test=not-enrolled-row]");
    assert.ok(rows > 50, `${rows} official communes not enrolled`);
    for (const c of communes) {
      assert.equal(await d.count(`[data-test=not-enrolled-row][data-code='${c.code}']`), 0, c.code);
    }
    const first = await d.exec("return document.querySelector('[data-test=not-enrolled-row]').dataset.code");
    const row = await d.text(`[data-test=not-enrolled-row][data-code='${first}']`);
    assert.match(row, new RegExp(`^${first} – (Xã|Phường|Đặc khu) \\S`), row);
    await d.click(`[data-test=not-enrolled-row][data-code='${first}'] [data-test=not-enrolled-register]`);
    await d.until("the code in the registration form", async () => (await d.value("[data-test=reg-code]")) === first);
    await d.exec("document.querySelector('[data-test=not-enrolled]').scrollIntoView()");
    await d.screenshot(path.join(shots, "49-province-not-enrolled.png"));
  });

  it("backs up the province's store to a stick and restores it, as at a commune", async () => {
    const stick = path.join(dir, "usb-sao-luu");
    fs.mkdirSync(stick);
    await d.click("[data-test=pnav-backups]");
    await d.findText("h1", "Sao lưu, khôi phục");
    await d.type("[data-test=backup-dir]", stick);
    await d.click("[data-test=backup-now]");
    await d.findText("[data-test=backup-done]", "Đã sao lưu");
    const [file] = fs.readdirSync(stick).filter((f) => f.endsWith(".ptbak"));
    assert.match(file ?? "", /^phongtrao-51-tinh-\d{8}-\d{6}\.ptbak$/);
    await d.screenshot(path.join(shots, "54-province-backups.png"));
    // A key registered after the backup (on the command line, as the chief): the restore takes it back.
    const [code, name] = phongtrao(["units", "--province", "51"]).split("\n")[0].split("\t");
    const late = { code, db: path.join(dir, `${code}.db`), pub: path.join(dir, `${code}.pub`) };
    phongtrao(["--db", late.db, "init", "--province-code", "51", "--province", "Quảng Ngãi", "--commune-code",
      late.code, "--commune", name, "--officer", "Nguyễn Văn An"]);
    phongtrao(["--db", late.db, "key", "export-pub", "--out", late.pub]);
    commandLine(["--user", "tranvanbinh", "province", "--dir", tinh, "register", "--commune-code", late.code,
      "--pubkey", late.pub], { password: CHIEF_PW });
    // And a version of the lists sent to the communes after the backup: the restore keeps it.
    const release = JSON.parse(fs.readFileSync(new URL("../../assets/reference/reference.json", import.meta.url)));
    const lists = { version: 1000, lists: release.lists.filter((l) => l.list === "activity_category") };
    const listsFile = path.join(dir, "danh-muc-1000.json");
    fs.writeFileSync(listsFile, JSON.stringify(lists));
    commandLine(["--user", "tranvanbinh", "province", "--dir", tinh, "export-reference", "--out", stick, "--lists",
      listsFile], { password: CHIEF_PW });
    await d.click("[data-test=pnav-communes]");
    await d.until("four communes", async () => (await d.count("[data-test=roster-row]")) === 4);
    await d.click("[data-test=pnav-backups]");
    await d.type("[data-test=restore-file]", path.join(stick, file));
    await d.type("[data-test=restore-password]", "sai-mat-khau-roi");
    await d.click("[data-test=restore]");
    await d.click("[data-test=confirm]");
    await d.findText("[data-test=restore-error]", "không đúng");
    await d.type("[data-test=restore-password]", CHIEF_PW);
    await d.click("[data-test=restore]");
    await d.click("[data-test=confirm]");
    await d.findText("[data-test=province-notice]", "Đã khôi phục dữ liệu");
    // What was sent to the communes after the backup is kept, and said; the numbers go on.
    await d.findText("[data-test=restore-notes]", "Đã giữ lại những gì Công an tỉnh đã gửi các xã sau lúc");
    await d.findText("[data-test=restore-notes]", "danh mục phiên bản 1000");
    await d.findText("[data-test=restore-notes]", "không dùng lại số đã gửi");
    await d.screenshot(path.join(shots, "55-province-restore-kept.png"));
    // Still logged in to the restored store: three communes again, the replaced store kept beside it.
    await d.click("[data-test=pnav-communes]");
    await d.until("three communes again", async () => (await d.count("[data-test=roster-row]")) === 3);
    assert.ok(fs.readdirSync(tinh).some((f) => f.startsWith("province.db.truoc-khoi-phuc-")));
    // The key registered after the backup is gone.
    const log = commandLine(["--user", "tranvanbinh", "province", "--dir", tinh, "status"], { password: CHIEF_PW });
    assert.ok(!log.includes(code), log);
  });

  it("after a restore that cannot read the damaged store, takes back from a stick what the province sent", async () => {
    // A backup, then version 1001 of the lists sent on a stick; then the store is damaged.
    const back = path.join(dir, "usb-sao-luu-2");
    commandLine(["--user", "tranvanbinh", "province", "--dir", tinh, "backup", "create", "--out", back],
      { password: CHIEF_PW });
    const [file] = fs.readdirSync(back).filter((f) => f.endsWith(".ptbak"));
    const stick = path.join(dir, "usb-tra-lai");
    fs.mkdirSync(stick);
    const release = JSON.parse(fs.readFileSync(new URL("../../assets/reference/reference.json", import.meta.url)));
    const listsFile = path.join(dir, "danh-muc-1001.json");
    fs.writeFileSync(listsFile, JSON.stringify({ version: 1001, lists: release.lists.filter((l) => l.list === "activity_category") }));
    commandLine(["--user", "tranvanbinh", "province", "--dir", tinh, "export-reference", "--out", stick, "--lists",
      listsFile], { password: CHIEF_PW });
    fs.renameSync(path.join(tinh, "province.db"), path.join(tinh, "province.db.hong"));
    fs.writeFileSync(path.join(tinh, "province.db"), "kho bị hỏng");
    await d.click("[data-test=pnav-backups]");
    await d.type("[data-test=restore-file]", path.join(back, file));
    await d.type("[data-test=restore-password]", CHIEF_PW);
    await d.click("[data-test=restore]");
    await d.click("[data-test=confirm]");
    await d.findText("[data-test=restore-notes]", "Không mở được kho dữ liệu bị thay");
    await d.findText("[data-test=restore-notes]", "Nhận gói từ USB");
    // «Nhập tất cả» on the stick reads the province's own bundle first and takes back the lists.
    await d.click("[data-test=pnav-intake]");
    await d.type("[data-test=intake-folder]", stick);
    await d.click("[data-test=intake-scan]");
    await d.find("[data-test=bundle-row][data-status=skipped]");
    await d.click("[data-test=intake-import]");
    await d.findText("[data-test=intake-recovered]", "danh mục phiên bản 1001");
    await d.screenshot(path.join(shots, "56-province-intake-recovered.png"));
    const sent = commandLine(["--user", "tranvanbinh", "province", "--dir", tinh, "recover", stick], { password: CHIEF_PW });
    assert.match(sent, /không có gì phải lấy lại/);
  });
});

describe("the demo province: late list, figures to one record, report, quarantine", { timeout: 600_000 }, () => {
  let d;
  let dir;
  let tinh;

  before(async () => {
    dir = scratch("province-demo");
    tinh = path.join(dir, "tinh");
    phongtrao(["province", "demo", "--dir", tinh, "--communes", "8"], "phongtrao-demo");
    d = await launch({
      PHONGTRAO_DB: path.join(dir, "khong-co.db"),
      PHONGTRAO_PROVINCE_DIR: tinh,
      PHONGTRAO_BACKUP_DELAY_SECONDS: "3600",
    });
    await d.find("[data-test=login-province]");
    await login(d, { username: "tinh", password: "phongtrao-demo", landing: [".brand", "Công an tỉnh Quảng Ngãi"] });
  });

  after(() => cleanup(d, dir));

  it("lists the late communes, prints the late list on one page and exports it", async () => {
    await d.click("[data-test=pnav-communes]");
    await d.find("[data-test=roster-row]");
    await d.click("[data-test=late-only]");
    await d.until("only late communes", async () => {
      const all = await d.count("[data-test=roster-row]");
      const late = await d.count("[data-test=roster-row][data-late=true]");
      return all > 0 && all === late;
    });
    await d.click("[data-test=print-late]");
    await d.findText("[data-test=communes-said]", "Đã in danh sách gửi muộn");
    await d.find("[data-test=late-preview] canvas");
    const year = String(new Date().getFullYear());
    const pdf = path.join(tinh, `danh-sach-gui-muon-${year}.pdf`);
    assert.ok(fs.existsSync(pdf));
    const info = execFileSync("pdfinfo", [pdf], { encoding: "utf8" });
    assert.match(info, /Pages:\s+1\n/);
    await d.click("[data-test=export-late]");
    await d.findText("[data-test=communes-said]", ".xlsx");
    assert.ok(fs.existsSync(path.join(tinh, `danh-sach-gui-muon-${year}.xlsx`)));
    await d.screenshot(path.join(shots, "44-province-late.png"));
  });

  it("drills a figure down to the communes behind it, then to one record", async () => {
    await d.click("[data-test=pnav-figures]");
    await d.find("[data-test=figures-total]");
    // Last year's same figures beside the total.
    await d.findText("[data-test=figures-last-year]", "Cùng kỳ năm trước (Năm");
    // Sorting by a column, a second click puts the biggest first.
    await d.click("[data-test=sort-members]");
    await d.findText("[data-test=sort-members]", "▲");
    await d.click("[data-test=sort-members]");
    await d.findText("[data-test=sort-members]", "▼");
    await d.screenshot(path.join(shots, "45-province-figures.png"));
    await d.exec("document.querySelector(arguments[0]).scrollIntoView({ block: 'center', inline: 'center' })", "[data-test=drill-members]");
    const total = await d.text("[data-test=drill-members]");
    assert.ok(Number(total.replace(/\./g, "")) > 0, total);
    // The whole table to .xlsx.
    const year = String(new Date().getFullYear());
    await d.click("[data-test=figures-export]");
    await d.findText("[data-test=figures-said]", `so-lieu-toan-tinh-${year}.xlsx`);
    assert.ok(fs.existsSync(path.join(tinh, `so-lieu-toan-tinh-${year}.xlsx`)));
    await d.click("[data-test=drill-members]");
    await d.findText("[data-test=drill-title]", "Thành viên");
    // Its trend over the year's months.
    await d.findText("[data-test=trend]", "Thành viên theo kỳ báo cáo, Năm");
    assert.ok((await d.count("[data-test=trend] svg rect")) > 0);
    // One figure's communes to .xlsx.
    await d.click("[data-test=figures-export]");
    await d.findText("[data-test=figures-said]", `so-lieu-members-${year}.xlsx`);
    assert.ok(fs.existsSync(path.join(tinh, `so-lieu-members-${year}.xlsx`)));
    const code = await d.exec("return document.querySelector('[data-test=drill-commune]').dataset.code");
    await d.click("[data-test=drill-commune] button");
    await d.find("[data-test=behind-row]");
    const n = await d.count("[data-test=behind-row]");
    assert.ok(n > 0);
    // One commune's records behind it to .xlsx: one row per record, with the commune's code.
    await d.click("[data-test=figures-export]");
    await d.findText("[data-test=figures-said]", `so-lieu-members-${code}-${year}.xlsx`);
    const xlsx = path.join(tinh, `so-lieu-members-${code}-${year}.xlsx`);
    const lines = readXlsx(xlsx, { types: true });
    assert.equal(lines.length, n + 1, lines.slice(0, 3).join("\n"));
    assert.match(lines[0], /^Tỉnh\|Mã xã\|Xã\|Kỳ báo cáo\|Sổ\|Tên\|/);
    assert.match(lines[1], new RegExp(`^Quảng Ngãi\\|${code}\\|`));
    // Numbers as numbers, dates as dates (the member's date of birth).
    assert.match(lines[1], /\|1(\.0)?:(int|float)\|/);
    assert.match(lines[1], /:datetime/);
    await d.click("[data-test=behind-row] button");
    await d.findText("[data-test=behind-record]", "Họ và tên");
    await d.screenshot(path.join(shots, "46-province-record.png"));
    // Back up the crumbs to the figures.
    await d.click("[data-test=crumb-commune]");
    await d.find("[data-test=behind-row]");
  });

  it("previews the province's summary report", async () => {
    await d.click("[data-test=pnav-figures]");
    await d.click("[data-test=report-preview]");
    await d.find("[data-test=report-pdf] canvas", 30000);
    await d.screenshot(path.join(shots, "47-province-report.png"));
    // Printed under a number of the province's register; printed again, it keeps it.
    // The numbered report is drawn off screen, then put in place of the preview: wait for it (as the
    // officer sees the form come back with its number) before printing again.
    const drawings = () => d.exec(`return Number(document.querySelector("[data-test=report-pdf]").dataset.drawings ?? 0)`);
    const previewed = await drawings();
    await d.click("[data-test=report-print]");
    await d.findText("[data-test=figures-said]", "Đã cấp số 01/BC-CAT", 30000).catch(async (e) => {
      const shown = await d.exec("return [...document.querySelectorAll('.error-box, .ok')].map((x) => x.textContent)");
      throw new Error(`${e.message}; shown: ${JSON.stringify(shown)}`);
    });
    const saved = (await d.text("[data-test=figures-said]")).split(" ra ").pop().trim();
    const text = execFileSync("pdftotext", ["-layout", saved, "-"], { encoding: "utf8" });
    assert.match(text, /01\/BC-CAT/);
    assert.match(text, /Tổng hợp kết quả phong trào toàn dân/);
    await d.until("the numbered report drawn", async () => (await drawings()) > previewed, 30000);
    await d.find("[data-test=report-pdf] canvas", 30000);
    await d.screenshot(path.join(shots, "47a-province-report-numbered.png"));
    await d.click("[data-test=report-print]");
    await d.findText("[data-test=figures-said]", "Đã in lại báo cáo tổng hợp số 01/BC-CAT", 30000);
  });

  it("follows the period typed once it is whole, and says what is wrong with a wrong one", async () => {
    await d.click("[data-test=pnav-figures]");
    await d.findText("[data-test=figures-label]", "Năm 2026");
    const year = await d.text("[data-test=figures-label]");
    // Half-typed, key by key: the page stays on the year, with no error.
    await d.keys("[data-test=period]", "-");
    await d.keys("[data-test=period]", "1");
    assert.equal(await d.value("[data-test=period]"), "2026-1");
    await d.painted();
    assert.equal(await d.text("[data-test=figures-label]"), year);
    assert.equal(await d.count(".error-box"), 0, "no error for a period not yet typed whole");
    // Whole: the page follows at once, without Enter.
    await d.keys("[data-test=period]", "1");
    await d.findText("[data-test=figures-label]", "Tháng 11/2026");
    // The year's report previewed above is gone with the year, and the page shows its top.
    assert.equal(await d.count("[data-test=report-pdf] canvas"), 0, "the year's report beside the month's figures");
    assert.equal(await d.count("[data-test=figures-said]"), 0, "what was said of the year's report");
    // A wrong one, given with Enter: the core's message, naming the field.
    await d.keys("[data-test=period]", "\uE0033");
    assert.equal(await d.value("[data-test=period]"), "2026-13");
    await d.keys("[data-test=period]", "\uE007");
    await d.findText(".error-box", "Kỳ báo cáo");
    await d.findText(".error-box", "không phải kỳ báo cáo");
    // Where the officer sees it: the page was scrolled down to the report before.
    const seen = await d.exec(`const r = document.querySelector(".error-box").getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;`);
    assert.ok(seen, "the message about the period is out of sight");
    await d.screenshot(path.join(shots, "103-province-period-wrong.png"));
    await d.type("[data-test=period]", "2026");
    await d.findText("[data-test=figures-label]", "Năm 2026");
    assert.equal(await d.count(".error-box"), 0);
  });

  it("decides a quarantined record with a note, and the decision stays", async () => {
    await d.click("[data-test=pnav-quarantine]");
    await d.find("[data-test=quarantined][data-decided=false]");
    const id = await d.exec(
      "return document.querySelector('[data-test=quarantined][data-decided=false]').dataset.id",
    );
    const card = `[data-test=quarantined][data-id='${id}']`;
    // No note: refused, naming the field.
    await d.click(`${card} [data-test=refuse]`);
    await d.findText(`${card} .field-error`, "Ghi chú");
    await d.type(`${card} [data-test=decision-note]`, "Xã ghi sai loại hoạt động; giữ từ chối.");
    assert.equal(await d.value(`${card} [data-test=decision-note]`), "Xã ghi sai loại hoạt động; giữ từ chối.");
    await d.click(`${card} [data-test=refuse]`);
    await d.findText(`${card} [data-test=decision]`, "Giữ từ chối");
    await d.screenshot(path.join(shots, "48-province-quarantine.png"));
    // The list printed (previewed) and exported.
    await d.click("[data-test=quarantine-print]");
    await d.findText("[data-test=quarantine-said]", "danh-sach-cach-ly.pdf");
    await d.find("[data-test=quarantine-pdf] canvas");
    const text = execFileSync("pdftotext", ["-layout", path.join(tinh, "danh-sach-cach-ly.pdf"), "-"], { encoding: "utf8" });
    assert.match(text, /QUẢNG NGÃI/);
    assert.match(text, /bản ghi bị cách ly/);
    assert.match(text, /Giữ từ chối/);
    await d.screenshot(path.join(shots, "49-province-quarantine-printed.png"));
    await d.click("[data-test=quarantine-export]");
    await d.findText("[data-test=quarantine-said]", "danh-sach-cach-ly.xlsx");
    assert.ok(readXlsx(path.join(tinh, "danh-sach-cach-ly.xlsx")).some((l) => l.includes("Giữ từ chối")));
    // Leave and come back: still decided.
    await d.click("[data-test=pnav-figures]");
    await d.click("[data-test=pnav-quarantine]");
    await d.findText(`${card} [data-test=decision]`, "Xã ghi sai loại hoạt động");
  });
  it("edits the lists sent to the communes, shows what changed, and writes the signed bundle", async () => {
    await d.click("[data-test=pnav-reference]");
    await d.findText("[data-test=reference-version]", "Chưa gửi danh mục nào");
    await d.click("[data-test=reference-list-model_kind]");
    await d.until("the model kinds", async () => (await d.count("[data-test=reference-item]")) === 4);
    // A new kind with a code that is not one: refused, naming the list and the row.
    await d.click("[data-test=item-add]");
    const row = "[data-test=reference-item]:last-child";
    await d.type(`${row} [data-test=item-code]`, "Tự giác");
    await d.type(`${row} [data-test=item-label]`, "Tự giác");
    await d.click("[data-test=reference-review]");
    await d.findText("[data-test=reference-error]", "Loại mô hình, dòng 5");
    await d.type(`${row} [data-test=item-code]`, "tu_giac");
    await d.click("[data-test=reference-review]");
    await d.findText("[data-test=reference-change]", "Loại mô hình: thêm «Tự giác» (tu_giac)");
    // A criterion's years are its settings.
    await d.click("[data-test=reference-list-criteria_xa]");
    await d.find("[data-test=item-from_year]");
    await d.type("[data-test=reference-item]:first-child [data-test=item-from_year]", "2027");
    await d.click("[data-test=reference-review]");
    await d.findText("[data-test=reference-changes]", "đổi thiết lập của");
    await d.screenshot(path.join(shots, "49a-province-reference.png"));
    const folder = path.join(dir, "danh-muc");
    fs.mkdirSync(folder);
    await d.type("[data-test=reference-folder]", folder);
    await d.click("[data-test=reference-send]");
    // The built-in lists are version 2 (the Thông tư's own criteria): the first version sent is 3.
    await d.findText("[data-test=reference-said]", "phiên bản 3");
    await d.findText("[data-test=reference-version]", "Đã gửi các xã phiên bản 3");
    assert.equal(ptb(folder).length, 1);
    assert.match(ptb(folder)[0], /-danh-muc-/);
  });
});

describe("the province's figures of a commune equal that commune's own dashboard", { timeout: 400_000 }, () => {
  let dir;
  let db;
  let tinh;
  const DEMO = "phongtrao-demo";
  const num = (s) => Number(String(s).replace(/\./g, "").trim());

  before(() => {
    dir = scratch("province-equal");
    db = path.join(dir, "xa.db");
    tinh = path.join(dir, "tinh");
    const usb = path.join(dir, "usb");
    fs.mkdirSync(usb);
    // The demo commune (Xã Ia Đal, 23535) enrolls with a new province and sends everything it has.
    phongtrao(["--db", db, "demo"], DEMO);
    enroll(db, "23535", tinh, initProvince(tinh, DEMO), DEMO);
    const bundle = phongtrao(["--db", db, "bundle", "export", "--out", usb], DEMO).trim().split("\n").pop();
    phongtrao(["province", "--dir", tinh, "import", bundle], DEMO);
  });

  after(() => cleanup(undefined, dir));

  it("reads the same teams, members and active models in both windows", async () => {
    // The commune's own window: its dashboard.
    let d = await Driver.launch({
      PHONGTRAO_DB: db,
      PHONGTRAO_PROVINCE_DIR: path.join(dir, "khong-co-tinh"),
      PHONGTRAO_BACKUP_DELAY_SECONDS: "3600",
    });
    let commune;
    try {
      await d.open(app);
      await d.setSize(1366, 768);
      await d.type("#f-username", "nguyenvanan");
      await d.type("#f-password", DEMO);
      await d.click("[data-test=login-submit]");
      await d.findText("h1", "Tổng quan phong trào", 60000);
      await d.find("[data-test=kpi-members]");
      commune = {
        teams: num(await d.text("[data-test=kpi-teams]")),
        members: num(await d.text("[data-test=kpi-members]")),
        models: num(await d.text("[data-test=kpi-models-active]")),
      };
    } finally {
      await d.quit();
    }
    assert.ok(commune.teams > 0 && commune.members > 0 && commune.models > 0, JSON.stringify(commune));

    // The province's window: the same commune's row of this year's figures.
    d = await Driver.launch({
      PHONGTRAO_DB: path.join(dir, "khong-co.db"),
      PHONGTRAO_PROVINCE_DIR: tinh,
      PHONGTRAO_BACKUP_DELAY_SECONDS: "3600",
    });
    try {
      await d.open(app);
      await d.setSize(1366, 768);
      await d.find("[data-test=login-province]");
      await d.type("#f-username", "tinh");
      await d.type("#f-password", DEMO);
      await d.click("[data-test=login-submit]");
      await d.click("[data-test=pnav-figures]");
      await d.find("[data-test=figures-row][data-code='23535']");
      const cells = await d.exec(`
        const keys = [...document.querySelectorAll("[data-test=figures] thead th button")].map((b) => (b.dataset.test || "").replace("sort-", ""));
        const row = [...document.querySelectorAll("[data-test=figures-row][data-code='23535'] td")].map((td) => td.textContent);
        return keys.map((k, i) => [k, row[i]]);`);
      const value = (key) => num(cells.find(([k]) => k === key)[1]);
      const models = cells.filter(([k]) => k.startsWith("model:")).reduce((a, [, v]) => a + num(v), 0);
      assert.deepEqual({ teams: value("teams"), members: value("members"), models }, commune);
      await d.screenshot(path.join(shots, "45a-province-figures-equal-commune.png"));
    } finally {
      await d.quit();
    }
  });
});
