// End-to-end: two laptops of one commune exchange their work by USB stick. The window drives the
// chief's laptop; the command line plays the officer's laptop (its own store). The chief invites the
// new laptop from the window, the officer's laptop joins from the invitation on the stick and sends its
// first bundle; both change the same area apart; the window's exchange shows the conflict field by
// field, the chief combines the two versions, and the decision reaches the officer's laptop.
// The USB stick is a folder under PHONGTRAO_DRIVES_DIR (fsutil::removable_drives).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { cleanup, drawnWith, initCommune, launch, login, phongtrao, scratch, shots, watchFirstDraw } from "./common.mjs";

describe("two laptops of one commune, by USB stick", { timeout: 300_000 }, () => {
  let d;
  let dir;
  let db;
  let other;
  let usb;
  let areaId;

  before(async () => {
    dir = scratch("peers");
    db = path.join(dir, "xa.db");
    other = path.join(dir, "may-binh.db");
    usb = path.join(dir, "media", "USB-XA");
    fs.mkdirSync(usb, { recursive: true });
    initCommune(db);
    // Two more accounts on the chief's laptop: the chief copies one of them to the new laptop. The
    // command line then logs in as the chief on both laptops.
    process.env.PHONGTRAO_USER = "nguyenvanan";
    for (const [user, name, role] of [["tranvanbinh", "Trần Văn Bình", "officer"], ["levanxem", "Lê Văn Xem", "viewer"]]) {
      phongtrao(["--db", db, "account", "add", "--username", user, "--name", name, "--role", role], {
        env: { PHONGTRAO_NEW_PASSWORD: "mat-khau-o-may-truong" },
      });
    }
    areaId = phongtrao(["--db", db, "add", "area", "--json",
      '{"name": "Thôn Plei Bông", "kind": "thon", "households": 90, "population": 400}']).trim().split(/\s+/)[0];
    d = await launch({
      PHONGTRAO_DB: db,
      PHONGTRAO_BACKUP_DELAY_SECONDS: "3600",
      PHONGTRAO_DRIVES_DIR: path.join(dir, "media"),
    });
    await login(d, { username: "nguyenvanan" });
  });

  after(() => cleanup(d, dir));

  it("invites a new laptop from the window; the new laptop joins and sends its first bundle", async () => {
    // The invitation's form comes with the accounts it offers to copy and the conflicts' panel, not
    // before them (arriving after, they pushed it and its button under the pointer).
    await watchFirstDraw(d, "[data-test=invite]", ["peers-state", "conflicts", "invite-accounts"]);
    await d.click("[data-test=nav-peers]");
    await d.findText("h1", "Trao đổi với máy khác");
    await d.findText("[data-test=peers-state]", "chưa biết máy nào khác");
    assert.deepEqual(await drawnWith(d), ["peers-state", "conflicts", "invite-accounts"]);
    await d.findText("[data-test=peers-numbering]", "máy này");
    // Without a name the invitation is refused, naming the field.
    await d.click("[data-test=invite]");
    await d.findText(".field-error", "không được để trống");
    await d.type("[data-test=invite-officer]", "Trần Văn Bình");
    await d.clickText("[data-test=invite-dir-drive]", usb);
    // The chief copies Bình's account to the new laptop, not the viewer's; no password goes with it.
    await d.findText("[data-test=invite-accounts]", "Lê Văn Xem (levanxem, Chỉ xem)");
    await d.click("[data-test=copy-tranvanbinh]");
    await d.screenshot(path.join(shots, "64-peers-invite-accounts.png"));
    await d.click("[data-test=invite]");
    await d.findText("[data-test=invited]", "Đã ghi lời mời vào");
    const [invitation] = fs.readdirSync(usb).filter((f) => f.includes("loi-moi"));
    assert.match(invitation, /^51-23535-loi-moi-tran-van-binh-\d{8}\.ptp$/);
    const bytes = fs.readFileSync(path.join(usb, invitation), "latin1");
    assert.ok(bytes.includes("tranvanbinh") && !bytes.includes("levanxem") && !bytes.includes("mat-khau"));
    const joined = phongtrao(["--db", other, "peer", "join", path.join(usb, invitation)]);
    assert.match(joined, /dấu vân tay/);
    assert.match(joined, /chưa có mật khẩu ở máy này: tranvanbinh/);
    assert.match(phongtrao(["--db", other, "account", "list"]), /tranvanbinh/);
    assert.match(joined, /máy cấp số văn bản: máy của Nguyễn Văn An/);
    phongtrao(["--db", other, "add", "area", "--json",
      '{"name": "Thôn Đắk Sơ", "kind": "thon", "households": 40, "population": 150}']);
    const said = phongtrao(["--db", other, "peer", "exchange", usb]);
    assert.match(said, /Đã ghi gói số 1 của máy này/);
  });

  it("exchanges through the stick: takes the new laptop's work, learns it, writes its own", async () => {
    await d.clickText("[data-test=peer-dir-drive]", usb);
    await d.click("[data-test=peer-exchange]");
    await d.findText("[data-test=exchange-result]", "Gói số 1 của máy Trần Văn Bình");
    await d.findText("[data-test=exchange-result]", "Biết thêm máy của: Trần Văn Bình");
    await d.findText("[data-test=exchange-result]", "Đã ghi gói số 1 của máy này");
    await d.findText("[data-test=peers]", "Trần Văn Bình");
    const said = phongtrao(["--db", other, "peer", "exchange", usb]);
    assert.match(said, /Gói số 1 của máy Nguyễn Văn An: 1 bản ghi mới hoặc đã sửa/);
    assert.match(phongtrao(["--db", other, "list", "area"]), /Thôn Plei Bông/);
    // The officer's laptop gives no document number: only the chief's does.
    assert.match(phongtrao(["--db", other, "peer", "list"]), /Máy cấp số văn bản: máy của Nguyễn Văn An/);
    await d.screenshot(path.join(shots, "60-peers.png"));
    // The chief hands the numbering of documents over to the officer's laptop: the chief's stops at
    // once, the officer's numbers once it took the chief's next bundle in.
    await d.exec("document.querySelector('[data-test^=hand-over-]').scrollIntoView({ block: 'center' });");
    await d.click("[data-test^=hand-over-]");
    await d.findText("[data-test=peer-said]", "Đã chuyển việc cấp số văn bản sang máy của Trần Văn Bình");
    await d.findText("[data-test=peers-numbering]", "máy của Trần Văn Bình");
    await d.screenshot(path.join(shots, "65-peers-numbering.png"));
    await d.click("[data-test=peer-exchange]");
    await d.findText("[data-test=exchange-result]", "Đã ghi gói số 2 của máy này");
    phongtrao(["--db", other, "peer", "exchange", usb]);
    assert.match(phongtrao(["--db", other, "peer", "list"]), /Máy cấp số văn bản: máy này/);
  });

  it("shows two changes made apart as a conflict, field by field, and the decision travels", async () => {
    // Both laptops change the same area before exchanging again.
    phongtrao(["--db", other, "edit", "area", areaId, "--json", '{"name": "Thôn Plei Bông Mới"}']);
    phongtrao(["--db", db, "edit", "area", areaId, "--json", '{"households": 95, "population": 410}']);
    phongtrao(["--db", other, "peer", "exchange", usb]);
    await d.click("[data-test=peer-exchange]");
    await d.findText("[data-test=exchange-result]", "1 xung đột mới cần giải quyết");
    await d.findText("[data-test=conflicts] h2", "Xung đột giữa các máy (1)");
    await d.findText("[data-test=conflict]", "Thôn Plei Bông Mới");
    await d.findText("[data-test=conflict]", "Máy của Trần Văn Bình");
    await d.findText("[data-test=conflict]", "Máy này (Nguyễn Văn An)");
    await d.screenshot(path.join(shots, "61-peers-conflict.png"));
    // Keep the chief's figures (the version his laptop made) with the officer's new name.
    const versions = await d.exec(
      "return [...document.querySelectorAll('[data-test=conflict] thead th')].slice(1).map(t => t.textContent);",
    );
    const mine = versions.findIndex((t) => t.includes("Máy này")) + 1;
    const theirs = 3 - mine;
    await d.click(`[data-test=keep-${mine}]`);
    await d.click(`[data-test=take-name-${theirs}]`);
    await d.click("[data-test=resolve]");
    await d.findText("[data-test=conflicts] h2", "Xung đột giữa các máy (0)");
    const shown = JSON.parse(phongtrao(["--db", db, "show", "area", areaId, "--json"]));
    assert.equal(shown.name, "Thôn Plei Bông Mới");
    assert.equal(shown.households, 95);
    await d.click("[data-test=peer-exchange]");
    await d.findText("[data-test=exchange-result]", "Đã ghi gói số");
    phongtrao(["--db", other, "peer", "exchange", usb]);
    assert.match(phongtrao(["--db", other, "peer", "conflicts"]), /Không có xung đột nào/);
    const there = JSON.parse(phongtrao(["--db", other, "show", "area", areaId, "--json"]));
    assert.equal(there.name, "Thôn Plei Bông Mới");
    assert.equal(there.households, 95);
    await d.screenshot(path.join(shots, "62-peers-resolved.png"));
  });

  it("lists a change the other laptop made to an approved period, then removes that laptop as lost", async () => {
    // The province approves the period 15/10–14/11/2026 (Tháng 11/2026); only the chief's laptop hears of it.
    const tinh = path.join(dir, "tinh");
    // The province's store has one account, which its command line takes when no user is named.
    const asProvince = (args) => {
      const user = process.env.PHONGTRAO_USER;
      delete process.env.PHONGTRAO_USER;
      try {
        return phongtrao(args);
      } finally {
        process.env.PHONGTRAO_USER = user;
      }
    };
    const enrollment = asProvince(["province", "init", "--dir", tinh, "--province-code", "51", "--province", "Quảng Ngãi"]).trim();
    phongtrao(["--db", db, "enroll", enrollment]);
    phongtrao(["--db", db, "key", "export-pub", "--out", path.join(dir, "xa.pub")]);
    asProvince(["province", "--dir", tinh, "register", "--commune-code", "23535", "--pubkey", path.join(dir, "xa.pub")]);
    const activity = phongtrao(["--db", db, "add", "activity", "--json", JSON.stringify({ category: "tuyen_truyen",
      date: "2026-10-20", title: "Tuyên truyền tháng 11", form: "hop_dan", topic: "Phòng, chống tội phạm" })]).trim().split(/\s+/)[0];
    // The activity reaches the officer's laptop before the approval.
    await d.click("[data-test=peer-exchange]");
    await d.findText("[data-test=exchange-result]", "Đã ghi gói số");
    phongtrao(["--db", other, "peer", "exchange", usb]);
    assert.equal(JSON.parse(phongtrao(["--db", other, "show", "activity", activity, "--json"])).title, "Tuyên truyền tháng 11");
    for (const f of ["len-tinh", "xuong-xa"]) fs.mkdirSync(path.join(dir, f));
    const sent = phongtrao(["--db", db, "bundle", "export", "--out", path.join(dir, "len-tinh")]).trim();
    asProvince(["province", "--dir", tinh, "import", sent]);
    asProvince(["province", "--dir", tinh, "review", "approve", "--commune", "23535", "--period", "2026-11",
      "--out", path.join(dir, "xuong-xa")]);
    const decision = fs.readdirSync(path.join(dir, "xuong-xa")).find((f) => f.includes("quyet-dinh"));
    phongtrao(["--db", db, "bundle", "import", path.join(dir, "xuong-xa", decision)]);
    // The officer's laptop, not knowing, renames the activity; the chief's window takes it in and lists it.
    phongtrao(["--db", other, "edit", "activity", activity, "--json", '{"title": "Sửa ở máy Bình"}']);
    phongtrao(["--db", other, "peer", "exchange", usb]);
    await d.click("[data-test=peer-exchange]");
    await d.findText("[data-test=exchange-result]", "Sửa sau khi duyệt");
    await d.findText("[data-test=locked-merges] h2", "Sửa sau khi duyệt, nhận từ máy khác (1)");
    await d.findText("[data-test=locked-merge]", "Kỳ Tháng 11/2026");
    await d.findText("[data-test=locked-merge]", "Tuyên truyền tháng 11");
    await d.findText("[data-test=locked-merge]", "Sửa ở máy Bình");
    await d.exec("document.querySelector('[data-test=locked-merges]').scrollIntoView()");
    await d.screenshot(path.join(shots, "64-peers-changed-after-approval.png"));
    // Leave the page and come back: the list is still there.
    await d.click("[data-test=nav-dashboard]");
    await d.findText("h1", "Tổng quan phong trào");
    await d.click("[data-test=nav-peers]");
    await d.findText("[data-test=locked-merges] h2", "(1)");

    // Bình's laptop is lost: the chief removes it, with a second click to confirm.
    const button = "[data-test^=remove-]";
    await d.findText(button, "Loại máy (bị mất)");
    await d.click(button);
    await d.findText(button, "Bấm lần nữa để loại máy bị mất");
    await d.click(button);
    await d.findText("[data-test=peer-said]", "Đã loại máy của Trần Văn Bình");
    await d.findText("[data-test=peer-said]", "phongtrao province revoke --key-id");
    await d.findText("[data-test=peers-state]", "chưa biết máy nào khác");
    // Bình's laptop numbered documents (handed over above): the chief's laptop takes the numbering back.
    await d.findText("[data-test=peer-said]", "từ bây giờ máy này cấp số");
    await d.findText("[data-test=peers-numbering]", "máy này");
    await d.screenshot(path.join(shots, "66-peers-removed.png"));
    // What the lost laptop writes afterwards is not taken in: the chief's laptop knows no other now.
    phongtrao(["--db", other, "edit", "activity", activity, "--json", '{"title": "Sửa lần nữa ở máy bị mất"}']);
    phongtrao(["--db", other, "peer", "exchange", usb]);
    await d.click("[data-test=peer-exchange]");
    await d.findText(".field-error", "chưa biết máy nào khác");
    const shown = JSON.parse(phongtrao(["--db", db, "show", "activity", activity, "--json"]));
    assert.equal(shown.title, "Sửa ở máy Bình");
  });
});

