// End-to-end: the province's drill-down searched, filtered, sorted and paged as the commune's own
// lists are. A demo province and one more commune with three times the demo's records (more sessions
// than a page holds); a figure of the province's table opened to the communes behind it, then to one
// commune's records; a search typed without accents and a filter by hamlet narrow them (decided in
// the core: the page only sends what was typed and chosen), the count against the figure says so;
// one record opened read-only and back, another page visited and back: the search and the filter are
// still there; the table exported as filtered. Then a column sorted both ways (the order the command
// line gives for the same sort), the second page and back, and the page and sort kept when the
// officer opens a record or leaves the page and comes back, as the commune's list keeps them.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import fs from "node:fs";
import { cleanup, phongtrao, launch, login, readXlsx, scratch, shots } from "./common.mjs";

const DEMO = "phongtrao-demo";
const BIG = "21499";

// A word as an officer types it in a hurry: no accents, no đ, lower case.
const plain = (s) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();

describe("the province's drill-down: search and filters as the commune's lists", { timeout: 600_000 }, () => {
  let d;
  let dir;
  let tinh;

  before(async () => {
    dir = scratch("drill");
    tinh = path.join(dir, "tinh");
    phongtrao(["province", "demo", "--dir", tinh, "--communes", "4"], { password: DEMO });
    // Xã Ba Dinh: a demo commune at scale 3 (76 sessions this year), enrolled and imported.
    const db = path.join(dir, "xa.db");
    const usb = path.join(dir, "usb");
    fs.mkdirSync(usb);
    const enrollment = fs.readdirSync(tinh).find((f) => f.includes("ghi-danh"));
    for (const args of [
      ["--db", db, "init", "--province-code", "51", "--province", "Quảng Ngãi", "--commune-code", BIG,
        "--commune", "Xã Ba Dinh", "--officer", "Nguyễn Văn An"],
      ["--db", db, "demo", "--scale", "3"],
      ["--db", db, "enroll", path.join(tinh, enrollment)],
      ["--db", db, "key", "export-pub", "--out", path.join(dir, "xa.pub")],
      ["province", "--dir", tinh, "register", "--commune-code", BIG, "--pubkey", path.join(dir, "xa.pub")],
      ["--db", db, "bundle", "export", "--out", usb],
      ["province", "--dir", tinh, "import", usb],
    ]) {
      phongtrao(args, { password: DEMO });
    }
    d = await launch({
      PHONGTRAO_DB: path.join(dir, "khong-co.db"),
      PHONGTRAO_PROVINCE_DIR: tinh,
      PHONGTRAO_BACKUP_DELAY_SECONDS: "3600",
    });
    await d.find("[data-test=login-province]");
    await login(d, { username: "tinh", password: DEMO, landing: [".brand", "Công an tỉnh Quảng Ngãi"] });
  });

  after(() => cleanup(d, dir));

  const rows = () => d.count("[data-test=behind-row]");
  // How many records the search and filters keep (every page), from the pager's line.
  const kept = async () => Number((await d.text("[data-test=behind-range]")).match(/(\d+) bản ghi/)[1]);
  const titles = () =>
    d.exec("return [...document.querySelectorAll('[data-test=behind-row] td:first-child')].map((t) => t.textContent.trim())");
  // The cells of one column (by its header) of the records shown.
  const column = (label) =>
    d.exec(`
      const heads = [...document.querySelectorAll("[data-test=behind] thead th")].map((t) => t.textContent.replace(/[▲▼]/g, "").trim());
      const i = heads.indexOf(arguments[0]);
      return [...document.querySelectorAll("[data-test=behind-row]")].map((r) => r.children[i]?.textContent.trim());`, label);

  it("searches a commune's records without accents, filters them by hamlet, and keeps both", async () => {
    const key = "ind:tuyen_truyen_buoi";
    await d.click("[data-test=pnav-figures]");
    await d.find("[data-test=figures-total]");
    await d.exec("document.querySelector(arguments[0]).scrollIntoView({ block: 'center', inline: 'center' })", `[data-test='drill-${key}']`);
    await d.click(`[data-test='drill-${key}']`);
    await d.findText("[data-test=drill-title]", "Số buổi tuyên truyền");
    // The trend comes in above the communes: wait for it, so that nothing moves under the click.
    await d.find("[data-test=trend]");
    await d.painted();
    // The commune with the most sessions, and the figure beside it.
    const [code, figure] = await d.exec(`
      const rows = [...document.querySelectorAll("[data-test=drill-commune]")];
      const n = (r) => Number(r.querySelector("td.num").textContent.replace(/\\./g, ""));
      const best = rows.sort((a, b) => n(b) - n(a))[0];
      return [best.dataset.code, n(best)];`);
    assert.ok(figure > 1, `a commune with sessions to narrow: ${figure}`);
    await d.click(`[data-test=drill-commune][data-code='${code}'] button`);
    await d.find("[data-test=behind-row]");
    const all = await kept();
    assert.equal(await rows(), Math.min(all, 50), "a page of 50 at most");
    // Every record behind the figure, adding up to it.
    await d.findText("[data-test=behind-summary]", `${all} bản ghi, cộng lại đúng số «Số buổi tuyên truyền» của xã: ${figure}.`);

    // A word of a record's title typed without accents finds it (the core folds, not the page).
    const first = (await titles())[0];
    // Its last word with accents, typed without them (else its last long word).
    const words = first.split(/\s+/).filter((w) => w.length > 3);
    const word = plain(words.filter((w) => plain(w) !== w.toLowerCase()).pop() ?? words.pop());
    await d.type("[data-test=behind-search]", word);
    await d.findText("[data-test=behind-summary]", "Đang hiện ");
    const found = await titles();
    assert.ok(found.length > 0 && found.length <= all, `${found.length} of ${all}`);
    assert.ok(found.every((t) => t.length > 0));
    assert.ok(found.includes(first), `«${word}» finds «${first}»: ${found.join(" / ")}`);

    // A filter by hamlet (each with its count): the one the first record is in, by its title.
    const choice = await d.exec(`
      const all = [...document.querySelectorAll("[data-test=behind-filter-area_id] option")].slice(1);
      const name = (o) => o.textContent.trim().replace(/ \\(\\d+\\)$/, "").toLowerCase();
      const o = all.find((o) => arguments[0].toLowerCase().includes(name(o))) || all[0];
      return [o.value, o.textContent.trim()];`, first);
    const hamlet = choice[1].replace(/ \(\d+\)$/, "");
    const searched = await d.text("[data-test=behind-summary]");
    await d.select("[data-test=behind-filter-area_id]", choice[0]);
    await d.until("the filter applied", async () => (await d.text("[data-test=behind-summary]")) !== searched && (await d.count("[data-test=behind-filter-area_id]")) === 1);
    await d.painted();
    const summary = await d.text("[data-test=behind-summary]");
    const [shown, total] = summary.match(/Đang hiện (\d+)\/(\d+) bản ghi/).slice(1).map(Number);
    assert.equal(total, all, summary);
    const narrowed = await rows();
    assert.equal(shown, narrowed, summary);
    assert.ok(narrowed <= 50, "one page");
    // The columns of the commune's list of activities: every record shown is in the hamlet chosen.
    assert.deepEqual(await column("Khu dân cư"), Array(narrowed).fill(hamlet));
    assert.ok((await column("Ngày")).every((t) => /^\d\d\/\d\d\/\d{4}$/.test(t)));
    assert.ok(narrowed > 0 && narrowed <= found.length, `${narrowed} of ${found.length}: ${summary}`);
    // What was typed and chosen stays in view.
    assert.equal(await d.value("[data-test=behind-search]"), word);
    assert.equal(await d.value("[data-test=behind-filter-area_id]"), choice[0]);
    await d.screenshot(path.join(shots, "57-province-drill-filtered.png"));

    // The hamlet alone: every record shown is in it.
    await d.type("[data-test=behind-search]", "");
    await d.until("the search cleared", async () => !(await d.value("[data-test=behind-search]")) && (await d.text("[data-test=behind-summary]")).includes("Đang hiện "));
    await d.painted();
    const inHamlet = await rows();
    assert.ok(inHamlet > 0);
    await d.type("[data-test=behind-search]", word);
    await d.painted();
    await d.until("the search again", async () => (await rows()) === narrowed);

    // The table to .xlsx, as filtered.
    await d.click("[data-test=figures-export]");
    const said = await d.text("[data-test=figures-said]");
    const file = said.replace(/^Đã ghi bảng tính /, "").trim();
    const lines = readXlsx(file);
    assert.equal(lines.length, 1 + narrowed, lines.join("\n"));

    // One record, read-only: it is in the hamlet chosen.
    await d.click("[data-test=behind-row] button");
    await d.findText("[data-test=behind-record]", "Khu dân cư");
    await d.findText("[data-test=behind-record] dd", hamlet);
    await d.screenshot(path.join(shots, "58-province-drill-record.png"));
    // Back: the search and the filter are still there, the same records.
    await d.click("[data-test=crumb-commune]");
    await d.find("[data-test=behind-row]");
    assert.equal(await d.value("[data-test=behind-search]"), word);
    assert.equal(await d.value("[data-test=behind-filter-area_id]"), choice[0]);
    assert.equal(await rows(), narrowed);

    // Another page and back: still the same commune, search, filter and records.
    await d.click("[data-test=pnav-communes]");
    await d.find("[data-test=pnav-figures]");
    await d.click("[data-test=pnav-figures]");
    await d.find("[data-test=behind-search]");
    await d.until("the search kept", async () => (await d.value("[data-test=behind-search]")) === word);
    await d.until("the filter kept", async () => (await d.value("[data-test=behind-filter-area_id]")) === choice[0]);
    await d.findText("[data-test=behind-summary]", summary);
    assert.equal(await rows(), narrowed);

    // «Bỏ tìm, lọc»: every record again.
    await d.click("[data-test=behind-clear]");
    await d.findText("[data-test=behind-summary]", `${all} bản ghi, cộng lại đúng số`);
    assert.equal(await rows(), Math.min(all, 50));
  });

  // The window's rows against the command line's for the same figure, commune, sort and page.
  const cli = (sort, offset) => {
    const out = phongtrao(["province", "--dir", tinh, "figures", "--period", period, "--commune", code,
      "--records", "ind:tuyen_truyen_buoi", "--sort", sort, "--limit", "50", "--offset", String(offset), "--json"],
    { password: DEMO });
    return JSON.parse(out).rows.map((r) => r.title);
  };
  const dates = () => column("Ngày").then((c) => c.map((t) => t.split("/").reverse().join("-")));
  const ordered = (v, down) => v.every((x, i) => i === 0 || (down ? v[i - 1] >= x : v[i - 1] <= x));
  let period;
  let code;

  it("sorts a column both ways and pages as the commune's list, and keeps both", async () => {
    period = await d.value("[data-test=period]");
    code = BIG;
    assert.match(await d.text("h2"), new RegExp(`^${BIG} – Xã Ba Dinh`), "the commune with the most sessions");
    const all = await kept();
    assert.ok(all > 50, `more records than a page: ${all}`);
    assert.equal(await d.text("[data-test=behind-range]"), `1–50 / ${all} bản ghi`);
    assert.equal(await d.text("[data-test=behind-range-page]"), "Trang 1 / 2");

    // «Ngày» up: the dates seen go up, the rows are the command line's for the same sort.
    await d.click("[data-test=behind-sort-date]");
    await d.findText("[data-test=behind-sort-date]", "▲");
    await d.until("sorted up", async () => ordered(await dates(), false));
    assert.deepEqual(await titles(), cli("date", 0));
    // Down: the dates go down.
    await d.click("[data-test=behind-sort-date]");
    await d.findText("[data-test=behind-sort-date]", "▼");
    await d.until("sorted down", async () => ordered(await dates(), true));
    const first = await titles();
    assert.deepEqual(first, cli("-date", 0));

    // The second page: the rest, still going down, after the first page's last date.
    const lastDate = (await dates()).at(-1);
    await d.click("[data-test=behind-range-next]");
    await d.findText("[data-test=behind-range]", `51–${all} / ${all} bản ghi`);
    assert.equal(await d.text("[data-test=behind-range-page]"), "Trang 2 / 2");
    assert.equal(await rows(), all - 50);
    const second = await titles();
    assert.deepEqual(second, cli("-date", 50));
    const later = await dates();
    assert.ok(ordered(later, true) && later[0] <= lastDate, `${lastDate} then ${later[0]}`);
    await d.screenshot(path.join(shots, "90-province-drill-sorted.png"));
    // And back.
    await d.click("[data-test=behind-range-prev]");
    await d.findText("[data-test=behind-range]", `1–50 / ${all} bản ghi`);
    assert.deepEqual(await titles(), first);

    // On page 2, a record opened and back: the same page, the same order.
    await d.click("[data-test=behind-range-next]");
    await d.findText("[data-test=behind-range]", `51–${all}`);
    await d.click("[data-test=behind-row] button");
    await d.find("[data-test=behind-record]");
    await d.click("[data-test=crumb-commune]");
    await d.findText("[data-test=behind-range]", `51–${all} / ${all} bản ghi`);
    assert.deepEqual(await titles(), second);
    // Another page of the window and back: as the commune's list, where the officer left it.
    await d.click("[data-test=pnav-communes]");
    await d.find("[data-test=pnav-figures]");
    await d.click("[data-test=pnav-figures]");
    await d.findText("[data-test=behind-range]", `51–${all} / ${all} bản ghi`);
    await d.findText("[data-test=behind-sort-date]", "▼");
    assert.deepEqual(await titles(), second);

    // Sorting again starts from the first page, as the commune's list does; by title in Vietnamese
    // order, as the command line gives it.
    await d.click("[data-test=behind-sort-title]");
    await d.findText("[data-test=behind-range]", `1–50 / ${all} bản ghi`);
    await d.findText("[data-test=behind-sort-title]", "▲");
    assert.deepEqual(await titles(), cli("title", 0));
    // By the share of the figure, down: every session counts 1, so by title within.
    await d.click("[data-test=behind-sort-value]");
    await d.click("[data-test=behind-sort-value]");
    await d.findText("[data-test=behind-sort-value]", "▼");
    assert.deepEqual(await titles(), cli("-value", 0));
  });

  // The figures of the communes shown, in the table's order, for the column `key`.
  const figures = (key, row = "figures-row") =>
    d.exec(`
      const keys = [...document.querySelectorAll("[data-test=figures] thead th button")].map((b) => b.dataset.test.replace("sort-", ""));
      const i = keys.indexOf(arguments[0]);
      return [...document.querySelectorAll("[data-test=${row}]")].map((r) => Number(r.children[i].textContent.replace(/\\./g, "")));`, key);
  const shownCodes = (row = "figures-row") =>
    d.exec(`return [...document.querySelectorAll("[data-test=${row}]")].map((r) => r.dataset.code)`);

  it("searches the communes without accents and sorts them by any column, at both levels", async () => {
    await d.click("nav.crumb button");
    await d.find("[data-test=figures-row]");
    const all = await shownCodes();
    assert.equal(all.length, 5, "four demo communes and Xã Ba Dinh");
    assert.deepEqual(all, [...all].sort(), "by code unless asked");
    // By a figure, up then down (ties by code): the order the command line gives.
    const byCli = (sort) =>
      JSON.parse(phongtrao(["province", "--dir", tinh, "figures", "--period", period, "--sort", sort, "--json"], { password: DEMO }))
        .communes.map((c) => c.commune_code);
    await d.click("[data-test=sort-members]");
    await d.findText("[data-test=sort-members]", "▲");
    // The arrow turns at the click, the rows when the core answers.
    const same = async (sort) => {
      const want = JSON.stringify(byCli(sort));
      await d.until(`sorted by ${sort}`, async () => JSON.stringify(await shownCodes()) === want);
    };
    await same("members");
    const up = await figures("members");
    assert.ok(ordered(up, false), up.join(" "));
    await d.click("[data-test=sort-members]");
    await d.findText("[data-test=sort-members]", "▼");
    await same("-members");
    assert.ok(ordered(await figures("members"), true));
    // By name in Vietnamese order: Phường … before Xã …; «Xã» a third time: the codes' order again.
    await d.click("[data-test=sort-name]");
    await d.findText("[data-test=sort-name]", "▲");
    await same("name");
    await d.click("[data-test=sort-name]");
    await d.findText("[data-test=sort-name]", "▼");
    await same("-name");
    await d.click("[data-test=sort-name]");
    await d.until("by code again", async () => JSON.stringify(await shownCodes()) === JSON.stringify(all));
    await d.click("[data-test=sort-members]");
    await d.click("[data-test=sort-members]");
    await d.findText("[data-test=sort-members]", "▼");
    await same("-members");

    // A commune's name typed without accents, in capitals: only it.
    await d.type("[data-test=communes-search]", "BA DINH");
    await d.findText("[data-test=communes-found]", "1/5 xã khớp «BA DINH».");
    assert.deepEqual(await shownCodes(), [BIG]);
    await d.type("[data-test=communes-search]", "phuong");
    await d.findText("[data-test=communes-found]", "xã khớp «phuong».");
    const wards = await shownCodes();
    assert.ok(wards.length >= 1 && wards.length < 5 && !wards.includes(BIG), wards.join(" "));
    assert.ok(ordered(await figures("members"), true), "still sorted");
    await d.screenshot(path.join(shots, "91-province-communes-searched.png"));
    await d.type("[data-test=communes-search]", "khong co xa nay");
    await d.findText("[data-test=communes-none]", "Không có xã nào khớp «khong co xa nay».");
    await d.type("[data-test=communes-search]", "ba dinh");
    await d.findText("[data-test=communes-found]", "1/5 xã khớp «ba dinh».");

    // A figure's communes: the same search and sort.
    await d.exec("document.querySelector(arguments[0]).scrollIntoView({ block: 'center', inline: 'center' })", "[data-test=drill-members]");
    await d.click("[data-test=drill-members]");
    await d.findText("[data-test=drill-title]", "Thành viên");
    assert.equal(await d.value("[data-test=communes-search]"), "ba dinh");
    assert.deepEqual(await shownCodes("drill-commune"), [BIG]);
    // The figure's trend, above the communes: it stays as it is (the same chart, not drawn again)
    // while the communes below are searched and sorted, so nothing moves under the officer's pointer.
    await d.find("[data-test=trend]");
    await d.exec(`document.querySelector("[data-test=trend]").dataset.drawn = "once"`);
    // Emptied as the officer does, with Backspace (clearing from WebDriver sends no input event).
    await d.type("[data-test=communes-search]", "a");
    await d.keys("[data-test=communes-search]", "\uE003");
    await d.until("every commune with members", async () => (await shownCodes("drill-commune")).length === 5);
    await d.click("[data-test=drill-sort-value]");
    await d.findText("[data-test=drill-sort-value]", "▲");
    await d.until("the communes sorted", async () => JSON.stringify(await shownCodes("drill-commune")) === JSON.stringify(byCli("members")));
    assert.equal(
      await d.exec(`return document.querySelector("[data-test=trend]")?.dataset.drawn ?? "gone"`),
      "once",
      "the trend was drawn again while the communes were searched and sorted",
    );
    const values = await d.exec(`return [...document.querySelectorAll("[data-test=drill-commune] td.num")].map((t) => Number(t.textContent.replace(/\\./g, "")))`);
    assert.ok(ordered(values, false), values.join(" "));
    // Another page and back: the same sort, as the officer left it.
    await d.click("[data-test=pnav-communes]");
    await d.find("[data-test=pnav-figures]");
    await d.click("[data-test=pnav-figures]");
    await d.findText("[data-test=drill-sort-value]", "▲");
    assert.ok(ordered(await d.exec(`return [...document.querySelectorAll("[data-test=drill-commune] td.num")].map((t) => Number(t.textContent.replace(/\\./g, "")))`), false));

    // The roster («Các xã») searched and sorted the same way.
    await d.click("[data-test=pnav-communes]");
    await d.find("[data-test=roster-row]");
    await d.type("[data-test=roster-search]", "BA DINH");
    await d.until("one commune", async () => JSON.stringify(await shownCodes("roster-row")) === JSON.stringify([BIG]));
    await d.type("[data-test=roster-search]", "a");
    await d.keys("[data-test=roster-search]", "\uE003");
    await d.until("every commune", async () => (await shownCodes("roster-row")).length === 5);
    const received = () => d.exec(`return [...document.querySelectorAll("[data-test=roster-row]")].map((r) => Number(r.children[3].textContent))`);
    await d.click("[data-test=roster-sort-received]");
    await d.click("[data-test=roster-sort-received]");
    await d.findText("[data-test=roster-sort-received]", "▼");
    await d.until("the roster by bundles received, down", async () => {
      const v = await received();
      return v[0] > v.at(-1) && ordered(v, true);
    });
    await d.screenshot(path.join(shots, "92-province-roster-sorted.png"));
  });
});
