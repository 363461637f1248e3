// End-to-end: spreadsheets in the real window (issue 18). An officer's list of members, with three bad
// rows, sits on a USB stick (PHONGTRAO_DRIVES_DIR stands for the system's removable drives); the
// window offers it, previews it with every bad cell named by row and column, saves nothing; the
// officer fixes the file and imports it; the same file again changes nothing. Then a filtered list
// is exported to .xlsx, read back with Debian's openpyxl (a reader that is not ours), and the
// template is written. Last, a list of 15,000 areas with a column the officer maps by hand is
// imported, and its export shows its progress. What the window shows is checked as text and in
// screenshots.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { cleanup, initCommune, launch, login, ownHome, run, scratch, shots } from "./common.mjs";

const TEAM = "Tổ bảo vệ ANTT Thôn Đắk Năng";

const HEADER = "Tổ bảo vệ ANTT;Họ và tên;Ngày sinh;Nơi cư trú;Cư trú từ ngày;Trình độ học vấn;Chức danh;Ngày phân công";
const row = (name, born, education = "THCS", role = "Tổ viên", team = TEAM) =>
  [team, name, born, "Thôn Đắk Năng", "01/01/2010", education, role, "01/02/2024"].join(";");

function members(fixed) {
  return [
    "DANH SÁCH THÀNH VIÊN TỔ BẢO VỆ AN NINH, TRẬT TỰ",
    HEADER,
    row("Nguyễn Văn Một", "12/03/1985", "THCS", "Tổ trưởng"),
    row("Trần Thị Hai", fixed ? "28/02/1986" : "31/02/1986"),
    row("Nguyễn Thị Ba", "05/07/1990"),
    row("Rơ Mah Bốn", "09/09/1979", fixed ? "Trung học phổ thông" : "Tiến sĩ"),
    row("Siu Năm", "01/01/1988", "thpt", "Tổ viên", fixed ? TEAM : "Tổ không có"),
  ].join("\r\n") + "\r\n";
}

