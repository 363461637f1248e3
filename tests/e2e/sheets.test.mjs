// End-to-end: spreadsheets in the real window (issue 18). An officer's list of members, with three bad
// rows, sits on a USB stick (PHONGTRAO_DRIVES_DIR stands for the system's removable drives); the
// window offers it, previews it with every bad cell named by row and column, saves nothing; the
// officer fixes the file and imports it; the same file again changes nothing. Then a filtered list
// is exported to .xlsx, read back with Debian's openpyxl (a reader that is not ours), and the
// template is written. What the window shows is checked as text and in screenshots.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { cleanup, initCommune, launch, login, run, scratch, shots } from "./common.mjs";

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
    const home = path.join(dir, "home");
    fs.mkdirSync(home);
    folder = path.join(home, "Documents", "phongtrao");
    d = await launch({
      PHONGTRAO_DB: db,
      PHONGTRAO_BACKUP_DELAY_SECONDS: "3600",
      PHONGTRAO_DRIVES_DIR: drives,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, ".config"),
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
});
