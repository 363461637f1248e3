// End-to-end: an inspection of a commune by the province, round trip through the real windows at
// both ends (issue 17). In the province's window the inspection is made (every error of the form and
// of its tasks named first), and its decision bundle written to the stick. In the commune's window the
// bundle is imported: the inspection and its tasks are there, the officer answers a task, and the
// commune's chief is offered no verdict. The answer goes up (command line, as the USB trip); in the
// province's window the answer is judged "chưa đạt" (a reason required) and the bundle written again;
// the commune imports it and sees the verdict and its reason. The inspection's documents are previewed
// at the province.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { cleanup, day, decisions, enroll, importDecision, openAs as openWindowAs, phongtrao, provinceAndCommune, shots }
  from "./common.mjs";

describe("an inspection by the province travels down, its answer up, its verdict down", { timeout: 600_000 }, () => {
  let d;
  let dir;
  let db;
  let tinh;
  let usb;

  /** Opens the window on the province's store (no commune store) or the commune's. */
  const openAs = async (where) => (d = await openWindowAs(d, where, { dir, db, tinh }));

  async function openInspection() {
    await d.click("[data-test=nav-inspection]");
    await d.clickText("table button", "Công an tỉnh kiểm tra Công an xã");
    await d.findText("[data-test=by-province]", "Công an tỉnh đánh giá");
  }

  before(async () => {
    let enrollment;
    ({ dir, db, tinh, usb, enrollment } = provinceAndCommune("inspect-province"));
    enroll(db, "23535", tinh, enrollment);
  });

  after(() => cleanup(d, dir));

  it("the province makes the inspection (every error named first) and writes the commune's bundle", async () => {
    await openAs("tinh");
    await d.click("[data-test=pnav-inspections]");
    await d.findText("h1", "Kiểm tra xã");
    await d.findText("[data-test=insp-communes]", "Chưa có nhiệm vụ khắc phục nào");
    await d.click("[data-test=insp-new]");
    await d.find("[data-test=insp-form]");
    // The commune picked by typing part of its name without accents.
    await d.type("#f-insp-commune", "ia dal");
    await d.clickText("[data-test=option-insp-commune]", "Xã Ia Đal");
    assert.match(await d.text("[data-test=chosen-insp-commune]"), /Xã Ia Đal · mã 23535/);
    await d.type("[data-test=insp-starts_on]", day(-10));
    await d.type("[data-test=insp-task-1-content]", "Kiện toàn Tổ bảo vệ an ninh, trật tự thôn 3");
    await d.type("[data-test=insp-task-1-responsible]", "Trưởng Công an xã");
    await d.type("[data-test=insp-task-1-deadline]", day(-20));
    await d.click("[data-test=insp-save]");
    await d.findText("[data-test=insp-err-leader]", "không được để trống");
    await d.findText("[data-test=insp-err-task-1-deadline]", "không được trước ngày bắt đầu kiểm tra");
    await d.findText("[data-test=insp-errors]", "trường chưa hợp lệ");
    await d.exec(`document.querySelector("main").scrollTo(0, 0);`);
    await d.screenshot(path.join(shots, "65-inspect-province-new.png"));
    await d.type("[data-test=insp-leader]", "Thượng tá Lê Văn Cường");
    // Two lines (WebDriver types no line break): set as the officer would paste them.
    await d.select("[data-test=insp-team]", "Thiếu tá Phạm Thị Dung\nĐại úy Nguyễn Minh Tâm");
    await d.type("[data-test=insp-decision_number]", "120/QĐ-CAT-PV05");
    await d.type("[data-test=insp-scope]", "Công tác xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc năm nay.");
    await d.type("[data-test=insp-strengths]", "Duy trì tốt các mô hình tự quản");
    await d.type("[data-test=insp-shortcomings]", "Hồ sơ Tổ bảo vệ an ninh, trật tự chưa đầy đủ");
    await d.type("[data-test=insp-task-1-deadline]", day(10));
    await d.click("[data-test=insp-add-task]");
    await d.type("[data-test=insp-task-2-content]", "Bổ sung hồ sơ các Tổ bảo vệ an ninh, trật tự");
    await d.type("[data-test=insp-task-2-responsible]", "Phó Trưởng Công an xã");
    await d.type("[data-test=insp-task-2-deadline]", day(20));
    await d.click("[data-test=insp-save]");
    await d.findText("[data-test=insp-opened] h2", "Công an tỉnh kiểm tra Công an xã Ia Đal");
    await d.findText("[data-test=insp-opened]", "2 đang thực hiện, 0 quá hạn, 0 đã hoàn thành");
    await d.type("[data-test=insp-folder]", usb);
    await d.click("[data-test=insp-send]");
    await d.findText("[data-test=insp-said]", "Đã ghi gói quyết định cho xã");
    assert.equal(decisions(usb).length, 1, "the decision bundle is on the stick");
    await d.exec(`document.querySelector("main").scrollTo(0, 0);`);
    await d.screenshot(path.join(shots, "66-inspect-province-sent.png"));
  });

  it("the commune imports it, answers a task, and is offered no verdict", async () => {
    await openAs("xa");
    const said = await importDecision(d, usb);
    assert.match(said, /Đã nhận cuộc kiểm tra: Công an tỉnh kiểm tra Công an xã/);
    assert.match(said, /2 nhiệm vụ khắc phục Công an tỉnh giao/);
    await openInspection();
    await d.findText("[data-test=finding-shortcomings]", "Hồ sơ Tổ bảo vệ an ninh, trật tự chưa đầy đủ");
    const first = "[data-test^=task-]:first-of-type";
    await d.findText(`${first} [data-test=task-state]`, "Còn 10 ngày");
    await d.click(`${first} [data-test=answer]`);
    await d.find("[data-test=answer-form]");
    await d.type("#f-content", "Đã họp kiện toàn tổ; chờ quyết định của Ủy ban nhân dân xã.");
    await d.click("[data-test=save-answer]");
    await d.findText(`${first} [data-test=task-state]`, "Đã báo cáo, chờ đánh giá");
    assert.equal(await d.count("[data-test=accept]"), 0, "the commune's chief does not judge the province's tasks");
    assert.equal(await d.count("[data-test=edit-task]") + await d.count("[data-test=add-task]"), 0, "nor edits them");
    await d.screenshot(path.join(shots, "64-inspect-province.png"));
    await d.quit();
    d = null;
    const out = phongtrao(["--db", db, "bundle", "export", "--out", usb]).trim();
    const imported = phongtrao(["province", "--dir", tinh, "import", out, "--receipt-out", usb]);
    assert.doesNotMatch(imported, /cách ly: [1-9]/);
  });

  it("the province judges the answer not enough, with a reason, and previews the documents", async () => {
    await openAs("tinh");
    await d.click("[data-test=pnav-inspections]");
    await d.findText("[data-test=insp-communes]", "Xã Ia Đal (23535)");
    await d.click("[data-test=insp-open]");
    await d.findText("[data-test=insp-answer]", "Đã họp kiện toàn tổ");
    await d.findText("[data-test=insp-verdict]", "Chờ đánh giá");
    await d.click("[data-test=insp-not-enough]");
    await d.click("[data-test=insp-not-enough-save]");
    await d.findText("[data-test=insp-reason-error]", "phải ghi lý do khi đánh giá chưa đạt");
    await d.type("[data-test=insp-reason]", "Chưa có quyết định kiện toàn tổ của Ủy ban nhân dân xã.");
    await d.click("[data-test=insp-not-enough-save]");
    await d.findText("[data-test=insp-verdict]", "Chưa đạt, phải khắc phục tiếp");
    await d.findText("[data-test=insp-answer]", "Chưa có quyết định kiện toàn tổ");
    assert.equal(await d.count("[data-test=insp-accept]"), 0, "a verdict is final");
    await d.type("[data-test=insp-folder]", usb);
    await d.click("[data-test=insp-send]");
    await d.findText("[data-test=insp-said]", "Đã ghi gói quyết định cho xã");
    assert.equal(decisions(usb).length, 2);
    await d.exec(`document.querySelector("[data-test=insp-answer]").scrollIntoView({ block: "center" });`);
    await d.screenshot(path.join(shots, "67-inspect-province-review.png"));
    await d.click("[data-test=insp-print-tb]");
    await d.find("#inspection-preview[data-drawn=thong-bao-ket-luan-kiem-tra]", 30000);
    await d.screenshot(path.join(shots, "68-inspect-province-print.png"));
    // The form shown is saved to a file under the next number of the province's register, and the
    // file reads back in Vietnamese; saved again it keeps its number, unless «Cấp số mới».
    const pdf = path.join(usb, "thong-bao-ket-luan.pdf");
    await d.type("[data-test=insp-pdf-out]", pdf);
    await d.click("[data-test=insp-pdf-save]");
    await d.findText("[data-test=insp-said]", "Đã cấp số 01/TB-CAT ngày");
    const text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
    assert.match(text, /THÔNG BÁO/);
    assert.match(text, /Số: 01\/TB-CAT/);
    assert.match(text, /Kiện toàn Tổ bảo vệ an ninh, trật tự thôn 3/);
    const again = path.join(usb, "thong-bao-ket-luan-lan-2.pdf");
    await d.type("[data-test=insp-pdf-out]", again);
    await d.click("[data-test=insp-pdf-save]");
    await d.findText("[data-test=insp-said]", "Đã in lại Thông báo kết luận kiểm tra số 01/TB-CAT");
    assert.match(execFileSync("pdftotext", [again, "-"], { encoding: "utf8" }), /Số: 01\/TB-CAT/);
    await d.click("[data-test=insp-pdf-new]");
    await d.click("[data-test=insp-pdf-save]");
    await d.findText("[data-test=insp-said]", "Đã cấp số 02/TB-CAT");
    await d.find("#inspection-preview[data-drawn=thong-bao-ket-luan-kiem-tra]", 30000);
    // Let the window paint the preview it drew before the picture is taken (no check depends on it).
    await new Promise((r) => setTimeout(r, 1000));
    await d.screenshot(path.join(shots, "68b-inspect-province-numbered.png"));
  });

  it("the commune imports the verdict and sees it with its reason", async () => {
    await openAs("xa");
    const said = await importDecision(d, usb);
    assert.match(said, /Công an tỉnh đánh giá nhiệm vụ «Kiện toàn Tổ bảo vệ an ninh, trật tự thôn 3»: Chưa đạt/);
    await openInspection();
    const first = "[data-test^=task-]:first-of-type";
    await d.findText(`${first} [data-test=verdict]`, "Chưa đạt, phải khắc phục tiếp");
    await d.findText(`${first} [data-test=verdict]`, "Chưa có quyết định kiện toàn tổ");
    await d.findText(`${first} [data-test=task-state]`, "Chưa đạt, còn 10 ngày");
    await d.screenshot(path.join(shots, "69-inspect-commune-verdict.png"));
  });
});