describe("spreadsheets in the window", { timeout: 300_000 }, () => {
  let d;
  let dir;
  let db;
  let stick;
  let folder;

  before(async () => {
    dir = scratch("sheets");
    db = path.join(dir, "xa.db");
    initCommune(db);
    const area = run(db, ["add", "area", "--json", JSON.stringify({
      name: "Thôn Đắk Năng", kind: "thon", households: 210, population: 860 })]).trim();
    run(db, ["add", "team", "--json", JSON.stringify({ name: TEAM, area_ids: [area] })]);
    const drives = path.join(dir, "drives");
    stick = path.join(drives, "USB-CA-XA");
    fs.mkdirSync(stick, { recursive: true });
    fs.writeFileSync(path.join(stick, "thanh-vien.csv"), members(false));
    const home = ownHome(dir);
    folder = home.saves;
    d = await launch({
      PHONGTRAO_DB: db,
      PHONGTRAO_BACKUP_DELAY_SECONDS: "3600",
      PHONGTRAO_DRIVES_DIR: drives,
      ...home.env,
    });
  });

  after(() => cleanup(d, dir));

  const memberCount = () => run(db, ["list", "member"]).trim().split("\n").filter(Boolean).length;

  it("previews a file from the stick with its three bad rows named, and saves nothing", async () => {
    await login(d, { username: "nguyenvanan" });
    await d.click("[data-test=nav-member]");
    await d.find("[data-test=list-search]");
    await d.click("[data-test=sheet-import]");
    // The stick's spreadsheet is offered; one click puts its path in the field.
    await d.findText("[data-test=sheet-path-files]", "thanh-vien.csv");
    await d.click("[data-test=sheet-path-found]");
    assert.equal(await d.value("[data-test=sheet-path]"), path.join(stick, "thanh-vien.csv"));
    await d.click("[data-test=sheet-preview]");
    await d.findText("[data-test=sheet-result]", "Xem trước (chưa lưu gì): 5 dòng đọc được; nếu nhập sẽ thêm 2");
    await d.findText("[data-test=sheet-result]", "3 dòng có lỗi");
    const problems = await d.exec(`return [...document.querySelectorAll("[data-test=sheet-problems] tbody tr")]
      .map((tr) => [...tr.cells].map((c) => c.textContent.trim()).join(" | "));`);
    assert.equal(problems.length, 3, problems.join("\n"));
    assert.match(problems[0], /^4 \| Ngày sinh \| «31\/02\/1986» không phải là ngày hợp lệ/);
    assert.match(problems[1], /^6 \| Trình độ học vấn \| «Tiến sĩ» không hợp lệ/);
    assert.match(problems[2], /^7 \| Tổ bảo vệ ANTT \| không tìm thấy tổ bảo vệ an ninh, trật tự tên «Tổ không có»/);
    // Only the good rows may be saved, and only on request; nothing was saved by the preview.
    assert.equal(await d.count("[data-test=sheet-save]"), 0);
    assert.match(await d.text("[data-test=sheet-save-good]"), /Chỉ nhập các dòng đúng \(bỏ 3 dòng lỗi\)/);
    assert.equal(memberCount(), 0, "a preview saves nothing");
    await d.screenshot(path.join(shots, "50-sheet-import-preview.png"));
  });

  it("imports the corrected file, and the same file again changes nothing", async () => {
    fs.writeFileSync(path.join(stick, "thanh-vien.csv"), members(true));
    await d.click("[data-test=sheet-preview]");
    await d.findText("[data-test=sheet-result]", "nếu nhập sẽ thêm 5, sửa 0, giữ nguyên 0");
    assert.equal(await d.count("[data-test=sheet-problems]"), 0);
    await d.click("[data-test=sheet-save]");
    await d.findText("[data-test=sheet-result]", "Đã nhập 5 dòng vào sổ thành viên tổ bảo vệ an ninh, trật tự: thêm 5");
    // The list behind the panel shows them at once.
    await d.findText("[data-test=list-total]", "1–5 / 5 bản ghi");
    await d.findText("table", "Rơ Mah Bốn");
    await d.findText("[data-test=nav-member]", "5");
    assert.equal(memberCount(), 5);
    await d.screenshot(path.join(shots, "51-sheet-imported.png"));

    // Leave the register and come back, as an officer does: the members are there, the panel closed.
    await d.click("[data-test=nav-dashboard]");
    await d.findText("h1", "Tổng quan phong trào");
    await d.click("[data-test=nav-member]");
    await d.findText("[data-test=list-total]", "1–5 / 5 bản ghi");
    assert.equal(await d.count("[data-test=sheet-import-panel]"), 0);
    await d.click("[data-test=sheet-import]");
    await d.click("[data-test=sheet-path-found]");
    await d.click("[data-test=sheet-preview]");
    await d.findText("[data-test=sheet-result]", "nếu nhập sẽ thêm 0, sửa 0, giữ nguyên 5");
    assert.equal(await d.count("[data-test=sheet-save]"), 0, "nothing to save");
  });

  it("exports the filtered list as shown, and writes the template", async () => {
    await d.type("[data-test=list-search]", "nguyen");
    await d.findText("[data-test=list-total]", "1–2 / 2 bản ghi");
    await d.click("[data-test=sheet-export]");
    const saved = await d.text("[data-test=sheet-saved]");
    const file = fs.readdirSync(folder).find((f) => f.endsWith(".xlsx"));
    assert.ok(file, `an .xlsx in ${folder}`);
    assert.match(file, /^thanh-vien-to-bao-ve-an-ninh-trat-tu_\d{4}-\d{2}-\d{2}\.xlsx$/);
    assert.ok(saved.includes(path.join(folder, file)), saved);
    const read = execFileSync("/usr/bin/python3", ["-c", `
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
rows = list(ws.iter_rows(values_only=True))
print(len(rows) - 1)
print("|".join(sorted(r[1] for r in rows[1:])))
print(type(rows[1][2]).__name__)
`, path.join(folder, file)]).toString().trim().split("\n");
    assert.deepEqual(read, ["2", "Nguyễn Thị Ba|Nguyễn Văn Một", "datetime"]);
    await d.screenshot(path.join(shots, "52-sheet-exported.png"));

    await d.click("[data-test=sheet-template]");
    await d.findText("[data-test=sheet-saved]", "mau-thanh-vien");
    assert.ok(fs.readdirSync(folder).some((f) => f.startsWith("mau-thanh-vien-to-bao-ve-an-ninh-trat-tu_")));
  });
  it("exports the dashboard's tables and the yearly report's figures", async () => {
    const xlsx = () => new Set(fs.readdirSync(folder).filter((f) => f.endsWith(".xlsx")));
    const before = xlsx();
    await d.click("[data-test=nav-dashboard]");
    await d.click("[data-test=dashboard-export]");
    await d.findText("[data-test=dashboard-saved]", "tong-quan-phong-trao_");
    const dash = [...xlsx()].find((f) => !before.has(f) && f.startsWith("tong-quan-phong-trao_"));
    assert.ok(dash, "the dashboard's file in the print folder");
    // Read back by openpyxl: every sheet opens with the province and the commune with its code.
    const sheets = execFileSync("/usr/bin/python3", ["-c", `
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
for ws in wb.worksheets:
    rows = list(ws.iter_rows(values_only=True))
    print(ws.title, "|".join(str(c) for c in rows[0][:3]), rows[1][:3] if len(rows) > 1 else "")
`, path.join(folder, dash)]).toString();
    assert.match(sheets, /Thành viên theo tổ Tỉnh\|Mã xã\|Xã \('Quảng Ngãi', '23535', 'Xã Ia Đal'\)/);
    await d.click("[data-test=nav-documents]");
    await d.click("[data-test=report-export]");
    const year = new Date().getFullYear();
    await d.findText("[data-test=report-saved]", `so-lieu-bao-cao-nam-${year}_`);
    const read = execFileSync("/usr/bin/python3", ["-c", `
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["Chỉ tiêu"]
rows = list(ws.iter_rows(values_only=True))
print(len(rows) - 1, rows[1][3], type(rows[1][6]).__name__)
`, path.join(folder, [...xlsx()].find((f) => f.startsWith(`so-lieu-bao-cao-nam-${year}_`)))]).toString().trim();
    // The yearly report's 16 indicators (the reference list, with the plan's targets beside them).
    assert.equal(read, `16 ${year} int`);
    await d.screenshot(path.join(shots, "53-sheet-report-figures.png"));
  });

  it("maps a column it did not recognise, imports 15,000 areas, and shows a long export's progress", async () => {
    // A commune's long list of areas, one column headed in the officer's own words.
    const N = 15000;
    const lines = ["Tên khu dân cư;Loại khu dân cư;Số hộ gia đình;Số nhân khẩu;Người đứng đầu thôn"];
    for (let i = 1; i <= N; i++) lines.push(`Thôn số ${i};Thôn;${100 + (i % 50)};${400 + (i % 200)};Trưởng thôn ${i}`);
    fs.writeFileSync(path.join(stick, "khu-dan-cu.csv"), lines.join("\r\n") + "\r\n");
    await d.click("[data-test=nav-area]");
    await d.find("[data-test=list-search]");
    await d.click("[data-test=sheet-import]");
    await d.type("[data-test=sheet-path]", path.join(stick, "khu-dan-cu.csv"));
    await d.click("[data-test=sheet-preview]");
    await d.findText("[data-test=sheet-result]", `nếu nhập sẽ thêm ${N.toLocaleString("vi-VN")}`, 60000);
    await d.findText("[data-test=sheet-result]", "Cột không nhận ra (bỏ qua): «Người đứng đầu thôn»");
    // The officer says what the column is, and previews again: nothing left unrecognised.
    await d.select("[data-test=sheet-map]", "head");
    await d.screenshot(path.join(shots, "54-sheet-map-column.png"));
    assert.equal(await d.text("[data-test=sheet-save]"), `Nhập ${N.toLocaleString("vi-VN")} dòng`);
    await d.clickText("[data-test=sheet-result] button", "Xem trước lại");
    await d.until("the column mapped", async () => (await d.count("[data-test=sheet-map]")) === 0, 60000);
    await d.click("[data-test=sheet-save]");
    await d.findText("[data-test=sheet-result]", `Đã nhập ${N.toLocaleString("vi-VN")} dòng vào sổ khu dân cư: thêm ${N.toLocaleString("vi-VN")}`, 60000);
    const one = JSON.parse(run(db, ["list", "area", "--search", "Thôn số 1234", "--json"]));
    assert.equal(one.find((a) => a.title === "Thôn số 1234")?.head, "Trưởng thôn 1234", "the mapped column was read");

    // The whole list, 15,001 areas, exported: the bar moves forward and says what is being done, in
    // Vietnamese, then goes once the file is written. What the window shows is recorded as it changes.
    await d.exec(`window.__progress = [];
      new MutationObserver(() => {
        const el = document.querySelector("[data-test=sheet-progress]");
        const seen = window.__progress;
        if (!el) { if (seen.length && seen.at(-1) !== "gone") seen.push("gone"); return; }
        const now = el.querySelector("progress").value + " " + el.textContent.trim();
        if (seen.at(-1) !== now) seen.push(now);
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });`);
    await d.click("[data-test=sheet-export]");
    // The bar as the officer sees it (a few seconds in this debug build), kept only if it was on
    // screen before and after the picture.
    const onScreen = () => d.exec(`return !!document.querySelector("[data-test=sheet-progress]")`);
    if (await d.find("[data-test=sheet-progress]", 1500).then(() => true, () => false)) {
      const shot = path.join(dir, "progress.png");
      await d.screenshot(shot);
      if (await onScreen()) fs.copyFileSync(shot, path.join(shots, "55-sheet-export-progress.png"));
    }
    await d.findText("[data-test=sheet-saved]", "khu-dan-cu_", 60000);
    assert.equal(await d.count("[data-test=sheet-progress]"), 0, "the bar is gone once the file is written");
    const seen = await d.exec("return window.__progress");
    assert.ok(seen.length >= 10, seen.join("\n"));
    assert.equal(seen[0].replace(/^\d+ /, ""), "Đang đọc sổ khu dân cư…");
    const all = (N + 1).toLocaleString("vi-VN");
    assert.ok(seen.some((s) => s.endsWith(`Đang chuẩn bị ${all} / ${all} dòng…`)), seen.join("\n"));
    assert.ok(seen.some((s) => / Đang ghi [\d.]+ \/ [\d.]+ dòng vào bảng tính…$/.test(s) && s.endsWith(` / ${all} dòng vào bảng tính…`)), seen.join("\n"));
    assert.ok(seen.some((s) => s.endsWith("Đang nén và lưu tệp…")), seen.join("\n"));
    assert.equal(seen.at(-1), "gone");
    const values = seen.slice(0, -1).map((s) => Number(s.split(" ")[0]));
    assert.ok(values.every((v, i) => i === 0 || v >= values[i - 1]), `the bar only moves forward: ${values}`);
    const file = fs.readdirSync(folder).find((f) => /^khu-dan-cu_\d{4}-\d{2}-\d{2}\.xlsx$/.test(f));
    const rows = execFileSync("/usr/bin/python3", ["-c", `
import sys, openpyxl
print(openpyxl.load_workbook(sys.argv[1], read_only=True).worksheets[0].max_row - 1)
`, path.join(folder, file)]).toString().trim();
    assert.equal(rows, String(N + 1));
  });
});
