// End-to-end: the yearly "An toàn về an ninh, trật tự" certification through the real window
// (tauri-driver + WebKitWebDriver under Xvfb). A residential area and a school go through every step
// (register → self-assess → bình xét with votes → propose → decide); steps with missing data are
// refused with the core's Vietnamese message next to the field; a decision is reverted with a reason;
// the commune's result follows; an officer is not offered the chief's steps.
// The store, its area and its school are made with the command line first.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { PW, cleanup, initCommune, launch, login as signIn, run, scratch, shots } from "./common.mjs";
const CHIEF_PW = PW;
const BINH_PW = "mat-khau-binh-1";

const now = new Date();
const Y = now.getFullYear();
const p2 = (n) => String(n).padStart(2, "0");
const TODAY = `${p2(now.getDate())}/${p2(now.getMonth() + 1)}/${Y}`;

function makeStore(db) {
  initCommune(db);
  const id = (out) => out.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/)[0];
  // The area's register already holds its Q1 resolution, households and registration date.
  const area = id(run(db, ["add", "area", "--json", JSON.stringify({
    name: "Thôn Đắk Năng", kind: "thon", households: 120, population: 480, households_registered: 120,
    households_committed: 118, head: "Y Bhin Niê", q1_resolution_number: "05-NQ/CB", q1_resolution_date: `01/01/${Y}`,
    registered_on: `01/01/${Y}`,
  })]));
  const school = id(run(db, ["add", "unit", "--json", JSON.stringify({
    name: "Trường THCS Nguyễn Du", kind: "co_so_giao_duc", category: "thcs", head: "Trần Thị Lan", staff_count: 40,
  })]));
  // A second area registered in the first quarter (by the command line): months later, an officer opens
  // its page again for the self-assessment.
  const late = id(run(db, ["add", "area", "--json", JSON.stringify({
    name: "Thôn Kon Rốc", kind: "thon", households: 80, population: 300, households_registered: 80,
    households_committed: 80, head: "A Thút", q1_resolution_number: "02-NQ/CB", q1_resolution_date: `02/01/${Y}`,
    registered_on: `02/01/${Y}`,
  })]));
  run(db, ["cert", "advance", late, "--year", String(Y), "--data", "{}"]);
  run(db, ["account", "add", "--username", "tranthibinh", "--name", "Trần Thị Bình", "--rank", "Thượng úy", "--role", "officer"],
    { PHONGTRAO_NEW_PASSWORD: BINH_PW });
  return { area, school, late };
}

/** Collects the page's script errors from now on (a page left blank by one must fail the test). */
async function watchErrors(d) {
  await d.exec(`if (!window.__errors) {
    window.__errors = [];
    addEventListener("error", (e) => window.__errors.push(String(e.message)));
    addEventListener("unhandledrejection", (e) => window.__errors.push(String(e.reason)));
  }`);
}

async function scriptErrors(d) {
  return d.exec("return window.__errors ? window.__errors.splice(0) : ['no error watch'];");
}

async function login(d, username, password) {
  await watchErrors(d);
  await signIn(d, { username, password });
}

async function step(d, label) {
  await d.findText("[data-test=cert-step]", label);
}

async function advance(d, label) {
  await d.click("[data-test=cert-advance]");
  await step(d, label);
  // A step's warnings stay at the bottom of the window until read; the page's last lines (the last
  // criteria) can be scrolled above them, not hidden under them. Then close them.
  if (await d.count(".notice button.link")) {
    const [last, notice] = await d.exec(`const c = document.querySelector(".content");
      c.scrollTop = c.scrollHeight;
      const rows = [...document.querySelectorAll(".content .page > *")];
      return [rows[rows.length - 1].getBoundingClientRect().bottom, document.querySelector(".notice").getBoundingClientRect().top];`);
    assert.ok(last <= notice + 1, `the page's end (${last}) is above the notice (${notice})`);
    await d.click(".notice button.link");
  }
}

