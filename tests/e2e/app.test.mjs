// End-to-end: the real app (tauri-driver + WebKitWebDriver under Xvfb) through an officer's day.
// Run by scripts/test.sh:  xvfb-run -a -s "-screen 0 1366x768x24" node --test tests/e2e/
// PHONGTRAO_APP: the app binary (default target/debug/phongtrao-app). Screenshots go to docs/screenshots/.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { cleanup, drawnWith, launch, scratch, shots, watchFirstDraw } from "./common.mjs";

const PASSWORD = "matkhau-2025";

const settle = () => new Promise((r) => setTimeout(r, 250));

async function kpi(d, name) {
  return d.text(`[data-test=kpi-${name}]`);
}

describe("an officer's day in the window", { timeout: 240_000 }, () => {
  let d;
  let dir;
  let db;

  before(async () => {
    dir = scratch("day");
    db = path.join(dir, "xa.db");
    d = await launch({ PHONGTRAO_DB: db });
  });

  after(() => cleanup(d, dir));

  it("first-run setup picks the commune from the official list, refuses bad fields, then opens the home screen", async () => {
    await d.findText("h1", "Thiết lập lần đầu");
    // The warning about a forgotten password is there before anything is typed.
    assert.match(await d.text("[data-test=password-warning]"), /dữ liệu mất hẳn/);
    await d.click("[data-test=setup-submit]");
    // Every bad field shows its own Vietnamese message; nothing is created.
    assert.match(await d.text("#err-province"), /chưa chọn tỉnh/);
    assert.match(await d.text("#err-password"), /ít nhất 8 ký tự/);
    // The commune waits for its province.
    assert.equal(await d.exec("return document.querySelector('#f-commune').disabled"), true);
    // The province, searched without accents, then picked.
    await d.type("#f-province", "quang ngai");
    await d.clickText("[data-test=option-province]", "Tỉnh Quảng Ngãi");
    assert.match(await d.text("[data-test=chosen-province]"), /Tỉnh Quảng Ngãi · mã 51/);
    // A misspelt commune, typed but not picked: the core names the closest ones.
    await d.type("#f-commune", "ia dai");
    await d.type("#f-officer", "Nguyễn Văn An");
    await d.select("#f-rank", "Đại úy");
    await d.type("#f-password", PASSWORD);
    await d.type("#f-password_again", PASSWORD);
    await d.click("[data-test=setup-submit]");
    // The answer to the second try: only the commune is still wrong.
    await d.until("errors of the second try", async () => (await d.count("#err-province")) === 0);
    assert.match(await d.text("#err-commune"), /có phải: Xã Ia Đal \(23535\)/);
    assert.equal(await d.count("#err-password"), 0);
    await d.screenshot(path.join(shots, "01-setup.png"));
    await d.type("#f-commune", "ia dal");
    await d.findText("[data-test=option-commune]", "Xã Ia Đal");
    await d.screenshot(path.join(shots, "01-setup-commune-list.png"));
    await d.clickText("[data-test=option-commune]", "Xã Ia Đal");
    assert.match(await d.text("[data-test=chosen-commune]"), /Xã Ia Đal · mã 23535/);
    // The pick answers the commune's message.
    assert.equal(await d.count("#err-commune"), 0);
    await d.click("[data-test=setup-submit]");
    await d.findText("h1", "Tổng quan phong trào");
    assert.equal(await kpi(d, "area"), "0");
    assert.match(await d.text(".topbar"), /Đại úy Nguyễn Văn An/);
    // The commune's name as the printed headers write it (CÔNG AN XÃ IA ĐAL): kind and name from the list.
    assert.match(await d.text(".topbar .brand strong"), /^Công an xã Ia Đal$/);
    // An empty commune is told where to begin.
    await d.findText("[data-test=first-step]", "Nhập các khu dân cư của xã");
    await d.screenshot(path.join(shots, "10a-dashboard-first-step.png"));
  });

  it("shows the version, the store's schema and its path in the About box", async () => {
    await d.click("[data-test=about]");
    assert.match(await d.text("[data-test=about-version]"), /^\d+\.\d+\.\d+/);
    assert.match(await d.text("[data-test=about-schema]"), /^phiên bản \d+$/);
    assert.equal(await d.text("[data-test=about-path]"), db);
    await d.screenshot(path.join(shots, "01-about.png"));
    await d.clickText("[data-test=about-box] button", "Đóng");
    await d.until("the About box closed", async () => (await d.count("[data-test=about-box][open]")) === 0);
  });

  it("forbids remote content (Content-Security-Policy)", async () => {
    // An image from outside the app is refused before any request is made (.invalid never resolves).
    const blocked = await d.req("POST", d.s("/execute/async"), {
      script: `const done = arguments[arguments.length - 1];
        document.addEventListener("securitypolicyviolation", (e) => done(e.violatedDirective), { once: true });
        const img = new Image(); img.src = "https://example.invalid/x.png"; setTimeout(() => done("none"), 3000);`,
      args: [],
    });
    assert.match(blocked, /^img-src/);
  });

  it("logs out, refuses a wrong password, logs in", async () => {
    await d.click("[data-test=logout]");
    await d.findText("h1", "Đăng nhập");
    // The store is encrypted: the commune is not shown before login; the keyring names the account.
    assert.equal(await d.value("#f-username"), "nguyenvanan");
    await d.type("#f-password", "sai-mat-khau");
    await d.click("[data-test=login-submit]");
    // The core's refusal, counting towards the account's lock.
    assert.equal(
      await d.text("#err-password"),
      "Tên đăng nhập hoặc mật khẩu không đúng. Còn 4 lần thử trước khi tài khoản bị khóa 5 phút.",
    );
    await d.screenshot(path.join(shots, "02-login-refused.png"));
    assert.equal(await d.count(".topbar"), 0);
    // Where «Đồng bộ với Công an tỉnh» is in the menu when it is first drawn, and whether it moves
    // after (the registers' entries above it arriving later would push it under the pointer).
    await d.exec(`
      window.syncTops = [];
      const seen = () => {
        const b = document.querySelector("[data-test=nav-sync]");
        const top = b && b.getBoundingClientRect().top;
        if (b && top !== window.syncTops.at(-1)) window.syncTops.push(top);
      };
      new MutationObserver(seen).observe(document.body, { childList: true, subtree: true, characterData: true });`);
    await d.type("#f-password", PASSWORD);
    await d.click("[data-test=login-submit]");
    await d.findText("h1", "Tổng quan phong trào");
    assert.match(await d.text(".topbar"), /Đại úy Nguyễn Văn An/);
    await d.find("[data-test=nav-area]");
    assert.equal((await d.exec("return window.syncTops")).length, 1, "the menu's entries stay where they were drawn");
  });

  it("refuses a bad household count, saving nothing, then adds the area", async () => {
    await d.click("[data-test=nav-area]");
    await d.findText("h1", "Khu dân cư");
    await d.click("[data-test=new-record]");
    await d.findText("h1", "Thêm khu dân cư");
    await d.type("#f-name", "Thôn Đắk Năng");
    await d.select("#f-kind", "thon");
    await d.type("#f-households", "-12");
    await d.type("#f-population", "540");
    await d.click("[data-test=save]");
    assert.match(await d.text("#err-households"), /số nguyên không âm/);
    await d.screenshot(path.join(shots, "03-area-form-error.png"));
    // Nothing was saved: the register is still empty.
    await d.clickText(".form button", "Hủy");
    await d.findText(".table td.empty", "Chưa có bản ghi nào.");
    assert.match(await d.text("[data-test=list-total]"), /^0 bản ghi/);
    await d.click("[data-test=new-record]");
    await d.type("#f-name", "Thôn Đắk Năng");
    await d.select("#f-kind", "thon");
    await d.type("#f-population", "540");
    await d.type("#f-households", "131");
    await d.type("#f-households_registered", "120");
    await d.click("[data-test=save]");
    await d.findText("h1", "Thôn Đắk Năng");
    assert.equal(await d.text("dd[data-key=households]"), "131");
    await d.until("the area counted", async () => /\b1$/.test(await d.text("[data-test=nav-area]")));
  });

  it("finds the area by searching without diacritics", async () => {
    await d.click("[data-test=nav-area]");
    await d.type("[data-test=list-search]", "dak nang");
    await d.findText(".table td.title", "Thôn Đắk Năng");
    await d.type("[data-test=list-search]", "khong co thon nay");
    await d.findText(".table td.empty", "Không có bản ghi nào");
    await d.type("[data-test=list-search]", "DAK");
    await d.findText(".table td.title", "Thôn Đắk Năng");
    await d.screenshot(path.join(shots, "04-area-search.png"));
  });

  it("the top search shows what is typed and finds as the officer types, saying why", async () => {
    await d.click("[data-test=nav-dashboard]");
    await d.findText("h1", "Tổng quan phong trào");
    // Ctrl+K puts the caret in the search box.
    await d.press("\uE009", "k");
    assert.equal(await d.exec("return document.activeElement?.dataset.test ?? ''"), "global-search");
    await d.keys("[data-test=global-search]", "dak");
    // The typed text and the caret are readable: dark on the white box (contrast ratio at least 4.5).
    const look = await d.exec(`const el = document.querySelector("[data-test=global-search]");
      const cs = getComputedStyle(el);
      const rgb = (c) => (c.match(/[0-9.]+/g) || []).slice(0, 3).map(Number);
      const lum = (c) => { const v = rgb(c).map((x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
      const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
      return { value: el.value, text: ratio(cs.color, cs.backgroundColor), caret: ratio(cs.caretColor, cs.backgroundColor) };`);
    assert.equal(look.value, "dak");
    assert.ok(look.text >= 4.5 && look.caret >= 4.5, JSON.stringify(look));
    // Results come while typing, before any Enter, each saying which field matched.
    await d.findText("[data-test=search-suggest] .sg-title", "Thôn Đắk Năng");
    assert.match(await d.text("[data-test=search-suggest] [data-test=suggest-why]"), /Tên khu dân cư: «Thôn Đắk Năng»/);
    await d.screenshot(path.join(shots, "08-top-search.png"));
    // More words narrow it; the arrow keys and Enter open the record.
    await d.keys("[data-test=global-search]", " xyz");
    await d.findText("[data-test=search-suggest]", "Không tìm thấy bản ghi nào khớp «dak xyz»");
    await d.press("\uE003");
    await d.press("\uE003");
    await d.press("\uE003");
    await d.press("\uE003");
    await d.findText("[data-test=search-suggest] .sg-title", "Thôn Đắk Năng");
    await d.press("\uE015");
    await d.press("\uE007");
    await d.findText("h1", "Thôn Đắk Năng");
    // Enter with nothing chosen: every result, with why.
    await d.type("[data-test=global-search]", "nang");
    await d.press("\uE007");
    await d.findText("h1", "Kết quả tìm «nang»");
    assert.match(await d.text("[data-test=hit-why]"), /Tên khu dân cư:\s*Thôn Đắk Năng/);
  });

  it("asks before losing a typed form, by keyboard (Alt+2) and by the menu", async () => {
    await d.click("[data-test=nav-area]");
    await d.click("[data-test=new-record]");
    await d.findText("h1", "Thêm khu dân cư");
    // An untouched form is left without a question.
    await d.press("\uE00A", "2");
    await d.findText("h1", "Cơ quan, doanh nghiệp");
    await d.click("[data-test=nav-area]");
    await d.click("[data-test=new-record]");
    await d.type("#f-name", "Thôn Kon Rốc");
    await d.type("#f-households", "95");
    // Alt+2 asks; "Ở lại" keeps the page and what was typed.
    await d.press("\uE00A", "2");
    await d.findText("dialog[open] h2", "Rời trang khi chưa lưu?");
    await d.screenshot(path.join(shots, "09-leave-unsaved.png"));
    await d.click("dialog[open] [data-test=cancel]");
    await d.until("the dialog closed", async () => (await d.count("dialog[open]")) === 0);
    assert.match(await d.text("h1"), /Thêm khu dân cư/);
    assert.equal(await d.value("#f-name"), "Thôn Kon Rốc");
    assert.equal(await d.value("#f-households"), "95");
    // Esc on the question is the same "stay".
    await d.click("[data-test=nav-model]");
    await d.findText("dialog[open] h2", "Rời trang khi chưa lưu?");
    await d.press("\uE00C");
    await d.until("the dialog closed", async () => (await d.count("dialog[open]")) === 0);
    assert.equal(await d.value("#f-name"), "Thôn Kon Rốc");
    // The menu asks too; leaving anyway drops the form.
    await d.click("[data-test=nav-model]");
    await d.click("dialog[open] [data-test=confirm]");
    await d.findText("h1", "Mô hình tự quản");
    await d.click("[data-test=nav-area]");
    await d.findText(".table td.title", "Thôn Đắk Năng");
    assert.equal(await d.count(".table td.title"), 1, "nothing was saved");
    // A saved form leaves without a question.
    await d.clickText(".table td.title button", "Thôn Đắk Năng");
    await d.click("[data-test=edit]");
    await d.type("#f-households_committed", "100");
    // The area's page comes whole: its lists of related records with its title, not after it (they
    // would push each other and the links below under the pointer as they arrived).
    await d.exec(`
      window.listsWithTitle = null;
      new MutationObserver(() => {
        if (window.listsWithTitle === null && document.querySelector("[data-test=edit]"))
          window.listsWithTitle = document.querySelectorAll(".related").length;
      }).observe(document.body, { childList: true, subtree: true });`);
    await d.click("[data-test=save]");
    await d.findText("h1", "Thôn Đắk Năng");
    assert.equal(await d.count("dialog[open]"), 0);
    assert.equal(await d.exec("return window.listsWithTitle"), 4, "models, teams, units, activities with the title");
    // The chief is offered adding to the area (a viewer is not: accounts.test.mjs).
    assert.equal(await d.count("[data-test=add-model]"), 1);
  });

  it("a unit's form offers its kind's categories, and «Thuộc diện xét công nhận» as the core decides", async () => {
    await d.press("\uE00A", "2");
    await d.findText("h1", "Cơ quan, doanh nghiệp");
    await d.click("[data-test=new-record]");
    await d.find("#f-category");
    const offered = () => d.exec("return [...document.querySelectorAll('#f-category option')].map((o) => o.value).filter(Boolean);");
    await d.select("#f-kind", "co_so_giao_duc");
    await d.until("a school's categories only", async () => !(await offered()).includes("co_quan_nha_nuoc"));
    assert.ok((await offered()).includes("tieu_hoc"));
    // A secondary school is subject to the certification; a preschool is not (TT 124).
    await d.select("#f-category", "thcs");
    await d.until("checked for a secondary school", () => d.exec("return document.querySelector('#f-certification_applies').checked;"));
    await d.select("#f-category", "mam_non");
    await d.until("unchecked for a preschool", async () => !(await d.exec("return document.querySelector('#f-certification_applies').checked;")));
    // Another kind: the school's category no longer fits and is cleared, not refused at save.
    await d.select("#f-kind", "co_quan");
    await d.until("category cleared", async () => (await d.value("#f-category")) === "");
    assert.ok(!(await offered()).includes("tieu_hoc"));
    await d.screenshot(path.join(shots, "15-unit-form.png"));
    await d.click("[data-test=nav-area]");
    await d.click("dialog[open] [data-test=confirm]");
    await d.findText("h1", "Khu dân cư");
  });

  it("adds a model, reviews it, replicates it, dissolves it, and the dashboard follows", async () => {
    await d.click("[data-test=nav-model]");
    await d.click("[data-test=new-record]");
    await d.findText("h1", "Thêm mô hình tự quản");
    await d.type("#f-name", "Camera an ninh thôn Đắk Năng");
    await d.select("#f-kind", "tu_bao_ve");
    await d.select("#f-model_type", "camera_an_ninh");
    await d.keys("#f-area_ids", "dak nang");
    await d.clickText(".options li button", "Thôn Đắk Năng");
    await d.type("#f-founded_on", "15/01/2024");
    await d.type("#f-leader", "Y Bhim Niê");
    await d.click("[data-test=save]");
    await d.findText("h1", "Camera an ninh thôn Đắk Năng");
    assert.equal(await d.text("[data-test=model-status]"), "Đang hoạt động");

    await d.click("[data-test=nav-dashboard]");
    await d.findText("h1", "Tổng quan phong trào");
    assert.equal(await kpi(d, "models-active"), "1");
    assert.equal(await kpi(d, "models-dissolved"), "0");
    await d.findText("[data-test=alerts] summary", "Mô hình «Camera an ninh thôn Đắk Năng» chưa sơ kết quá 12 tháng");
    assert.equal(await d.count("[data-test=first-step]"), 0, "no «where to begin» once there is data");
    // Past the first quarter, the area not registered for the certification is under «Cần chú ý».
    if (new Date().getMonth() >= 4) {
      await d.findText("[data-test=alerts] summary", "trễ hạn xét công nhận «An toàn về ANTT»");
    }

    // Review it (today, sơ kết, hiệu quả): the alert goes away.
    await d.clickText("[data-test=alerts] summary", "chưa sơ kết");
    await d.clickText("[data-test=alerts] button.link", "Camera an ninh");
    // The review's form opens with its fields, «Lưu sơ kết» below them from the start.
    await watchFirstDraw(d, "[data-test=save-review]", ["#f-rating", "#f-notes"]);
    await d.click("[data-test=review]");
    await d.find("[data-test=save-review]");
    assert.deepEqual(await drawnWith(d), ["#f-rating", "#f-notes"]);
    await d.select("#f-rating", "hieu_qua");
    await d.type("#f-notes", "Camera hoạt động tốt, góp phần phát hiện 2 vụ trộm.");
    await d.click("[data-test=save-review]");
    await d.findText("[data-test=reviews] td", "Sơ kết");
    await d.screenshot(path.join(shots, "05-model-reviewed.png"));
    await d.click("[data-test=nav-dashboard]");
    await d.findText("h1", "Tổng quan phong trào");
    await d.find("[data-test=kpi-models-active]");
    const alerts = await d.exec("return document.querySelector('[data-test=alerts]')?.textContent ?? ''");
    assert.doesNotMatch(alerts, /chưa sơ kết/);

    // Replicate it to a second area: a new model linked to its origin.
    await d.click("[data-test=nav-area]");
    await d.click("[data-test=new-record]");
    await d.type("#f-name", "Buôn Ea Kiết");
    await d.select("#f-kind", "buon");
    await d.type("#f-households", "88");
    await d.type("#f-households_registered", "88");
    await d.type("#f-population", "402");
    await d.click("[data-test=save]");
    await d.findText("h1", "Buôn Ea Kiết");
    await d.click("[data-test=nav-model]");
    await d.clickText(".table td.title button", "Camera an ninh thôn Đắk Năng");
    await d.click("[data-test=replicate]");
    await d.keys("#f-replicate-area", "ea kiet");
    // Picked by the keyboard: the list shows the area found, highlighted; Enter takes it.
    await d.findText(".options li[aria-selected=true] button", "Buôn Ea Kiết");
    await d.press("\uE007");
    // The keyboard stays in the form: on the chosen area's «×», not lost to the top of the page.
    assert.equal(
      await d.exec("return document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName"),
      "Bỏ chọn Buôn Ea Kiết",
    );
    // Name and founding date can be changed before the model is created (the name left as suggested).
    assert.match(await d.exec("return document.querySelector('[data-test=replicate-name]').placeholder"), /Camera an ninh thôn Đắk Năng \(tên khu dân cư\)/);
    await d.type("[data-test=replicate-founded]", "01/03/2025");
    await d.click("[data-test=save-replicate]");
    await d.findText("h1", "Camera an ninh thôn Đắk Năng (Buôn Ea Kiết)");
    await d.findText(".values", "01/03/2025");
    await d.findText(".history p", "Nhân rộng từ: Camera an ninh thôn Đắk Năng");

    // Dissolve the original with a reason: read-only, counted as dissolved; its replica lives on.
    await d.clickText(".history button.link", "Camera an ninh thôn Đắk Năng");
    await d.findText(".history", "Camera an ninh thôn Đắk Năng (Buôn Ea Kiết)");
    await d.click("[data-test=dissolve]");
    await d.click("[data-test=confirm]");
    assert.match(await d.text("#err-dissolution_reason"), /không được để trống/);
    await d.type("#f-dissolution_reason", "Khu vực đã có camera của xã; mô hình không còn cần thiết.");
    await d.click("[data-test=confirm]");
    await d.until("dissolved", async () => (await d.text("[data-test=model-status]")) === "Đã giải thể");
    assert.equal(await d.count("[data-test=review]"), 0);
    await d.screenshot(path.join(shots, "06-model-dissolved.png"));

    await d.click("[data-test=nav-dashboard]");
    await d.findText("h1", "Tổng quan phong trào");
    await d.until("dashboard updated", async () => (await kpi(d, "models-dissolved")) === "1");
    assert.equal(await kpi(d, "models-active"), "1");
    await d.findText("[data-test=alerts] summary", "Thôn Đắk Năng chưa có mô hình tự quản đang hoạt động");
  });

  it("opens at the login screen on the next start", async () => {
    // The window closed and the app started again, a new process (as every other file restarts it:
    // a new session asked of the same driver just after the old one was deleted hung once here, for
    // the whole suite's four minutes, before the app was started).
    await d.quit();
    d = await launch({ PHONGTRAO_DB: db });
    await d.findText("h1", "Đăng nhập");
    await d.screenshot(path.join(shots, "07-login.png"));
    await d.type("#f-password", PASSWORD);
    await d.click("[data-test=login-submit]");
    await d.findText("h1", "Tổng quan phong trào");
    assert.equal(await kpi(d, "area"), "2");
  });
});

