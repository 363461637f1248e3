// End-to-end: "In" from the real window (tauri-driver + WebKitWebDriver under Xvfb). A meeting's
// page previews its Biên bản WITHOUT taking a number (nothing saved, the register empty), then saves
// it: the pages show in the window (pdf.js drawing on canvases), the PDF is saved in the officer's
// Documents/phongtrao folder under the number the core's register gave (01/BB-…); the officer leaves
// the page, comes back and prints it again: the reprint keeps 01 (the two saved PDFs compared with
// pdftotext), and only "Cấp số mới" takes 02. Its text is correct Vietnamese (pdftotext), and "Mở để
// in" hands the file to the system's opener: a fake `xdg-open` first on the app's PATH records its
// argument, which is the real boundary between the app and the operating system. The "Mẫu trắng"
// page prints a blank form without taking a number; the "Văn bản, báo cáo" page lists the register
// newest first, reprints from it under the same number, and prints the filled yearly report.
// The store and its meeting are made with the command line first.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { cleanup, drawnWith, initCommune, launch, login, ownHome, run, scratch, shots, watchFirstDraw } from "./common.mjs";

const Y = new Date().getFullYear();
const TITLE = "Họp bình xét khu dân cư an toàn về an ninh, trật tự – Thôn Đắk Năng";

function makeStore(db) {
  initCommune(db);
  run(db, ["add", "meeting", "--json", JSON.stringify({
    title: TITLE, kind: "binh_xet", starts_at: `05/11/${Y - 1} 19:00`, ends_at: `05/11/${Y - 1} 21:30`,
    place: "Nhà văn hóa Thôn Đắk Năng", chair: "Rơ Mah Hlim", secretary: "Nay H’Blơi",
    attendees: ["Ông Rơ Mah Hlim – Trưởng thôn", "Ông Siu Đen – Bí thư chi bộ", "Đại diện các hộ gia đình"],
    attendee_count: 47,
    agenda: "Trưởng thôn thông qua báo cáo kết quả thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc của thôn.",
    conclusions: "Hội nghị thống nhất đề nghị công nhận Thôn Đắk Năng đạt tiêu chuẩn “An toàn về an ninh, trật tự”.",
    votes_for: 45, votes_against: 2, votes_abstain: 0,
  })]);
}

function pdftotext(file) {
  return execFileSync("pdftotext", [file, "-"]).toString().split(/\s+/).join(" ");
}

