// End-to-end: the province's other tables of communes searched and sorted as the roster and the
// figures are («Các xã», «Tổng hợp toàn tỉnh»): the review's periods («Duyệt số liệu»), the targets and
// key areas by commune («Chỉ tiêu, địa bàn trọng điểm»), the communes' tasks and the commune chosen
// for a new inspection («Kiểm tra xã»). A demo province of a dozen communes; for each table a search
// typed without accents (what is typed stays in the box; the rows shown are the ones the command line
// gives for the same search), a column's header clicked both ways (the order the command line gives,
// ▲ then ▼), the page left and come back to: the search and the sort are still there. The review's list
// of communes to send decisions to is searched the same way (what is ticked stays ticked), and so are
// the communes without a registered key beside the roster.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { cleanup, phongtrao, launch, login, scratch, shots } from "./common.mjs";

const DEMO = "phongtrao-demo";

// A word as an officer types it in a hurry: no accents, no đ, lower case.
const plain = (s) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();

describe("the province's tables of communes: search and sort on every page", { timeout: 600_000 }, () => {
  let d;
  let dir;
  let tinh;
  const year = String(new Date().getFullYear());
  const cli = (args) => phongtrao(["province", "--dir", tinh, ...args], { password: DEMO });
  const json = (args) => JSON.parse(cli([...args, "--json"]));

  before(async () => {
    dir = scratch("lists");
    tinh = path.join(dir, "tinh");
    phongtrao(["province", "demo", "--dir", tinh, "--communes", "12"], { password: DEMO });
    // A few periods approved and returned, so that the review's states differ.
    const sent = json(["review", "--period", year, "--state", "sent"]);
    assert.ok(sent.length >= 3, `${sent.length} periods sent`);
    cli(["review", "approve", "--commune", sent[0].commune_code, "--period", sent[0].period]);
    cli(["review", "return", "--commune", sent[2].commune_code, "--period", sent[2].period, "--reason", "Thiếu số liệu"]);
    // A period approved for most other communes, so that the list of decisions to send is long.
    const decided = new Set([sent[0].commune_code, sent[2].commune_code]);
    for (const r of sent) {
      if (decided.has(r.commune_code)) continue;
      decided.add(r.commune_code);
      cli(["review", "approve", "--commune", r.commune_code, "--period", r.period]);
    }
    // Inspections of three communes, with tasks overdue and open in different numbers.
    const iso = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    const codes = [...new Set(sent.map((r) => r.commune_code))].sort().slice(0, 3);
    codes.forEach((code, i) => {
      const tasks = Array.from({ length: i + 1 }, (_, k) => ({
        content: `Khắc phục việc ${k + 1}`,
        responsible: "Trưởng Công an xã",
        deadline: iso(k % 2 === 0 ? -5 : 30),
      }));
      cli(["inspections", "add", "--commune", code, "--json", JSON.stringify({ starts_on: iso(-40),
        leader: "Thượng tá Lê Văn Cường", scope: "Kiểm tra việc thực hiện phong trào", tasks })]);
    });
    d = await launch({
      PHONGTRAO_DB: path.join(dir, "khong-co.db"),
      PHONGTRAO_PROVINCE_DIR: tinh,
      PHONGTRAO_BACKUP_DELAY_SECONDS: "3600",
    });
    await d.find("[data-test=login-province]");
    await login(d, { username: "tinh", password: DEMO, landing: [".brand", "Công an tỉnh Quảng Ngãi"] });
  });

  after(() => cleanup(d, dir));

  /** The rows shown, as `data-code` or `data-code/data-period`. */
  const shown = (row) =>
    d.exec(
      `return [...document.querySelectorAll("[data-test=${row}]")].map((r) => r.dataset.period ? r.dataset.code + "/" + r.dataset.period : r.dataset.code)`,
    );
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  /** Empties a search box as the officer does (WebDriver's clear sends no input event). */
  const empty = async (css) => {
    await d.type(css, "a");
    await d.keys(css, "\uE003");
  };

  it("«Duyệt số liệu»: the communes' periods searched without accents and sorted by the state's name", async () => {
    await d.click("[data-test=pnav-review]");
    await d.findText("h1", "Duyệt số liệu");
    await d.find("[data-test=review-row]");
    const key = (r) => `${r.commune_code}/${r.period}`;
    const all = json(["review", "--period", year]).map(key);
    await d.until("every period", async () => same(await shown("review-row"), all));

    // A name with marks typed without them.
    const names = [...new Set(json(["review", "--period", year]).map((r) => r.commune))];
    const marked = names.find((n) => plain(n) !== n.toLowerCase());
    const typed = plain(marked.split(" ").at(-1));
    await d.type("[data-test=review-search]", typed);
    assert.equal(await d.value("[data-test=review-search]"), typed);
    const found = json(["review", "--period", year, "--search", typed]).map(key);
    assert.ok(found.length > 0 && found.length < all.length, `${found.length}/${all.length}`);
    await d.until("the periods of the communes found", async () => same(await shown("review-row"), found));
    await empty("[data-test=review-search]");
    await d.until("every period again", async () => same(await shown("review-row"), all));
    await d.type("[data-test=review-search]", "khong co xa nay");
    await d.findText("[data-test=review-none]", "Không có xã nào khớp «khong co xa nay».");
    await d.type("[data-test=review-search]", typed);
    // The rows back before a header is clicked (the page is redrawn as they come).
    await d.until("the periods found again", async () => same(await shown("review-row"), found));

    // By the state's name: up (Bị trả lại, Chưa gửi, Đã duyệt, Đã gửi), then down.
    await d.click("[data-test=review-sort-state]");
    await d.findText("[data-test=review-sort-state]", "▲");
    const up = json(["review", "--period", year, "--search", typed, "--sort", "state"]).map(key);
    await d.until("by state, up", async () => same(await shown("review-row"), up));
    await d.click("[data-test=review-sort-state]");
    await d.findText("[data-test=review-sort-state]", "▼");
    const down = json(["review", "--period", year, "--search", typed, "--sort", "state", "--desc"]).map(key);
    await d.until("by state, down", async () => same(await shown("review-row"), down));
    const states = await d.exec(
      `return [...new Set([...document.querySelectorAll("[data-test=review-row]")].map((r) => r.children[3].textContent.trim().split(/\\d/)[0].trim()))]`,
    );
    const order = ["Đã gửi", "Đã duyệt", "Chưa gửi", "Bị trả lại"];
    assert.deepEqual(states, order.filter((s) => states.includes(s)));
    await d.screenshot(path.join(shots, "93-province-review-search-sort.png"));

    // Another page and back: the search and the sort are kept.
    await d.click("[data-test=pnav-communes]");
    await d.find("[data-test=roster-row]");
    await d.click("[data-test=pnav-review]");
    await d.findText("[data-test=review-sort-state]", "▼");
    assert.equal(await d.value("[data-test=review-search]"), typed);
    await d.until("the same rows", async () => same(await shown("review-row"), down));
    // By period down: the latest first, ties by code. The officer waits for every period to come back
    // before clicking a header (the rows are redrawn as they come).
    await empty("[data-test=review-search]");
    const every = json(["review", "--period", year, "--sort", "state", "--desc"]).map(key);
    await d.until("every period, by state down", async () => same(await shown("review-row"), every));
    await d.click("[data-test=review-sort-period]");
    await d.findText("[data-test=review-sort-period]", "▲");
    await d.click("[data-test=review-sort-period]");
    await d.findText("[data-test=review-sort-period]", "▼");
    const byPeriod = json(["review", "--period", year, "--sort", "period", "--desc"]).map(key);
    await d.until("by period, down", async () => same(await shown("review-row"), byPeriod));

    // A decision being written stays open, its note kept, while the officer sorts and searches the
    // table (looking for the next commune): only another period closes it.
    const sentRow = json(["review", "--period", year, "--state", "sent"])[0];
    const at = `[data-test=review-row][data-code='${sentRow.commune_code}'][data-period='${sentRow.period}']`;
    await d.click(`${at} button`);
    await d.click("[data-test=review-approve]");
    await d.type("[data-test=review-note]", "Số liệu khớp biên bản");
    await d.click("[data-test=review-sort-name]");
    await d.findText("[data-test=review-sort-name]", "▲");
    const byName = json(["review", "--period", year, "--sort", "name"]).map(key);
    await d.until("by name", async () => same(await shown("review-row"), byName));
    // Back up to the search box (the open row's panel is below the long table).
    await d.exec(`document.querySelector("[data-test=review-search]").scrollIntoView({ block: "center" })`);
    await d.type("[data-test=review-search]", sentRow.commune_code);
    await d.until("the commune's periods", async () => {
      const rows = await shown("review-row");
      return rows.length > 0 && rows.every((r) => r.startsWith(`${sentRow.commune_code}/`));
    });
    assert.equal(await d.value("[data-test=review-note]"), "Số liệu khớp biên bản");
    assert.equal(await d.count(`${at}.selected`), 1, "the row is still the one open");
    await d.findText("[data-test=review-confirm]", "Duyệt kỳ này");
    await d.clickText("[data-test=review-detail] button", "Thôi");
    await empty("[data-test=review-search]");
    await d.until("every period, by name", async () => same(await shown("review-row"), byName));
  });

  it("«Gửi quyết định cho các xã»: the communes found by typing, what is ticked stays ticked, none ticked is every commune", async () => {
    await d.click("[data-test=pnav-review]");
    await d.findText("h1", "Duyệt số liệu");
    const decided = (more = []) => json(["review", "decided", ...more]);
    const all = decided();
    const codes = (v) => v.communes.map((c) => c.commune_code);
    assert.ok(all.total >= 6, `${all.total} communes decided on`);
    await d.find("[data-test=send-search]");
    await d.until("every commune decided on", async () => same(await shown("send-commune"), codes(all)));
    await d.findText("[data-test=send-picked]", `Chưa chọn xã nào: sẽ ghi gói cho cả ${all.total} xã có quyết định.`);
    await d.findText("[data-test=send-decisions]", `cho cả ${all.total} xã`);

    // One commune ticked, then another found by a word of its name typed without accents.
    const [first] = all.communes;
    const other = all.communes.find((c) => {
      const word = plain(c.commune.split(" ").at(-1));
      const found = codes(decided(["--search", word]));
      return c !== first && found.length < all.total && !found.includes(first.commune_code);
    });
    assert.ok(other, "a commune found without the first");
    const typed = plain(other.commune.split(" ").at(-1));
    const found = decided(["--search", typed]);
    await d.click(`[data-test=send-commune][data-code='${first.commune_code}'] input`);
    await d.findText("[data-test=send-picked]", "Đã chọn 1 xã.");
    await d.type("[data-test=send-search]", typed);
    assert.equal(await d.value("[data-test=send-search]"), typed);
    await d.until("the communes found", async () => same(await shown("send-commune"), codes(found)));
    await d.findText("[data-test=send-found]", `${found.communes.length}/${all.total} xã khớp «${typed}».`);
    await d.findText("[data-test=send-picked]", "Đã chọn 1 xã (1 xã không hiện trong kết quả tìm).");
    await d.click(`[data-test=send-commune][data-code='${other.commune_code}'] input`);
    await d.findText("[data-test=send-picked]", "Đã chọn 2 xã (1 xã không hiện trong kết quả tìm).");
    await d.findText("[data-test=send-decisions]", "Ghi gói quyết định cho 2 xã đã chọn");
    await d.exec(`document.querySelector("[data-test=send]").scrollIntoView({ block: "start" });`);
    await d.screenshot(path.join(shots, "101-province-review-send-search.png"));

    // Written: the two ticked, the hidden one too.
    const usb = path.join(dir, "usb-quyet-dinh");
    fs.mkdirSync(usb, { recursive: true });
    await d.type("[data-test=review-folder]", usb);
    await d.click("[data-test=send-decisions]");
    await d.findText("[data-test=send-said]", "Đã ghi 2 gói quyết định");
    const files = fs.readdirSync(usb);
    assert.equal(files.length, 2, files.join(", "));
    for (const c of [first, other]) assert.ok(files.some((f) => f.includes(c.commune_code)), `${c.commune_code}: ${files}`);

    // The search emptied: both still ticked. Nothing found: said. None ticked: every commune again.
    await empty("[data-test=send-search]");
    await d.until("every commune again", async () => same(await shown("send-commune"), codes(all)));
    const ticked = await d.exec(
      `return [...document.querySelectorAll("[data-test=send-commune] input:checked")].map((i) => i.closest("li").dataset.code)`,
    );
    assert.deepEqual(ticked.sort(), [first.commune_code, other.commune_code].sort());
    await d.findText("[data-test=send-picked]", "Đã chọn 2 xã.");
    await d.type("[data-test=send-search]", "khong co xa nay");
    await d.findText("[data-test=send-none]", "Không có xã nào có quyết định khớp «khong co xa nay».");
    await d.findText("[data-test=send-picked]", "Đã chọn 2 xã (2 xã không hiện trong kết quả tìm).");
    await d.click("[data-test=send-unpick]");
    await d.findText("[data-test=send-picked]", `Chưa chọn xã nào: sẽ ghi gói cho cả ${all.total} xã có quyết định.`);
    await d.findText("[data-test=send-decisions]", `cho cả ${all.total} xã`);
    await empty("[data-test=send-search]");
    await d.until("every commune once more", async () => same(await shown("send-commune"), codes(all)));
  });

  it("«Chỉ tiêu, địa bàn trọng điểm»: the targets and the key areas by commune, each table its own search and sort", async () => {
    await d.click("[data-test=pnav-steer]");
    await d.find("[data-test=targets-row]");
    const codes = (rows) => rows.map((c) => c.commune_code);
    const targets = (more = []) => codes(json(["targets", "--year", year, ...more]).communes);
    const areas = (more = []) => codes(json(["key-areas", ...more]));
    await d.until("every commune's targets", async () => same(await shown("targets-row"), targets()));
    await d.until("every commune's key areas", async () => same(await shown("areas-row"), areas()));

    // The targets: searched without accents; the key areas' table is not narrowed by it.
    const names = json(["targets", "--year", year]).communes.map((c) => c.commune);
    const marked = names.find((n) => plain(n) !== n.toLowerCase());
    const typed = plain(marked.split(" ").at(-1));
    await d.type("[data-test=targets-search]", typed);
    assert.equal(await d.value("[data-test=targets-search]"), typed);
    const found = targets(["--search", typed]);
    assert.ok(found.length > 0 && found.length < names.length, `${found.length}/${names.length}`);
    await d.until("the communes found", async () => same(await shown("targets-row"), found));
    assert.deepEqual(await shown("areas-row"), areas());
    await empty("[data-test=targets-search]");
    // By how many targets are behind: up, then down (ties by code).
    await d.click("[data-test=targets-sort-behind]");
    await d.findText("[data-test=targets-sort-behind]", "▲");
    await d.until("behind, up", async () => same(await shown("targets-row"), targets(["--sort", "behind"])));
    await d.click("[data-test=targets-sort-behind]");
    await d.findText("[data-test=targets-sort-behind]", "▼");
    const down = targets(["--sort", "behind", "--desc"]);
    await d.until("behind, down", async () => same(await shown("targets-row"), down));
    const behind = await d.exec(
      `return [...document.querySelectorAll("[data-test=targets-row]")].map((r) => Number(r.children[2].textContent))`,
    );
    assert.deepEqual(behind, [...behind].sort((a, b) => b - a));

    // The key areas: by name down, then by how many are overdue; searched by code.
    await d.click("[data-test=areas-sort-name]");
    await d.click("[data-test=areas-sort-name]");
    await d.findText("[data-test=areas-sort-name]", "▼");
    await d.until("areas by name, down", async () => same(await shown("areas-row"), areas(["--sort", "name", "--desc"])));
    await d.click("[data-test=areas-sort-overdue]");
    await d.click("[data-test=areas-sort-overdue]");
    await d.findText("[data-test=areas-sort-overdue]", "▼");
    const overdue = areas(["--sort", "overdue", "--desc"]);
    await d.until("areas by overdue, down", async () => same(await shown("areas-row"), overdue));
    const code = overdue[0];
    await d.type("[data-test=areas-search]", code.slice(0, 4));
    const byCode = areas(["--search", code.slice(0, 4), "--sort", "overdue", "--desc"]);
    await d.until("the areas of the codes found", async () => same(await shown("areas-row"), byCode));
    assert.ok(byCode.includes(code));
    await d.exec(`document.querySelector("[data-test=targets-communes]").scrollIntoView({ block: "start" });`);
    await d.screenshot(path.join(shots, "94-province-targets-sorted.png"));
    await d.exec(`document.querySelector("[data-test=province-key-areas]").scrollIntoView({ block: "start" });`);
    await d.screenshot(path.join(shots, "95-province-key-areas-sorted.png"));

    // Another page and back: both tables as they were.
    await d.click("[data-test=pnav-review]");
    await d.find("[data-test=review-row]");
    await d.click("[data-test=pnav-steer]");
    await d.findText("[data-test=targets-sort-behind]", "▼");
    await d.findText("[data-test=areas-sort-overdue]", "▼");
    assert.equal(await d.value("[data-test=areas-search]"), code.slice(0, 4));
    assert.equal(await d.value("[data-test=targets-search]"), "");
    await d.until("the targets as left", async () => same(await shown("targets-row"), down));
    await d.until("the areas as left", async () => same(await shown("areas-row"), byCode));

    // Targets for one commune: picked by typing part of its name; typed but not picked is refused
    // (never taken for every commune).
    const first = json(["targets", "--year", year]).communes[0];
    await d.type("#f-targets-commune", "khong co xa nay");
    await d.findText("#targets-commune-list", "Không có xã đã đăng ký nào khớp");
    await d.type("#t-tuyen_truyen_buoi", "31");
    await d.click("[data-test=targets-save]");
    await d.findText(".field-error", "«khong co xa nay» không phải mã xã");
    await d.type("#f-targets-commune", plain(first.commune));
    await d.clickText("[data-test=option-targets-commune]", first.commune);
    await d.findText("[data-test=chosen-targets-commune]", first.commune);
    await d.type("#t-tuyen_truyen_buoi", "31");
    await d.click("[data-test=targets-save]");
    await d.findText("[data-test=targets-form]", `${first.commune}: Số buổi tuyên truyền 31`);
  });

  it("«Kiểm tra xã»: the communes' tasks searched and sorted; the commune to inspect picked by typing", async () => {
    await d.click("[data-test=pnav-inspections]");
    await d.findText("h1", "Kiểm tra xã");
    await d.find("[data-test=insp-row]");
    const table = (more = []) => json(["inspections", "--communes", ...more]).map((c) => c.commune_code);
    await d.until("every commune with tasks", async () => same(await shown("insp-row"), table()));
    // By overdue tasks, up then down.
    await d.click("[data-test=insp-sort-overdue]");
    await d.findText("[data-test=insp-sort-overdue]", "▲");
    await d.until("overdue, up", async () => same(await shown("insp-row"), table(["--sort", "overdue"])));
    await d.click("[data-test=insp-sort-overdue]");
    await d.findText("[data-test=insp-sort-overdue]", "▼");
    const down = table(["--sort", "overdue", "--desc"]);
    await d.until("overdue, down", async () => same(await shown("insp-row"), down));
    const overdue = await d.exec(
      `return [...document.querySelectorAll("[data-test=insp-row]")].map((r) => Number(r.children[2].textContent))`,
    );
    assert.deepEqual(overdue, [...overdue].sort((a, b) => b - a));
    assert.ok(overdue[0] > overdue.at(-1), JSON.stringify(overdue));
    // Searched without accents.
    const names = json(["inspections", "--communes"]).map((c) => c.commune);
    const marked = names.find((n) => plain(n) !== n.toLowerCase()) ?? names[0];
    const typed = plain(marked.split(" ").at(-1));
    await d.type("[data-test=insp-search]", typed);
    assert.equal(await d.value("[data-test=insp-search]"), typed);
    const found = table(["--search", typed, "--sort", "overdue", "--desc"]);
    assert.ok(found.length > 0 && found.length < names.length, `${found.length}/${names.length}`);
    await d.until("the communes found", async () => same(await shown("insp-row"), found));
    await d.screenshot(path.join(shots, "96-province-inspections-sorted.png"));
    // Another page and back: kept. «Các xã» keeps its own search and sort the same way.
    await d.click("[data-test=pnav-communes]");
    await d.find("[data-test=roster-row]");
    await d.type("[data-test=roster-search]", typed);
    await d.click("[data-test=roster-sort-received]");
    await d.click("[data-test=roster-sort-received]");
    await d.findText("[data-test=roster-sort-received]", "▼");
    const roster = json(["roster", "--period", year, "--search", typed, "--sort", "received", "--desc"]).communes.map(
      (c) => c.commune_code,
    );
    await d.until("the roster found and sorted", async () => same(await shown("roster-row"), roster));
    await d.click("[data-test=pnav-inspections]");
    await d.find("[data-test=insp-row]");
    await d.click("[data-test=pnav-communes]");
    await d.findText("[data-test=roster-sort-received]", "▼");
    assert.equal(await d.value("[data-test=roster-search]"), typed);
    await d.until("the roster as left", async () => same(await shown("roster-row"), roster));
    await d.click("[data-test=pnav-inspections]");
    await d.findText("[data-test=insp-sort-overdue]", "▼");
    assert.equal(await d.value("[data-test=insp-search]"), typed);
    await d.until("the same rows", async () => same(await shown("insp-row"), found));

    // A new inspection: the commune picked from a dozen by typing part of its name without accents.
    await d.click("[data-test=insp-new]");
    await d.find("[data-test=insp-form]");
    const target = names.at(-1);
    const word = plain(target.split(" ").at(-1));
    await d.type("#f-insp-commune", word);
    assert.equal(await d.value("#f-insp-commune"), word);
    await d.findText("[data-test=option-insp-commune]", target);
    const options = await d.exec(
      `return [...document.querySelectorAll("[data-test=option-insp-commune]")].map((o) => o.textContent.trim())`,
    );
    assert.ok(options.every((o) => plain(o).includes(word)), JSON.stringify(options));
    await d.screenshot(path.join(shots, "97-province-inspection-commune-picker.png"));
    await d.clickText("[data-test=option-insp-commune]", target);
    await d.findText("[data-test=chosen-insp-commune]", target);
    // Nothing found: said in Vietnamese.
    await d.click("[data-test=chosen-insp-commune] button");
    await d.type("#f-insp-commune", "khong co xa nay");
    await d.findText("#insp-commune-list", "Không có xã đã đăng ký nào khớp");
  });

  it("«Bản ghi bị cách ly»: the queue narrowed by commune, the counts the whole queue's, kept across pages", async () => {
    await d.click("[data-test=pnav-quarantine]");
    await d.find("[data-test=quarantined]");
    const queue = json(["quarantine"]);
    const summary = await d.text("[data-test=quarantine-summary]");
    assert.match(summary, new RegExp(`^${queue.length} bản ghi sai quy định`));
    const name = queue[0].commune;
    const typed = plain(name.split(" ").at(-1));
    await d.type("[data-test=quarantine-search]", typed);
    assert.equal(await d.value("[data-test=quarantine-search]"), typed);
    const found = json(["quarantine", "--search", typed]).map((i) => i.id);
    assert.ok(found.length > 0 && found.length <= queue.length);
    const cards = () => d.exec(`return [...document.querySelectorAll("[data-test=quarantined]")].map((c) => c.dataset.id)`);
    await d.until("the records of the communes found", async () => same(await cards(), found));
    await d.findText("[data-test=quarantine-found]", `${found.length}/${queue.length} bản ghi của các xã khớp «${typed}».`);
    assert.equal(await d.text("[data-test=quarantine-summary]"), summary);
    await d.screenshot(path.join(shots, "100-province-quarantine-search.png"));
    await d.click("[data-test=pnav-review]");
    await d.find("[data-test=review-row]");
    await d.click("[data-test=pnav-quarantine]");
    assert.equal(await d.value("[data-test=quarantine-search]"), typed);
    await d.until("the same records", async () => same(await cards(), found));
    await d.type("[data-test=quarantine-search]", "khong co xa nay");
    await d.findText("[data-test=quarantine-none]", "Không có bản ghi nào của xã khớp «khong co xa nay».");
  });

  it("«Các xã»: the communes without a registered key narrowed by the roster's search", async () => {
    await d.click("[data-test=pnav-communes]");
    await d.find("[data-test=roster-row]");
    await empty("[data-test=roster-search]");
    const roster = (more = []) => json(["roster", "--period", year, ...more]);
    const missing = roster().not_enrolled;
    assert.ok(missing.length > 50, `${missing.length} communes without a key`);
    const ids = (list) => list.map((c) => c.commune_code);
    await d.findText("[data-test=not-enrolled] h2", `Chưa đăng ký khóa (${missing.length})`);
    await d.until("every commune without a key", async () => same(await shown("not-enrolled-row"), ids(missing)));
    const some = missing.find((c) => plain(c.commune) !== c.commune.toLowerCase());
    const typed = plain(some.commune.split(" ").at(-1));
    await d.type("[data-test=roster-search]", typed);
    const found = roster(["--search", typed]).not_enrolled;
    assert.ok(found.length > 0 && found.length < missing.length, `${found.length}/${missing.length}`);
    await d.until("the communes without a key found", async () => same(await shown("not-enrolled-row"), ids(found)));
    await d.findText("[data-test=not-enrolled-found]", `${found.length}/${missing.length} xã khớp «${typed}».`);
    await d.findText("[data-test=not-enrolled] h2", `Chưa đăng ký khóa (${missing.length})`);
    await d.exec(`document.querySelector("[data-test=not-enrolled]").scrollIntoView({ block: "center" });`);
    await d.screenshot(path.join(shots, "102-province-not-enrolled-search.png"));
    await empty("[data-test=roster-search]");
    await d.until("every commune without a key again", async () => same(await shown("not-enrolled-row"), ids(missing)));
  });

  it("the commune's list: an option column sorts by what it reads as (Vietnamese order of labels), not by its code", async () => {
    // A demo commune on its own laptop.
    const db = path.join(dir, "xa.db");
    phongtrao(["--db", db, "init", "--province-code", "51", "--province", "Quảng Ngãi", "--commune-code", "23535",
      "--commune", "Xã Ia Đal", "--officer", "Nguyễn Văn An"], { password: DEMO });
    phongtrao(["--db", db, "demo"], { password: DEMO });
    await d.quit();
    d = await launch({ PHONGTRAO_DB: db, PHONGTRAO_BACKUP_DELAY_SECONDS: "3600" });
    await login(d, { username: "nguyenvanan", password: DEMO });
    await d.click("[data-test=nav-unit]");
    await d.find(".table td.title");
    const listed = (more) =>
      JSON.parse(phongtrao(["--db", db, "list", "unit", ...more, "--json"], { password: DEMO }));
    // By code the categories would go co_quan_nha_nuoc, doanh_nghiep_…, giao_duc_khac, luc_luong_…;
    // the officer reads them in this order.
    const labels = ["Cơ quan nhà nước", "Cơ sở giáo dục khác", "Doanh nghiệp nhỏ và siêu nhỏ", "Doanh nghiệp vừa và lớn",
      "Đơn vị lực lượng vũ trang", "Tổ chức khác", "Trường mầm non, nhà trẻ", "Trường tiểu học",
      "Trường trung học cơ sở", "Trường trung học phổ thông"];
    const cells = () =>
      d.exec(`return [...document.querySelectorAll(".table tbody tr")].map((r) => [r.children[0].textContent.trim(), r.children[2].textContent.trim()])`);
    const runs = (xs) => xs.filter((x, i) => i === 0 || x !== xs[i - 1]);
    await d.clickText(".table th button.sort", "Phân loại");
    await d.findText(".table th", "Phân loại ▲");
    const up = listed(["--sort", "category"]);
    const codes = runs(up.map((u) => u.category));
    assert.notDeepEqual(codes, [...codes].sort(), "the codes' order differs from the labels'");
    await d.until("by category, up", async () => same((await cells()).map((c) => c[0]), up.map((u) => u.title)));
    const shownUp = runs((await cells()).map((c) => c[1]));
    assert.deepEqual(shownUp, labels.filter((l) => shownUp.includes(l)));
    assert.ok(shownUp.length >= 3, JSON.stringify(shownUp));
    await d.screenshot(path.join(shots, "98-commune-units-by-category.png"));
    await d.clickText(".table th button.sort", "Phân loại");
    await d.findText(".table th", "Phân loại ▼");
    const down = listed(["--sort", "-category"]);
    await d.until("by category, down", async () => same((await cells()).map((c) => c[0]), down.map((u) => u.title)));
    assert.deepEqual(runs((await cells()).map((c) => c[1])), [...shownUp].reverse());
  });
});
