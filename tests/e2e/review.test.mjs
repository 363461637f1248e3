// End-to-end: the review loop (issue 16) through the real window at both ends. A commune (made on the
// command line, as its own laptop) sends three activities of November 2026. In the province's window
// the period is returned with a general reason and reasons on two records picked from the period's
// records; in the commune's window the decision bundle is imported from the stick, the to-do list
// opens each record, saving it ticks it, the general reason is ticked by hand. The corrections reach
// the province ("Đã sửa"), which approves; the commune imports the approval: an edit is refused in the
// window and through a forced IPC call with the core's message. The province's chief reopens; the edit
// goes through.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { cleanup, decisions, enroll, importDecision, openAs as openWindowAs, phongtrao, provinceAndCommune, shots }
  from "./common.mjs";

/** The receipts under `dir` (any depth), oldest first by name. */
const receipts = (dir) =>
  fs
    .readdirSync(dir, { recursive: true })
    .filter((f) => String(f).includes("bien-nhan") && String(f).endsWith(".ptb"))
    .map((f) => path.join(dir, String(f)))
    .sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs);

describe("the province returns and approves a commune's period; the commune corrects and is locked", {
  timeout: 600_000,
}, () => {
  let d;
  let dir;
  let db;
  let tinh;
  let usb;
  let db2;
  const ids = {};

  /** Opens the window on the province's store (no commune store) or the commune's. */
  const openAs = async (where) => (d = await openWindowAs(d, where, { dir, db, tinh }));

  /** The commune sends what is new; the province imports it (command line, as the USB trip). */
  function send() {
    const out = phongtrao(["--db", db, "bundle", "export", "--out", usb]).trim();
    phongtrao(["province", "--dir", tinh, "import", out, "--receipt-out", usb]);
  }

  async function provincePeriod() {
    await d.click("[data-test=pnav-review]");
    await d.findText("h1", "Duyệt số liệu");
    await d.type("[data-test=period]", "2026");
    await d.type("[data-test=review-folder]", usb);
    await d.click("[data-test=review-row][data-code='23535'][data-period='2026-11'] button");
    await d.find("[data-test=review-detail]");
  }

  before(async () => {
    let enrollment;
    ({ dir, db, tinh, usb, enrollment } = provinceAndCommune("review"));
    // A second commune, Xã An Phú, whose period the province approves on the command line.
    db2 = path.join(dir, "xa2.db");
    phongtrao(["--db", db2, "init", "--province-code", "51", "--province", "Quảng Ngãi", "--commune-code", "21034",
      "--commune", "Xã An Phú", "--officer", "Trần Văn Bình"]);
    enroll(db2, "21034", tinh, enrollment);
    phongtrao(["--db", db2, "add", "activity", "--json", JSON.stringify({ category: "tuyen_truyen", date: "2026-10-22",
      title: "Tuyên truyền ở An Phú", form: "hop_dan", topic: "Phòng, chống tội phạm" })]);
    const out2 = phongtrao(["--db", db2, "bundle", "export", "--out", usb]).trim();
    phongtrao(["province", "--dir", tinh, "import", out2, "--receipt-out", usb]);
    enroll(db, "23535", tinh, enrollment);
    const add = (date, title) =>
      phongtrao(["--db", db, "add", "activity", "--json", JSON.stringify({ category: "tuyen_truyen", date, title, form: "hop_dan", topic: "Phòng, chống tội phạm" })]).trim();
    ids.a = add("2026-10-20", "Tuyên truyền phòng, chống lừa đảo");
    ids.b = add("2026-10-28", "Tuyên truyền an toàn giao thông");
    ids.c = add("2026-11-05", "Tuyên truyền phòng cháy");
    send();
  });

  after(() => cleanup(d, dir));

  it("the province sees November as Đã gửi and returns it with three reasons", async () => {
    await openAs("tinh");
    await provincePeriod();
    await d.findText("[data-test=review-state]", "Đã gửi");
    // The return's button comes with the period's records, never before them (it would return the
    // period with none picked, then be pushed down under the pointer as they arrive).
    await d.exec(`
      window.recordsWithButton = null;
      const seen = () => {
        if (window.recordsWithButton === null && document.querySelector("[data-test=review-confirm]"))
          window.recordsWithButton = document.querySelectorAll("[data-test=review-record]").length;
      };
      new MutationObserver(seen).observe(document.body, { childList: true, subtree: true });`);
    await d.click("[data-test=review-return]");
    await d.until("the period's records", async () => (await d.count("[data-test=review-record]")) === 3);
    assert.equal(await d.exec("return window.recordsWithButton"), 3, "the button came with the three records");
    // Nothing given: refused, naming the reason.
    await d.click("[data-test=review-confirm]");
    await d.findText("[data-test=decide-error]", "Lý do");
    await d.type("[data-test=review-note]", "Thiếu báo cáo sơ kết tháng");
    for (const [id, why] of [[ids.a, "Thiếu số người dự"], [ids.b, "Sai ngày tổ chức"]]) {
      await d.click(`[data-test=review-record][data-id='${id}'] input[type=checkbox]`);
      await d.type(`[data-test=review-record][data-id='${id}'] [data-test=review-record-reason]`, why);
    }
    await d.screenshot(path.join(shots, "70-review-return.png"));
    await d.click("[data-test=review-confirm]");
    await d.findText("[data-test=review-said]", "Đã trả lại kỳ Tháng 11/2026");
    await d.findText("[data-test=review-state]", "Bị trả lại");
    assert.equal(decisions(usb).length, 1, "the decision bundle is on the stick");
    await d.click("[data-test=filter-returned]");
    assert.equal(await d.count("[data-test=review-row]"), 1);
  });

  it("the commune imports it: a to-do list whose records open in one click and tick when saved", async () => {
    await openAs("xa");
    const said = await importDecision(d, usb);
    assert.match(said, /trả lại kỳ Tháng 11\/2026/);
    await d.click("[data-test=nav-returned]");
    await d.findText("h1", "Công an tỉnh trả lại");
    await d.until("three reasons", async () => (await d.count("[data-test=todo-row]")) === 3);
    await d.findText("[data-test=returned-open]", "3");
    await d.screenshot(path.join(shots, "71-review-todo.png"));
    for (const id of [ids.a, ids.b]) {
      await d.click(`[data-test=todo-row][data-record='${id}'] [data-test=todo-open]`);
      await d.find("#f-notes");
      await d.type("#f-notes", "Đã bổ sung theo yêu cầu của Công an tỉnh");
      await d.click("[data-test=save]");
      await d.until("saved", async () => (await d.count("[data-test=save]")) === 0);
      await d.click("[data-test=nav-returned]");
      await d.find(`[data-test=todo-row][data-record='${id}'][data-done=true]`);
    }
    await d.click("[data-test=todo-done]");
    await d.until("all done", async () => (await d.count("[data-test=todo-row][data-done=false]")) === 0);
    await d.findText("[data-test=review-period]", "Đã sửa");
  });

  it("the corrections reach the province as Đã sửa, and it approves", async () => {
    await d.quit();
    d = null;
    send();
    await openAs("tinh");
    await provincePeriod();
    await d.findText("[data-test=review-state]", "Đã sửa");
    // The bundle said which reasons the corrections answer: each one, and how many.
    await d.findText("[data-test=review-progress]", "3/3 lý do đã sửa");
    assert.equal(await d.count("[data-test=review-reason][data-answered=true]"), 3);
    await d.findText("[data-test=review-reason]", "Lý do chung: Thiếu báo cáo sơ kết tháng");
    await d.click("[data-test=filter-corrected]");
    await d.exec("document.querySelector('[data-test=review-detail]').scrollIntoView()");
    await d.screenshot(path.join(shots, "75-review-answered.png"));
    await d.click("[data-test=review-approve]");
    await d.type("[data-test=review-note]", "Số liệu đầy đủ");
    await d.click("[data-test=review-confirm]");
    await d.findText("[data-test=review-said]", "Đã duyệt kỳ Tháng 11/2026");
    await d.findText("[data-test=review-state]", "Đã duyệt");
    await d.screenshot(path.join(shots, "72-review-approved.png"));
  });

  it("the commune is locked: the window's form and a forced IPC call get the core's refusal", async () => {
    await d.quit();
    d = null;
    // Before it takes the approval in, the commune edits a record of the period (as a second laptop or an
    // old backup would): its next bundle reaches the province, which holds that change for its reviewer.
    phongtrao(["--db", db, "edit", "activity", ids.c, "--json", JSON.stringify({ notes: "Sửa trước khi nhận quyết định" })]);
    send();
    const receipt = receipts(usb).slice(-1)[0];
    const before = phongtrao(["--db", db, "show", "activity", ids.c, "--json"]);
    await openAs("xa");
    assert.match(await importDecision(d, usb), /đã duyệt kỳ Tháng 11\/2026/);
    // The receipt lists the held change: the commune's officer sees what, why and what to do.
    await d.type("[data-test=bundle-file]", receipt);
    await d.click("[data-test=import-bundle]");
    await d.findText("[data-test=imported]", "bị Công an tỉnh giữ lại");
    await d.click("[data-test=nav-returned]");
    await d.findText(`[data-test=province-held-row][data-record='${ids.c}']`, "Chờ Công an tỉnh xem xét");
    await d.findText("[data-test=province-held-row]", "Hoạt động «Tuyên truyền phòng cháy»");
    await d.findText("[data-test=province-held-row]", "báo Công an tỉnh để chấp nhận");
    await d.exec("document.querySelector('[data-test=province-held]').scrollIntoView()");
    await d.screenshot(path.join(shots, "77-review-held-commune.png"));
    await d.click("[data-test=nav-dashboard]");
    await d.findText("[data-test=dash-period][data-period='2026-11']", "Đã duyệt");
    await d.screenshot(path.join(shots, "73-review-dashboard.png"));
    await d.click("[data-test=nav-returned]");
    await d.findText("[data-test=review-period][data-period='2026-11']", "Đã duyệt");
    // The form, as an officer does it: refused with the period, who approved and when.
    await d.click("[data-test=nav-activity]");
    await d.clickText(".table td.title button", "Tuyên truyền phòng cháy");
    await d.click("[data-test=edit]");
    await d.type("#f-notes", "Sửa sau khi duyệt");
    await d.click("[data-test=save]");
    await d.findText("[data-test=form-error]", "đã được Công an tỉnh duyệt");
    await d.findText("[data-test=form-error]", "Chỉ Công an tỉnh mới mở lại");
    await d.screenshot(path.join(shots, "74-review-locked.png"));
    // The window is not what refuses: the command itself, called directly, gets the core's error.
    const refused = await d.req("POST", d.s("/execute/async"), {
      script: `const done = arguments[arguments.length - 1];
        window.__TAURI_INTERNALS__.invoke("update_record", { kind: "activity", id: ${JSON.stringify(ids.c)}, patch: { title: "Sửa lén" } })
          .then(() => done("saved"), (e) => done(JSON.stringify(e)));`,
      args: [],
    });
    const e = JSON.parse(refused);
    assert.equal(e.code, "period_locked");
    assert.match(e.message, /Tháng 11\/2026 .*đã được Công an tỉnh duyệt/);
    assert.match(e.message, /Chỉ Công an tỉnh mới mở lại/);
    await d.quit();
    d = null;
    assert.equal(phongtrao(["--db", db, "show", "activity", ids.c, "--json"]), before, "nothing changed");
  });

  it("the province's chief reopens the period; the commune's edit then goes through", async () => {
    await openAs("tinh");
    await provincePeriod();
    await d.click("[data-test=review-reopen]");
    await d.click("[data-test=review-confirm]");
    await d.findText("[data-test=decide-error]", "Lý do");
    await d.type("[data-test=review-note]", "Xã xin sửa số người dự");
    await d.click("[data-test=review-confirm]");
    await d.findText("[data-test=review-said]", "Đã mở lại kỳ Tháng 11/2026");
    await d.findText("[data-test=review-state]", "Đã gửi");
    await openAs("xa");
    assert.match(await importDecision(d, usb), /mở lại kỳ Tháng 11\/2026/);
    await d.click("[data-test=nav-activity]");
    await d.clickText(".table td.title button", "Tuyên truyền phòng cháy");
    await d.click("[data-test=edit]");
    await d.type("#f-notes", "Sửa sau khi mở lại");
    await d.click("[data-test=save]");
    await d.findText("h1", "Tuyên truyền phòng cháy");
  });

  it("the province writes the decisions of several communes to a stick at once; each takes its own", async () => {
    await d.quit();
    d = null;
    phongtrao(["province", "--dir", tinh, "review", "approve", "--commune", "21034", "--period", "2026-11",
      "--out", path.join(dir, "rieng")]);
    const stick = path.join(dir, "usb2");
    fs.mkdirSync(stick);
    await openAs("tinh");
    await d.click("[data-test=pnav-review]");
    await d.findText("h1", "Duyệt số liệu");
    await d.type("[data-test=review-folder]", stick);
    await d.until("both communes listed", async () => (await d.count("[data-test=send-commune]")) === 2);
    await d.findText("[data-test=send-commune][data-code='21034']", "mới nhất: duyệt kỳ Tháng 11/2026");
    await d.findText("[data-test=send-decisions]", "cả 2 xã");
    await d.click("[data-test=send-decisions]");
    await d.findText("[data-test=send-said]", "Đã ghi 2 gói quyết định");
    await d.exec("document.querySelector('[data-test=send]').scrollIntoView()");
    await d.screenshot(path.join(shots, "76-review-send.png"));
    const files = decisions(stick);
    assert.equal(files.length, 2, files.join(", "));
    // Each commune imports its own file: An Phú's period is locked, Ia Đal's stays reopened.
    const anPhu = files.find((f) => f.startsWith("51-21034-"));
    assert.match(phongtrao(["--db", db2, "bundle", "import", path.join(stick, anPhu)]), /duyệt/);
    assert.match(phongtrao(["--db", db2, "review"]), /Tháng 11\/2026.*Đã duyệt/);
    const iaDal = files.find((f) => f.startsWith("51-23535-"));
    assert.throws(() => phongtrao(["--db", db2, "bundle", "import", path.join(stick, iaDal)]), /23535/);
  });
});
