// End-to-end: steering the movement through the real window (tauri-driver + WebKitWebDriver under
// Xvfb). The chief draws up the year's plan from the dashboard (the form starts from the year), sets a
// target, and the dashboard counts it from the activities already recorded; the plan prints as a Kế
// hoạch. A key area is listed with several complexity reasons, assessed, and shown on the dashboard; a
// viewer does not see the key areas until the chief allows it on the accounts page.
// The store, an area and two propaganda sessions are made with the command line first.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { PW, cleanup, initCommune, launch, login as signIn, run, scratch, shots } from "./common.mjs";
const CHIEF_PW = PW;
const VIEWER_PW = "mat-khau-xem-1";

const now = new Date();
const p2 = (n) => String(n).padStart(2, "0");
const TODAY = `${p2(now.getDate())}/${p2(now.getMonth() + 1)}/${now.getFullYear()}`;

const login = (d, username, password) => signIn(d, { username, password });

describe("steering: the year's plan and the key areas", { timeout: 600_000 }, () => {
  let d;
  let dir;
  before(async () => {
    dir = scratch("steer");
    const db = path.join(dir, "xa.db");
    initCommune(db);
    run(db, ["add", "area", "--json", JSON.stringify({ name: "Thôn Kon Rốc", kind: "thon", households: 80, population: 300 })]);
    for (const topic of ["Phòng, chống lừa đảo qua mạng", "Phòng, chống ma túy"]) {
      run(db, ["add", "activity", "--json", JSON.stringify({ category: "tuyen_truyen", date: TODAY, form: "hop_dan", topic, attendances: 50 })]);
    }
    run(db, ["account", "add", "--username", "canboxem", "--name", "Lê Văn Xem", "--role", "viewer"],
      { PHONGTRAO_NEW_PASSWORD: VIEWER_PW });
    d = await launch({ PHONGTRAO_DB: db, PHONGTRAO_BACKUP_DELAY_SECONDS: "3600", PHONGTRAO_PRINT_DIR: path.join(dir, "in") });
  });
  after(() => cleanup(d, dir));

  it("draws up the year's plan from the dashboard; progress is counted from the activities", async () => {
    await login(d, "nguyenvanan", CHIEF_PW);
    await d.findText("[data-test=plan-progress]", "Chưa có kế hoạch");
    await d.click("[data-test=new-plan]");
    // The form starts from the year (the core's new values), with a target field per indicator.
    await d.find("#f-target_tuyen_truyen_buoi");
    const year = Number(await d.value("#f-year"));
    assert.ok(year >= now.getFullYear(), `year ${year}`);
    await d.type("#f-number", "05/KH-CAX");
    await d.type("#f-issued_on", TODAY);
    await d.type("#f-goals", "Nâng cao chất lượng phong trào toàn dân bảo vệ an ninh Tổ quốc.");
    await d.type("#f-target_tuyen_truyen_buoi", "abc");
    await d.click("[data-test=save]");
    await d.findText("#err-target_tuyen_truyen_buoi", "phải là số nguyên");
    await d.type("#f-target_tuyen_truyen_buoi", "2");
    await d.type("#f-target_ho_cam_ket", "150");
    await d.click("[data-test=save]");
    await d.findText("h1", `Kế hoạch thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc năm ${year}`);
    await d.click("[data-test=nav-dashboard]");
    const row = await d.findText("[data-test=target-tuyen_truyen_buoi]", "2 / 2");
    assert.ok(row);
    await d.findText("[data-test=target-tuyen_truyen_buoi]", "Đã đạt");
    await d.findText("[data-test=target-ho_cam_ket]", "0 / 150");
    await d.findText("[data-test=plan-progress]", "Theo Kế hoạch");
    await d.exec(`document.querySelector("[data-test=plan-progress]").scrollIntoView({ block: "center" });`);
    await d.screenshot(path.join(shots, "80-plan-dashboard.png"));
  });

  it("previews the plan as a Kế hoạch without taking a number", async () => {
    await d.click("[data-test=plan-progress] button.link");
    await d.click("[data-test=print-ke-hoach-nam]");
    await d.findText("[data-test=print-note]", "Kế hoạch");
    await d.find(".print-result canvas, .pages canvas, canvas");
    await d.painted();
    await d.screenshot(path.join(shots, "81-plan-preview.png"));
  });

  it("lists a key area with several reasons, assesses it, and the dashboard counts it", async () => {
    await d.click("[data-test=nav-key_area]");
    await d.click("[data-test=new-record]");
    await d.type("#f-name", "Khu vực chợ Kon Rốc");
    await d.keys("#f-area_ids", "kon roc");
    await d.clickText(".options li button", "Thôn Kon Rốc");
    await d.click("[data-test=choice-reasons-ma_tuy]");
    await d.click("[data-test=choice-reasons-toi_pham]");
    await d.type("#f-decision_number", "12/QĐ-UBND");
    await d.type("#f-decision_date", TODAY);
    await d.type("#f-decided_by", "Chủ tịch UBND xã");
    await d.type("#f-officer", "Trần Thị Bình");
    await d.type("#f-deadline", `31/12/${now.getFullYear() + 1}`);
    await d.screenshot(path.join(shots, "82-key-area-form.png"));
    await d.click("[data-test=save]");
    await d.findText("h1", "Khu vực chợ Kon Rốc");
    await d.findText("main.content", "Ma túy; Tội phạm, tệ nạn xã hội");
    // An assessment from the area's page.
    await d.click("[data-test=add-key_area_review]");
    await d.type("#f-date", TODAY);
    await d.select("#f-progress", "chuyen_bien_tot");
    await d.type("#f-findings", "Không phát sinh tụ điểm phức tạp mới.");
    await d.click("[data-test=save]");
    await d.findText("h1", "Đánh giá ngày");
    await d.click("[data-test=nav-dashboard]");
    await d.findText("[data-test=key-areas]", "Đang chuyển hóa");
    await d.exec(`document.querySelector("[data-test=key-areas]").scrollIntoView({ block: "center" });`);
    await d.screenshot(path.join(shots, "83-key-areas-dashboard.png"));
  });

  it("a viewer sees no key area until the chief allows it", async () => {
    await d.click("[data-test=logout]");
    await login(d, "canboxem", VIEWER_PW);
    assert.equal(await d.count("[data-test=nav-key_area]"), 0);
    assert.equal(await d.count("[data-test=key-areas]"), 0);
    await d.click("[data-test=logout]");
    await login(d, "nguyenvanan", CHIEF_PW);
    await d.click("[data-test=nav-accounts]");
    await d.click("[data-test=key-areas-viewers]");
    await d.findText(".notice", "được xem địa bàn trọng điểm");
    await d.click("[data-test=logout]");
    await login(d, "canboxem", VIEWER_PW);
    await d.find("[data-test=nav-key_area]");
    await d.find("[data-test=key-areas]");
  });
});
