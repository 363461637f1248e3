// End-to-end: the province's drill-down searched and filtered as the commune's own lists are. A
// demo province; a figure of the province's table opened to the communes behind it, then to one
// commune's records; a search typed without accents and a filter by hamlet narrow them (decided in
// the core: the page only sends what was typed and chosen), the count against the figure says so;
// one record opened read-only and back, another page visited and back: the search and the filter are
// still there; the table exported as filtered.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { cleanup, phongtrao, launch, login, readXlsx, scratch, shots } from "./common.mjs";

const DEMO = "phongtrao-demo";

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
  const titles = () =>
    d.exec("return [...document.querySelectorAll('[data-test=behind-row] td:first-child')].map((t) => t.textContent.trim())");
  // The cells of one column (by its header) of the records shown.
  const column = (label) =>
    d.exec(`
      const heads = [...document.querySelectorAll("[data-test=behind] thead th")].map((t) => t.textContent.trim());
      const i = heads.indexOf(arguments[0]);
      return [...document.querySelectorAll("[data-test=behind-row]")].map((r) => r.children[i]?.textContent.trim());`, label);

  it("searches a commune's records without accents, filters them by hamlet, and keeps both", async () => {
    const key = "ind:tuyen_truyen_buoi";
    await d.click("[data-test=pnav-figures]");
    await d.find("[data-test=figures-total]");
    await d.exec("document.querySelector(arguments[0]).scrollIntoView({ block: 'center', inline: 'center' })", `[data-test='drill-${key}']`);
    await d.click(`[data-test='drill-${key}']`);
    await d.findText("[data-test=drill-title]", "Số buổi tuyên truyền");
    // The commune with the most sessions, and the figure beside it.
    const [code, figure] = await d.exec(`
      const rows = [...document.querySelectorAll("[data-test=drill-commune]")];
      const n = (r) => Number(r.querySelector("td.num").textContent.replace(/\\./g, ""));
      const best = rows.sort((a, b) => n(b) - n(a))[0];
      return [best.dataset.code, n(best)];`);
    assert.ok(figure > 1, `a commune with sessions to narrow: ${figure}`);
    await d.click(`[data-test=drill-commune][data-code='${code}'] button`);
    await d.find("[data-test=behind-row]");
    const all = await rows();
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
    await d.select("[data-test=behind-filter-area_id]", choice[0]);
    await d.until("the filter applied", async () => (await d.text("[data-test=behind-summary]")).includes("Đang hiện ") && (await d.count("[data-test=behind-filter-area_id]")) === 1);
    const summary = await d.text("[data-test=behind-summary]");
    const [shown, total] = summary.match(/Đang hiện (\d+)\/(\d+) bản ghi/).slice(1).map(Number);
    assert.equal(total, all, summary);
    const narrowed = await rows();
    assert.equal(shown, narrowed, summary);
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
    assert.equal(await rows(), all);
  });
});
