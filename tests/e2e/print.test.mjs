// End-to-end: "In" from the real window (tauri-driver + WebKitWebDriver under Xvfb). A meeting's
// page prints its Biên bản: the pages show in the window (pdf.js drawing on canvases), the PDF is
// saved in the officer's Documents/phongtrao folder under the number the core's register gave
// (01/BB-…, then 02 on a second print), its text is correct Vietnamese (pdftotext), and "Mở để in"
// hands the file to the system's opener: a fake `xdg-open` first on the app's PATH records its
// argument, which is the real boundary between the app and the operating system. The "Mẫu trắng"
// page prints a blank form without taking a number.
// The store and its meeting are made with the command line first.
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
const Y = new Date().getFullYear();
const TITLE = "Họp bình xét khu dân cư an toàn về an ninh, trật tự – Thôn Đắk Năng";

function run(db, args) {
  return execFileSync(cli, ["--db", db, ...args], {
    env: { ...process.env, PHONGTRAO_PASSWORD: PW, PHONGTRAO_USER: "nguyenvanan" },
  }).toString();
}

function makeStore(db) {
  run(db, ["init", "--province-code", "51", "--province", "Quảng Ngãi", "--commune-code", "23535",
    "--commune", "Xã Ia Đal", "--officer", "Nguyễn Văn An"]);
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
  let home;
  let folder;
  let opened;

  before(async () => {
    assert.ok(fs.existsSync(app), `app binary missing: ${app}`);
    assert.ok(fs.existsSync(cli), `command line missing: ${cli} (cargo build)`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "phongtrao-e2e-print-"));
    const db = path.join(dir, "xa.db");
    makeStore(db);
    // The officer's home folder: the app saves into its Documents/phongtrao.
    home = path.join(dir, "home");
    fs.mkdirSync(home);
    folder = path.join(home, "Documents", "phongtrao");
    // The system opener, recording what it was asked to open.
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    opened = path.join(dir, "opened.txt");
    fs.writeFileSync(path.join(bin, "xdg-open"), `#!/bin/sh\nprintf '%s\\n' "$1" >> '${opened}'\n`, { mode: 0o755 });
    d = await Driver.launch({
      PHONGTRAO_DB: db,
      PHONGTRAO_BACKUP_DELAY_SECONDS: "3600",
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, ".config"),
      PATH: `${bin}:${process.env.PATH}`,
    });
    await d.open(app);
    await d.setSize(1366, 768);
  });

  after(async () => {
    await d?.quit();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("prints a meeting's biên bản: preview, saved numbered file, correct Vietnamese", async () => {
    await d.findText("h1", "Đăng nhập");
    await d.type("#f-username", "nguyenvanan");
    await d.type("#f-password", PW);
    await d.click("[data-test=login-submit]");
    await d.findText("h1", "Tổng quan phong trào");
    await d.click("[data-test=nav-meeting]");
    await d.clickText("td.title button", "Họp bình xét khu dân cư");
    await d.findText("h1", TITLE);
    await d.findText("[data-test=print-panel]", "Biên bản họp (Mẫu 1.9)");
    await d.click("[data-test=print-bien-ban-hop]");

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

    // The preview: every page drawn, with ink on it (not a blank canvas).
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
    await d.findText(".print-result", `Xem trước (${pages} trang)`, 20000);
    assert.equal(await d.count("[data-test=print-preview] canvas.pdf-page"), pages, "one canvas per page");
    await d.exec(`document.querySelector("[data-test=print-panel]").scrollIntoView({ block: "start" });`);
    await d.screenshot(path.join(shots, "37-print-preview.png"));
  });

  it("takes the next number on a second print and keeps the first file", async () => {
    await d.click("[data-test=print-bien-ban-hop]");
    await d.findText("[data-test=print-saved]", "số 02/BB-CAX");
    const second = path.join(folder, `bien-ban-hop_02-bb-cax_${Y}.pdf`);
    assert.ok(fs.existsSync(second));
    assert.ok(pdftotext(second).includes("Số: 02/BB-CAX"));
    assert.ok(fs.existsSync(path.join(folder, `bien-ban-hop_01-bb-cax_${Y}.pdf`)), "the first file is kept");
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
});