describe("a new laptop's first run takes the chief's invitation", { timeout: 300_000 }, () => {
  let d;
  let dir;
  let chief;
  let usb;

  before(async () => {
    dir = scratch("join");
    chief = path.join(dir, "xa.db");
    usb = path.join(dir, "media", "USB-XA");
    fs.mkdirSync(usb, { recursive: true });
    initCommune(chief);
    phongtrao(["--db", chief, "add", "area", "--json",
      '{"name": "Thôn Plei Bông", "kind": "thon", "households": 90, "population": 400}']);
    d = await launch({
      PHONGTRAO_DB: path.join(dir, "may-moi.db"),
      PHONGTRAO_BACKUP_DELAY_SECONDS: "3600",
      PHONGTRAO_DRIVES_DIR: path.join(dir, "media"),
    });
    await d.findText("h1", "Thiết lập lần đầu");
  });

  after(() => cleanup(d, dir));

  it("reads the invitation, shows the fingerprint to compare, and joins; the first exchange brings the records", async () => {
    const invitation = phongtrao(["--db", chief, "peer", "invite", "--officer", "Trần Văn Bình", "--out", usb]).trim();
    await d.click("[data-test=place-moi]");
    await d.type("[data-test=invitation-file]", invitation);
    await d.click("[data-test=read-invitation]");
    await d.findText("[data-test=invitation]", "Xã Ia Đal, Quảng Ngãi");
    await d.findText("[data-test=invitation]", "máy của Nguyễn Văn An — dấu vân tay");
    await d.findText("[data-test=invitation]", "Trần Văn Bình");
    const shown = await d.text("[data-test=invitation]");
    const listed = phongtrao(["--db", chief, "peer", "list"]);
    const fp = listed.match(/dấu vân tay ([\d ]+)/)[1].trim();
    assert.ok(shown.includes(fp), `the chief's laptop shows the same fingerprint: ${fp}`);
    await d.screenshot(path.join(shots, "63-peers-join.png"));
    // Two passwords that differ: refused, naming the field; then the same twice.
    await d.type("#f-password", "mat-khau-may-moi");
    await d.type("#f-password_again", "mat-khau-khac-1");
    await d.click("[data-test=setup-submit]");
    await d.findText("#err-password_again", "không giống");
    await d.type("#f-password_again", "mat-khau-may-moi");
    await d.click("[data-test=setup-submit]");
    await d.findText("h1", "Tổng quan phong trào");
    await d.click("[data-test=nav-peers]");
    await d.findText("[data-test=peers-numbering]", "máy của Nguyễn Văn An");
    await d.findText("[data-test=peers]", "Nguyễn Văn An");
    await d.clickText("[data-test=peer-dir-drive]", usb);
    await d.click("[data-test=peer-exchange]");
    await d.findText("[data-test=exchange-result]", "Đã ghi gói số 1 của máy này");
    assert.match(phongtrao(["--db", chief, "peer", "exchange", usb]), /Biết thêm máy của: Trần Văn Bình/);
    await d.click("[data-test=peer-exchange]");
    await d.findText("[data-test=exchange-result]", "Gói số 1 của máy Nguyễn Văn An: 1 bản ghi mới hoặc đã sửa");
  });
});