describe("printing from the window", { timeout: 300_000 }, () => {
  let d;
  let dir;
  let folder;
  let opened;

  before(async () => {
    dir = scratch("print");
    const db = path.join(dir, "xa.db");
    makeStore(db);
    // The officer's home folder: the app saves into its Documents/phongtrao.
    const home = ownHome(dir);
    folder = home.saves;
    // The system opener, recording what it was asked to open.
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    opened = path.join(dir, "opened.txt");
    fs.writeFileSync(path.join(bin, "xdg-open"), `#!/bin/sh\nprintf '%s\\n' "$1" >> '${opened}'\n`, { mode: 0o755 });
    d = await launch({
      PHONGTRAO_DB: db,
      PHONGTRAO_BACKUP_DELAY_SECONDS: "3600",
      ...home.env,
      PATH: `${bin}:${process.env.PATH}`,
    });
  });

  after(() => cleanup(d, dir));

  function numberOf(file) {
    const m = pdftotext(file).match(/Số: (\S+\/BB-CAX)/);
    return m && m[1];
  }

  it("previews a meeting's biên bản without taking a number, then saves it numbered", async () => {
    await login(d, { username: "nguyenvanan" });
    await d.click("[data-test=nav-meeting]");
    await d.clickText("td.title button", "Họp bình xét khu dân cư");
    await d.findText("h1", TITLE);
    await d.findText("[data-test=print-panel]", "Biên bản họp (Mẫu 1.9)");
    await d.click("[data-test=print-bien-ban-hop]");

    // The preview: drawn, no number taken, no file, the register empty.
    await d.findText("[data-test=print-note]", "chưa lấy số");
    await d.until("the preview's pages", async () => (await d.count("[data-test=print-preview] canvas.pdf-page")) >= 1);
    assert.equal(await d.text("[data-test=print-save]"), "Lưu và cấp số");
    assert.equal(await d.count("[data-test=print-new-number]"), 0, "nothing to renumber yet");
    assert.ok(!fs.existsSync(folder) || fs.readdirSync(folder).length === 0, "a preview writes no file");
    assert.equal(run(path.join(dir, "xa.db"), ["print", "--issued"]).trim(), "", "a preview takes no number");
    await d.exec(`document.querySelector("[data-test=print-panel]").scrollIntoView({ block: "start" });`);
    await d.screenshot(path.join(shots, "37a-print-preview-no-number.png"));

    await d.click("[data-test=print-save]");
    const saved = await d.text("[data-test=print-saved]");
    assert.match(saved, new RegExp(`^Đã lưu Biên bản họp .* số 01/BB-CAX vào tệp `));
    const file = path.join(folder, `bien-ban-hop_01-bb-cax_${Y}.pdf`);
    assert.equal(await d.text("[data-test=print-path]"), file);
    assert.ok(saved.endsWith(file), saved);
    assert.ok(fs.existsSync(file), `saved file ${file}`);
    const text = pdftotext(file);
    for (const want of ["BIÊN BẢN", "CÔNG AN XÃ IA ĐAL", "Số: 01/BB-CAX", TITLE, "Nhà văn hóa Thôn Đắk Năng", "THƯ KÝ", "CHỦ TỌA"]) {
      assert.ok(text.includes(want), `«${want}» missing in: ${text}`);
    }

    // The saved document's pages, with ink on them (not a blank canvas).
    await d.until("the preview's pages", async () => (await d.count("[data-test=print-preview] canvas.pdf-page")) >= 1);
    const ink = await d.until("ink on the first page", async () => {
      const n = await d.exec(`const c = document.querySelector("[data-test=print-preview] canvas.pdf-page");
        const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        let dark = 0; for (let i = 0; i < px.length; i += 4) if (px[i] < 100 && px[i + 3] > 0) dark++;
        return dark;`);
      return n > 2000 ? n : null;
    }, 20000);
    assert.ok(ink > 2000, `dark pixels: ${ink}`);
    const info = execFileSync("pdfinfo", [file]).toString();
    const pages = Number(info.match(/Pages:\s+(\d+)/)[1]);
    // One canvas per page, drawn one after the other; the count shows once all are drawn.
    await d.findText("[data-test=print-panel]", `Văn bản đã lưu – ${pages} trang`, 20000);
    assert.equal(await d.count("[data-test=print-preview] canvas.pdf-page"), pages, "one canvas per page");
    await d.exec(`document.querySelector("[data-test=print-panel]").scrollIntoView({ block: "start" });`);
    await d.screenshot(path.join(shots, "37-print-preview.png"));
  });

  it("reprints the record after leaving its page: the same number; a new number only on request", async () => {
    // Leave the page and come back, as an officer does before printing again.
    await d.click("[data-test=nav-dashboard]");
    await d.findText("h1", "Tổng quan phong trào");
    await d.click("[data-test=nav-meeting]");
    await d.clickText("td.title button", "Họp bình xét khu dân cư");
    await d.findText("h1", TITLE);
    await d.click("[data-test=print-bien-ban-hop]");
    await d.findText("[data-test=print-note]", "đã cấp số 01/BB-CAX");
    assert.equal(await d.text("[data-test=print-save]"), "Lưu bản in lại (giữ số 01/BB-CAX)");
    await d.click("[data-test=print-save]");
    await d.until("saved or refused", async () => (await d.count("[data-test=print-saved]")) + (await d.count("[data-test=print-error]")) > 0);
    if (await d.count("[data-test=print-error]")) assert.fail(await d.text("[data-test=print-error]"));
    await d.findText("[data-test=print-saved]", "bản in lại");
    const first = path.join(folder, `bien-ban-hop_01-bb-cax_${Y}.pdf`);
    const reprint = path.join(folder, `bien-ban-hop_01-bb-cax_${Y} (2).pdf`);
    assert.equal(await d.text("[data-test=print-path]"), reprint);
    assert.equal(numberOf(reprint), "01/BB-CAX");
    assert.equal(numberOf(reprint), numberOf(first), "the reprint bears the first print's number");
    assert.deepEqual(
      run(path.join(dir, "xa.db"), ["print", "--issued"]).trim().split("\n").map((l) => l.split("\t")[0]),
      ["01/BB-CAX"],
      "a reprint takes no number",
    );

    // A new document for the same record: only on "Cấp số mới".
    await d.click("[data-test=print-bien-ban-hop]");
    await d.findText("[data-test=print-note]", "đã cấp số 01/BB-CAX");
    await d.click("[data-test=print-new-number]");
    await d.findText("[data-test=print-saved]", "số 02/BB-CAX");
    const second = path.join(folder, `bien-ban-hop_02-bb-cax_${Y}.pdf`);
    assert.equal(numberOf(second), "02/BB-CAX");
    assert.ok(fs.existsSync(first), "the first file is kept");
    await d.until("the new preview", async () => (await d.count("[data-test=print-preview] canvas.pdf-page")) >= 1);
  });

  it("«Mở để in» hands the saved file to the system's opener", async () => {
    assert.ok(!fs.existsSync(opened));
    await d.click("[data-test=open-printed]");
    await d.findText("[data-test=opened]", "Đã mở tệp");
    // The opener runs detached from the app: wait for it to have written.
    await d.until("the opener's record", async () => fs.existsSync(opened) && fs.readFileSync(opened, "utf8").endsWith("\n"));
    const lines = fs.readFileSync(opened, "utf8").trim().split("\n");
    assert.deepEqual(lines, [path.join(folder, `bien-ban-hop_02-bb-cax_${Y}.pdf`)]);
  });

  it("prints a blank form from «Mẫu trắng» without taking a number", async () => {
    await d.click("[data-test=nav-blank-forms]");
    await d.findText("h1", "Mẫu trắng");
    await d.click("[data-test=print-bien-ban-hop]");
    await d.findText("[data-test=print-note]", "mẫu trắng: không lấy số");
    await d.click("[data-test=print-save]");
    await d.findText("[data-test=print-saved]", "Đã lưu Biên bản họp");
    const blank = path.join(folder, "bien-ban-hop_mau-trang.pdf");
    assert.equal(await d.text("[data-test=print-path]"), blank);
    assert.ok(pdftotext(blank).includes("Số: ……/BB-CAX"));
    assert.ok(!(await d.text("[data-test=print-saved]")).includes("số 03"));
    await d.until("the blank form's preview", async () => (await d.count("[data-test=print-preview] canvas.pdf-page")) >= 1);
    // The register still holds two numbers.
    const issued = run(path.join(dir, "xa.db"), ["print", "--issued"]);
    assert.deepEqual(issued.trim().split("\n").map((l) => l.split("\t")[0]), ["02/BB-CAX", "01/BB-CAX"]);
  });

  it("lists the register newest first and reprints from it under the same number", async () => {
    // The register comes with the yearly report's form above it, not before it (the form arriving
    // pushed the register and its «In lại» down under the pointer).
    await watchFirstDraw(d, "[data-test=issued-register]", ["print-bao-cao-ket-qua"]);
    await d.click("[data-test=nav-documents]");
    await d.findText("h1", "Văn bản, báo cáo");
    await d.until("the register's rows", async () => (await d.count("[data-test=issued-row]")) === 2);
    assert.deepEqual(await drawnWith(d), ["print-bao-cao-ket-qua"]);
    const numbers = await d.exec(
      `return [...document.querySelectorAll("[data-test=issued-number]")].map((e) => e.textContent.trim());`,
    );
    assert.deepEqual(numbers, ["02/BB-CAX", "01/BB-CAX"]);
    const row = await d.text("[data-test=issued-row]:last-child");
    for (const want of ["01/BB-CAX", "Biên bản họp", TITLE, "Nguyễn Văn An"]) assert.ok(row.includes(want), `${want}: ${row}`);
    await d.click("[data-test='reprint-01/BB-CAX']");
    await d.findText("[data-test=reprint-saved]", "số 01/BB-CAX");
    const again = path.join(folder, `bien-ban-hop_01-bb-cax_${Y} (3).pdf`);
    await d.until("the reprinted file", async () => fs.existsSync(again));
    assert.equal(numberOf(again), "01/BB-CAX");
    assert.equal(await d.count("[data-test=issued-row]"), 2, "no new entry");
  });

  it("prints the filled yearly report from the window, numbered once per year", async () => {
    await d.select("[data-test=report-year]", String(Y - 1));
    await d.findText("[data-test=print-panel]", `Báo cáo kết quả năm ${Y - 1}`);
    await d.click("[data-test=print-bao-cao-ket-qua]");
    await d.findText("[data-test=print-note]", "chưa lấy số");
    await d.click("[data-test=print-save]");
    await d.findText("[data-test=print-saved]", "số 01/BC-CAX");
    const file = path.join(folder, `bao-cao-ket-qua_01-bc-cax_${Y}.pdf`);
    const text = pdftotext(file);
    for (const want of ["BÁO CÁO", `năm ${Y - 1}`, "Số: 01/BC-CAX", "Số buổi tuyên truyền"]) {
      assert.ok(text.includes(want), `«${want}» missing in: ${text}`);
    }
    // The register shows it first.
    await d.until("the report in the register", async () => (await d.count("[data-test=issued-row]")) === 3);
    assert.equal(await d.text("[data-test=issued-row]:first-child [data-test=issued-number]"), "01/BC-CAX");
    await d.until("the report's pages", async () => (await d.count("[data-test=print-preview] canvas.pdf-page")) >= 1, 20000);
    await d.screenshot(path.join(shots, "38-documents-register.png"));
  });
});