/** Every criterion met, with a note and evidence. */
async function assessAll(d, score) {
  const codes = await d.exec(`return [...document.querySelectorAll("[data-test^=criterion-]")].map((e) => e.dataset.test.slice(10));`);
  assert.ok(codes.length >= 3, `criteria shown: ${codes}`);
  for (const c of codes) {
    await d.select(`[data-test="criterion-${c}"] select`, "true");
    await d.type(`[data-test="criterion-${c}"] input[id$="-note"]`, "Thực hiện tốt");
    await d.type(`[data-test="criterion-${c}"] input[id$="-evidence"]`, "Báo cáo năm");
  }
  await d.type("#f-self_score", String(score));
  return codes;
}

/** Whether a field's label carries the «required» star. */
async function starred(d, key) {
  return d.exec(`return !!document.querySelector('label[for="f-${key}"] .req');`);
}

async function binhXet(d, votes) {
  // The vote is required by the step (the minutes must give it): marked so, like the place.
  for (const k of ["place", "votes_for", "votes_against", "votes_abstain"]) assert.ok(await starred(d, k), k);
  await d.type("#f-starts_at", `${TODAY} 08:00`);
  await d.type("#f-place", "Nhà văn hóa");
  await d.type("#f-chair", "Y Bhin Niê");
  await d.type("#f-secretary", "H Lan Êban");
  await d.type("#f-attendee_count", String(votes[0] + votes[1] + votes[2]));
  await d.type("#f-votes_for", String(votes[0]));
  await d.type("#f-votes_against", String(votes[1]));
  await d.type("#f-votes_abstain", String(votes[2]));
}

async function propose(d, number) {
  await d.findText("[data-test=cert-form] h2", "đề nghị công nhận");
  await d.type("#f-number", number);
  await d.select("#f-recommend", "true");
  await advance(d, "Đã đề nghị công nhận");
}

async function decide(d, number, certificate) {
  await d.findText("[data-test=cert-form] h2", "Quyết định công nhận");
  // «Số giấy công nhận» is required when the result is «Đạt», and marked then only.
  await d.findText("[data-test=cert-form]", "bắt buộc khi kết quả là «Đạt»");
  await d.select("#f-result", "chua_dat");
  assert.equal(await starred(d, "certificate_number"), false);
  await d.select("#f-result", "dat");
  await d.until("star shown", () => starred(d, "certificate_number"));
  await d.type("#f-number", number);
  await d.type("#f-certificate_number", certificate);
  await advance(d, "Đã có quyết định");
}

async function openUnit(d, id, name) {
  await d.click("[data-test=nav-cert-year]");
  await d.find("[data-test=cert-overview]");
  await d.click(`[data-test="cert-row-${id}"] button`);
  await d.findText("h1", name);
}

/**
 * Leaves the unit's page by the menu and opens it again from the year's overview, as an officer does
 * between two steps months apart: the page shows its name, its step, the steps done and (when given) the
 * next step's form, all displayed, and no script error happened.
 */
async function reopen(d, id, name, stepLabel, next) {
  await d.click("[data-test=nav-dashboard]");
  await d.findText("h1", "Tổng quan phong trào");
  await openUnit(d, id, name);
  await step(d, stepLabel);
  await d.find("[data-test=cert-steps]");
  if (next) {
    await d.findText("[data-test=cert-form] h2", next);
    await d.find("[data-test=cert-advance]");
  }
  if (next === "Tự đánh giá") {
    // Every criterion's row shows its label and its three inputs.
    const rows = await d.exec(`return [...document.querySelectorAll("[data-test^=criterion-]")].map((r) => [
      r.querySelector(".crit-label").textContent.trim().length, r.querySelectorAll("select, input").length,
      r.getBoundingClientRect().height]);`);
    assert.ok(rows.length >= 3, `criteria rows: ${JSON.stringify(rows)}`);
    for (const [label, inputs, height] of rows) assert.ok(label > 5 && inputs === 3 && height > 10, JSON.stringify(rows));
  }
  assert.deepEqual(await scriptErrors(d), []);
}