describe("the demo commune", { timeout: 240_000 }, () => {
  let d;
  let dir;

  before(async () => {
    dir = scratch("demo");
    d = await launch({ PHONGTRAO_DB: path.join(dir, "demo.db") });
  });

  after(() => cleanup(d, dir));

  it("opens the demo commune logged in as its chief, who logs in again with the demo password", async () => {
    await d.click("[data-test=open-demo]");
    await d.findText("h1", "Tổng quan phong trào", 60000);
    assert.match(await d.text(".topbar"), /Thiếu tá Nguyễn Văn An/);
    await d.click("[data-test=logout]");
    await d.findText("h1", "Đăng nhập");
    assert.equal(await d.value("#f-username"), "nguyenvanan");
    await d.type("#f-password", "phongtrao-demo");
    await d.click("[data-test=login-submit]");
    await d.findText("h1", "Tổng quan phong trào");
    await d.find("[data-test=alerts]");
    await settle();
    await d.screenshot(path.join(shots, "10-dashboard.png"));

    await d.click("[data-test=nav-area]");
    await d.find(".table td.title");
    await settle();
    await d.screenshot(path.join(shots, "11-areas.png"));

    await d.click("[data-test=nav-model]");
    await d.find(".table td.title");
    await d.select(".toolbar .filter select", "tu_quan");
    await settle();
    await d.screenshot(path.join(shots, "12-models-filtered.png"));
    await d.click(".table td.title button");
    await d.find("[data-test=model-status]");
    await settle();
    await d.screenshot(path.join(shots, "13-model.png"));

    await d.click("[data-test=nav-member]");
    await d.find(".table td.title");
    await d.click(".table td.title button");
    await d.click("[data-test=edit]");
    await d.find("#f-full_name");
    await settle();
    await d.screenshot(path.join(shots, "14-member-form.png"));
  });
});
