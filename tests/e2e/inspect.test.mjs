// End-to-end: inspections and remediation in the real window (issue 17). The commune police
// inspected one of its areas and set two tasks (recorded with the command line, as a clerk would from
// the paper minutes): one past its deadline, one still open. The dashboard counts them; the task list
// shows each task's state as the core decides it; on the inspection's page the officer answers a task
// with an activity as evidence, the chief judges the answer "not enough" (a reason is required), the
// unit answers again and the chief accepts it: the task is done and can no longer be answered.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { cleanup, day, drawnWith, initCommune, launch, login, ownHome, run, scratch, shots, watchFirstDraw } from "./common.mjs";

describe("inspections and remediation in the window", { timeout: 300_000 }, () => {
  let d;
  let dir;
  let db;
  let inspection;

  before(async () => {
    dir = scratch("inspect");
    db = path.join(dir, "xa.db");
    initCommune(db);
    const area = run(db, ["add", "area", "--json", JSON.stringify({
      name: "Thôn Đắk Năng", kind: "thon", households: 210, population: 860 })]).trim();
    run(db, ["add", "activity", "--json", JSON.stringify({
      category: "tuyen_truyen", date: day(-1), title: "Họp dân phổ biến sổ theo dõi tin báo", area_id: area,
      form: "hop_dan", topic: "Sổ theo dõi tin báo, tố giác",
      attendances: 42 })]);
    inspection = run(db, ["inspection", "add", "--json", JSON.stringify({
      by: "xa", area_id: area, starts_on: day(-30), ends_on: day(-29), leader: "Lê Văn Hùng",
      team: ["Trần Thị Bình", "Nguyễn Văn Cường"], decision_number: "15/QĐ-CAX", decision_date: day(-35),
      place: "Nhà văn hóa Thôn Đắk Năng", representative: "Rơ Mah Hlim",
      scope: "Việc duy trì mô hình tự quản và hoạt động của Tổ bảo vệ an ninh, trật tự.",
      strengths: "Chi bộ quan tâm lãnh đạo phong trào\nTổ bảo vệ an ninh, trật tự tuần tra đều đặn",
      shortcomings: "Sổ theo dõi tin báo ghi chép chưa đầy đủ\nChưa sơ kết mô hình «Camera an ninh»",
      conclusion: "Thôn cơ bản thực hiện tốt phong trào; khắc phục ngay các hạn chế nêu trên.",
      tasks: [
        { content: "Bổ sung đầy đủ sổ theo dõi tin báo, tố giác", responsible: "Trưởng thôn Rơ Mah Hlim", deadline: day(-5) },
        { content: "Tổ chức sơ kết mô hình «Camera an ninh», có biên bản", responsible: "Tổ bảo vệ ANTT Thôn Đắk Năng", deadline: day(20) },
      ] })]).trim();
    d = await launch({ PHONGTRAO_DB: db, PHONGTRAO_BACKUP_DELAY_SECONDS: "3600", ...ownHome(dir).env });
  });

  after(() => cleanup(d, dir));

  it("counts open and overdue tasks on the dashboard and lists them with their state", async () => {
    await login(d, { username: "nguyenvanan" });
    assert.equal(await d.text("[data-test=kpi-remedies-open]"), "2");
    assert.equal(await d.text("[data-test=kpi-remedies-overdue]"), "1");
    await d.findText("[data-test=alerts]", "Nhiệm vụ khắc phục «Bổ sung đầy đủ sổ theo dõi tin báo, tố giác» đã quá hạn");
    await d.screenshot(path.join(shots, "60-inspect-dashboard.png"));

    // The tabs come with the list's date line above them, not before it (it pushed them down).
    await watchFirstDraw(d, "[data-test=tab-all]", ["remedies-today"]);
    await d.click("[data-test=kpi-remedies]");
    await d.findText("h1", "Nhiệm vụ khắc phục sau kiểm tra");
    await d.find("[data-test=tab-all]");
    assert.deepEqual(await drawnWith(d), ["remedies-today"]);
    // Overdue first (the dashboard's tile opens that state).
    await d.findText("[data-test=remedies]", "Quá hạn 5 ngày");
    assert.equal(await d.count("[data-test=remedies] tbody tr"), 1);
    await d.click("[data-test=tab-all]");
    await d.findText("[data-test=remedies]", "Còn 20 ngày");
    assert.equal(await d.count("[data-test=remedies] tbody tr"), 2);
    await d.findText("[data-test=tab-overdue]", "1");
    await d.screenshot(path.join(shots, "61-inspect-tasks.png"));
  });

  it("answers a task with evidence; the chief returns it with a reason, then accepts the next answer", async () => {
    await d.clickText("[data-test=remedies] button", "Bổ sung đầy đủ sổ theo dõi tin báo");
    await d.findText("[data-test=inspection-title]", "Công an xã kiểm tra Thôn Đắk Năng");
    await d.findText("[data-test=finding-shortcomings]", "Sổ theo dõi tin báo ghi chép chưa đầy đủ");
    await d.findText("[data-test=inspection-counts]", "2 nhiệm vụ: 1 đang thực hiện, 1 quá hạn, 0 đã hoàn thành");
    const first = "[data-test^=task-]:first-of-type";
    await d.findText(`${first} [data-test=task-state]`, "Quá hạn 5 ngày");
    await d.click(`${first} [data-test=answer]`);
    await d.find("[data-test=answer-form]");
    // Saving without the content names the field.
    await d.click("[data-test=save-answer]");
    await d.findText("[data-test=answer-form]", "Kết quả đã khắc phục");
    await d.type("#f-content", "Đã bổ sung sổ theo dõi tin báo từ tháng 10; họp dân phổ biến.");
    await d.type("#f-activity_ids", "Họp dân");
    await d.clickText("#f-activity_ids-list button", "Họp dân phổ biến sổ theo dõi tin báo");
    await d.click("[data-test=save-answer]");
    await d.findText(`${first} [data-test=task-state]`, "Quá hạn 5 ngày, chờ đánh giá báo cáo");
    await d.findText(`${first} [data-test=answers]`, "Họp dân phổ biến sổ theo dõi tin báo");

    // Not enough: a reason is required.
    await d.click(`${first} [data-test=not-enough]`);
    await d.click("dialog[open] [data-test=confirm]");
    await d.findText("dialog[open]", "phải ghi lý do khi đánh giá chưa đạt");
    await d.type("[data-test=verdict-reason]", "Sổ còn thiếu tin báo tháng 12.");
    await d.click("dialog[open] [data-test=confirm]");
    await d.findText(`${first} [data-test=verdict]`, "Chưa đạt, phải khắc phục tiếp");
    await d.findText(`${first} [data-test=verdict]`, "Sổ còn thiếu tin báo tháng 12.");
    await d.findText(`${first} [data-test=task-state]`, "Quá hạn 5 ngày");

    // The second answer, accepted: the task is done and offers no more answers.
    await d.click(`${first} [data-test=answer]`);
    await d.type("#f-content", "Đã bổ sung đủ tin báo tháng 12.");
    await d.click("[data-test=save-answer]");
    await d.findText(`${first} [data-test=task-state]`, "chờ đánh giá");
    await d.click(`${first} [data-test=accept]`);
    await d.click("dialog[open] [data-test=confirm]");
    await d.findText(`${first} [data-test=task-state]`, "Đã hoàn thành");
    assert.equal(await d.count(`${first} [data-test=answer]`), 0);
    await d.findText("[data-test=inspection-counts]", "1 đang thực hiện, 0 quá hạn, 1 đã hoàn thành");
    await d.screenshot(path.join(shots, "62b-inspect-task-answered.png"));
    await d.exec(`document.querySelector("main").scrollTo(0, 0);`);
    await d.screenshot(path.join(shots, "62-inspect-page.png"));

    // The same state through the command line (one core).
    const shown = run(db, ["inspection", "show", inspection]);
    assert.match(shown, /\[Đã hoàn thành \(\d\d\/\d\d\/\d{4}\)\] Bổ sung đầy đủ sổ theo dõi tin báo/);
    assert.match(shown, /Chưa đạt, phải khắc phục tiếp .*\n.*Nhận xét: Sổ còn thiếu tin báo tháng 12\./);
  });

  it("previews the Biên bản kiểm tra from the inspection's page, then numbers it", async () => {
    await d.findText("[data-test=print-panel]", "Biên bản kiểm tra");
    await d.click("[data-test=print-bien-ban-kiem-tra]");
    await d.findText("[data-test=print-note]", "chưa lấy số");
    await d.until("the preview's pages", async () => (await d.count("[data-test=print-preview] canvas.pdf-page")) >= 1);
    await d.click("[data-test=print-save]");
    await d.findText("[data-test=print-saved]", "01/BB-CAX");
    await d.findText("[data-test=print-panel]", "Văn bản đã lưu –", 20000);
    await d.exec(`document.querySelector("[data-test=print-panel]").scrollIntoView({ block: "start" });`);
    await d.screenshot(path.join(shots, "63-inspect-print.png"));
  });
});