async function result(d) {
  await d.click("[data-test=nav-cert-year]");
  await d.click("[data-test=cert-result]");
  await d.findText("h1", "Kết quả của xã");
}

describe("the yearly certification through the window", { timeout: 600_000 }, () => {
  let d;
  let dir;
  let ids;

  before(async () => {
    dir = scratch("cert");
    const db = path.join(dir, "xa.db");
    ids = makeStore(db);
    d = await launch({ PHONGTRAO_DB: db, PHONGTRAO_BACKUP_DELAY_SECONDS: "3600" });
  });

  after(() => cleanup(d, dir));

  it("shows the year: the commune first, every unit with its step, deadlines and warnings", async () => {
    await login(d, "nguyenvanan", CHIEF_PW);
    // The certification has its own page, not a generic (editable) register.
    assert.equal(await d.count("[data-test=nav-cert]"), 0);
    await d.click("[data-test=nav-cert-year]");
    await d.findText("h1", "An toàn về an ninh, trật tự");
    assert.equal(Number(await d.value("[data-test=cert-year]")), Y);
    const rows = await d.exec(`return [...document.querySelectorAll("[data-test=cert-overview] tbody tr")].map((r) => r.dataset.test);`);
    assert.deepEqual(rows, ["cert-row-xa", `cert-row-${ids.area}`, `cert-row-${ids.late}`, `cert-row-${ids.school}`]);
    assert.match(await d.text(`[data-test="cert-row-${ids.area}"]`), /Chưa đăng ký/);
    assert.match(await d.text(`[data-test="cert-row-${ids.area}"]`), /31\/10\/\d{4}/);
    // Past the first quarter, an unregistered unit is late.
    if (now.getMonth() >= 4) {
      // Late in the year: one warning a unit, saying it can still register and how; not a wall of «Quá hạn».
      const late = await d.text(`[data-test="cert-row-${ids.school}"] .warn-cell`);
      assert.match(late, /Chưa đăng ký; hạn đăng ký là quý I.*Vẫn đăng ký được/s);
      assert.doesNotMatch(late, /Quá hạn nộp hồ sơ/);
    }
    // The commune hands in no scoring dossier («—»), and no warning names a dossier deadline for it.
    assert.doesNotMatch(await d.text(`[data-test="cert-row-xa"] .warn-cell`), /hồ sơ/);
    // The five steps, how far the units are, and each row's next step.
    for (const s of ["1. Đăng ký phấn đấu", "2. Tự đánh giá", "3. Bình xét", "4. Công an xã đề nghị", "5. Quyết định"]) {
      await d.findText("[data-test=cert-steps]", s);
    }
    await d.findText("[data-test=cert-steps] li:first-child", "1/3 đã xong · 2 đang chờ bước này");
    assert.equal(await d.text(`[data-test="cert-row-${ids.area}"] [data-test=cert-next]`), "Bước tiếp: Đăng ký phấn đấu (bước 1/5)");
    await d.screenshot(path.join(shots, "30-cert-overview.png"));
  });

  it("takes the residential area through every step; missing votes are refused next to the field", async () => {
    await d.click(`[data-test="cert-row-${ids.area}"] button`);
    await d.findText("h1", "Thôn Đắk Năng");
    await step(d, "Chưa đăng ký");
    // Registration: what the area's register holds fills the pledge, shown in the form (no field
    // marked required is left empty while the core would fill it).
    await d.findText("[data-test=cert-form] h2", "Đăng ký phấn đấu");
    assert.equal(await d.value("#f-resolution_number"), "05-NQ/CB");
    const emptyStarred = await d.exec(`return [...document.querySelectorAll("[data-test=cert-form] .field")]
      .filter((f) => f.querySelector("label .req") && f.querySelector("input, select")?.value === "")
      .map((f) => f.querySelector("label").textContent.trim());`);
    assert.deepEqual(emptyStarred, [], "required fields the register fills are shown filled");
    await advance(d, "Đã đăng ký");
    await reopen(d, ids.area, "Thôn Đắk Năng", "Đã đăng ký", "Tự đánh giá");
    assert.match(await d.text("[data-test=step-dang_ky]"), /05-NQ\/CB/);
    assert.match(await d.text("[data-test=step-dang_ky]"), new RegExp(`01/01/${Y}`));

    // Self-assessment with nothing filled: every criterion and the score are named.
    await d.findText("[data-test=cert-form] h2", "Tự đánh giá");
    await d.click("[data-test=cert-advance]");
    await d.findText("#err-self_score", "không được để trống");
    await d.findText("[data-test=criteria-form] tr.invalid .field-error", "chưa đánh giá");
    await step(d, "Đã đăng ký");
    const codes = await assessAll(d, 95);
    await advance(d, "Đã tự đánh giá");
    await reopen(d, ids.area, "Thôn Đắk Năng", "Đã tự đánh giá", "Bình xét");
    assert.match(await d.text("[data-test=step-tu_danh_gia]"), new RegExp(`${codes.length}/${codes.length}`));

    // Bình xét: the meeting without its vote is refused, the message next to the votes.
    await d.findText("[data-test=cert-form] h2", "Bình xét");
    await d.type("#f-starts_at", `${TODAY} 08:00`);
    await d.type("#f-place", "Nhà văn hóa");
    await d.type("#f-chair", "Y Bhin Niê");
    await d.type("#f-secretary", "H Lan Êban");
    await d.click("[data-test=cert-advance]");
    await d.findText("#err-votes_for", "phải ghi kết quả biểu quyết");
    await d.screenshot(path.join(shots, "31-cert-refused-votes.png"));
    await step(d, "Đã tự đánh giá");
    await binhXet(d, [20, 2, 1]);
    await advance(d, "Đã bình xét");
    await reopen(d, ids.area, "Thôn Đắk Năng", "Đã bình xét", "đề nghị công nhận");
    const review = await d.text("[data-test=step-binh_xet]");
    assert.match(review, /20\/23 phiếu tán thành \(87%\)/);
    assert.match(review, /Đạt tỷ lệ\s*Đạt/);

    await propose(d, "12/TTr-CAX");
    await reopen(d, ids.area, "Thôn Đắk Năng", "Đã đề nghị công nhận", "Quyết định công nhận");
    await decide(d, "150/QĐ-UBND", "GCN-01");
    await reopen(d, ids.area, "Thôn Đắk Năng", "Đã có quyết định");
    assert.match(await d.text("[data-test=step-quyet_dinh]"), /Đạt/);
    assert.match(await d.text("[data-test=step-quyet_dinh]"), /150\/QĐ-UBND/);
    await d.screenshot(path.join(shots, "32-cert-area-decided.png"));
  });

  it("reverts the decision with a reason, kept in the history; decides again", async () => {
    await d.click("[data-test=cert-revert]");
    await d.click("[data-test=confirm]");
    await d.findText("#err-reason", "không được để trống");
    await step(d, "Đã có quyết định");
    await d.type("#f-reason", "Ghi nhầm số quyết định");
    await d.click("[data-test=confirm]");
    await step(d, "Đã đề nghị công nhận");
    assert.equal(await d.count("[data-test=step-quyet_dinh]"), 0);
    await d.findText("[data-test=cert-history]", "lý do: Ghi nhầm số quyết định");
    await d.exec(`document.querySelector("[data-test=cert-history]").scrollIntoView({ block: "end" });`);
    await d.screenshot(path.join(shots, "33-cert-reverted.png"));
    await decide(d, "151/QĐ-UBND", "GCN-01");
    assert.match(await d.text("[data-test=step-quyet_dinh]"), /151\/QĐ-UBND/);
  });

  it("the commune's result counts the decision; data not recorded shows as such", async () => {
    await result(d);
    const all = await d.text("main.content");
    assert.match(all, /1\/3 đơn vị được công nhận/);
    assert.match(all, /Chưa đủ dữ liệu/);
    assert.match(await d.text("[data-test=settings-discipline]"), /Chưa ghi nhận/);
  });

  it("takes the school through every step; a registration without its plan is refused", async () => {
    await openUnit(d, ids.school, "Trường THCS Nguyễn Du");
    await d.findText("[data-test=cert-form] h2", "Đăng ký phấn đấu");
    await d.type("#f-registered_on", TODAY);
    await d.click("[data-test=cert-advance]");
    await d.findText("#err-plan_number", "không được để trống");
    await step(d, "Chưa đăng ký");
    await d.type("#f-plan_number", "03/KH-THCS");
    await advance(d, "Đã đăng ký");
    await assessAll(d, 92);
    await advance(d, "Đã tự đánh giá");
    await binhXet(d, [30, 0, 0]);
    await d.screenshot(path.join(shots, "34-cert-binh-xet-form.png"));
    await advance(d, "Đã bình xét");
    await propose(d, "13/TTr-CAX");
    await decide(d, "152/QĐ-UBND", "GCN-02");
  });

  it("the result follows, and the chief records that no officer was disciplined", async () => {
    await result(d);
    await d.findText("main.content", "2/3 đơn vị được công nhận");
    await d.click("[data-test=edit-settings]");
    await d.select("#f-officer_disciplined", "false");
    await d.type("#f-vote_percent", "150");
    await d.click("[data-test=save-settings]");
    await d.findText("#err-vote_percent", "100");
    await d.type("#f-vote_percent", "50");
    await d.click("[data-test=save-settings]");
    await d.findText("[data-test=settings-discipline]", "Không");
    await d.findText("main.content", "Không có cán bộ bị kỷ luật trong năm.");
    await d.screenshot(path.join(shots, "35-cert-result.png"));
    await d.click("[data-test=nav-cert-year]");
    await d.findText(`[data-test="cert-row-${ids.school}"]`, "Đạt");
  });

  it("an officer does the officers' steps only: the chief's are not offered", async () => {
    await d.click("[data-test=logout]");
    await login(d, "tranthibinh", BINH_PW);
    await openUnit(d, ids.area, "Thôn Đắk Năng");
    await step(d, "Đã có quyết định");
    // Undoing a decision is the chief's: not offered.
    assert.equal(await d.count("[data-test=cert-revert]"), 0);
    // The commune's own registration is an officer's step.
    await openUnit(d, "xa", "Xã Ia Đal");
    await d.findText("[data-test=cert-form] h2", "Đăng ký phấn đấu");
    await d.type("#f-registered_on", TODAY);
    await d.type("#f-resolution_number", "01-NQ/ĐU");
    await d.type("#f-resolution_date", TODAY);
    await d.type("#f-plan_number", "02/KH-UBND");
    await d.type("#f-plan_date", TODAY);
    await advance(d, "Đã đăng ký");
    assert.match(await d.text("[data-test=step-dang_ky]"), /Trần Thị Bình|tranthibinh/);
    await d.screenshot(path.join(shots, "36-cert-commune.png"));
  });

  it("an officer opens again an area registered months ago and records its self-assessment", async () => {
    await reopen(d, ids.late, "Thôn Kon Rốc", "Đã đăng ký", "Tự đánh giá");
    await d.screenshot(path.join(shots, "37-cert-self-assessment-reopened.png"));
    await assessAll(d, 90);
    await advance(d, "Đã tự đánh giá");
    await reopen(d, ids.late, "Thôn Kon Rốc", "Đã tự đánh giá", "Bình xét");
    await binhXet(d, [40, 0, 0]);
    await advance(d, "Đã bình xét");
    await reopen(d, ids.late, "Thôn Kon Rốc", "Đã bình xét");
    // Proposing is the chief's: the officer is told who does it.
    await d.findText("[data-test=cert-next-other]", "Trưởng Công an xã");
  });
});
