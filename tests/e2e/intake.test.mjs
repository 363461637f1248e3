// End-to-end: the province's intake of a stick when it is cut short. The window takes the stick through
// the core's one intake (start, one bundle per call, then every receipt written in one pass); the
// program is killed after a few bundles, so their imports are kept but their receipts never reach the
// stick. The stick is then imported again in a new window, leaving the page and coming back while it
// runs: every bundle's result is shown (imported, imported before, with its lost receipt written
// again, a gap, a tampered bundle refused) and every receipt is on the stick, taken home by each
// commune, whose own program checks the province's signature.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { app, cleanup, enroll, initProvince, launch, login, openAs, phongtrao, scratch, shots } from "./common.mjs";

const ptb = (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".ptb")).sort() : []);

/** The processes under `pid` (children, their children…), read from /proc. */
function descendants(pid) {
  const parent = new Map();
  for (const p of fs.readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
      parent.set(Number(p), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  const walk = (p) => {
    for (const [child, pp] of parent) if (pp === p) out.push(child), walk(child);
  };
  walk(pid);
  return out;
}

/** The window's own program under the driver `d` (this test's, by its path), if it runs. */
function appPid(d) {
  return descendants(d.proc.pid).find((p) => {
    try {
      return fs.readlinkSync(`/proc/${p}/exe`) === app;
    } catch {
      return false;
    }
  });
}

/** The window's program, killed as a power cut would. */
function killWindow(d) {
  const pid = appPid(d);
  assert.ok(pid, "the window's program is running");
  process.kill(pid, "SIGKILL");
}

/**
 * Checks a receipt with Debian's tools, as an outside reader would: the bundle (a plain tar, signed, not
 * encrypted) unpacked by `tar`, its manifest's signature verified by `minisign -V` with the province's
 * public key `pub`, each file's SHA-256 against the manifest. Returns the manifest.
 */
function verifyReceipt(file, pub) {
  const out = fs.mkdtempSync(path.join(path.dirname(pub), "bien-nhan-"));
  execFileSync("tar", ["-xf", file, "-C", out]);
  const said = execFileSync("minisign", ["-Vm", "manifest.json", "-p", pub], { cwd: out, encoding: "utf8" });
  assert.match(said, /Signature and comment signature verified/);
  const manifest = JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8"));
  assert.equal(manifest.kind, "receipt");
  for (const f of manifest.files) {
    const sum = crypto.createHash("sha256").update(fs.readFileSync(path.join(out, f.path))).digest("hex");
    assert.equal(sum, f.sha256, `${file}: ${f.path}`);
  }
  fs.rmSync(out, { recursive: true });
  return manifest;
}

/**
 * Closes the window of the program `pid` as its title bar's close button does: the X11 message
 * WM_DELETE_WINDOW (through libX11 from Debian's python3, no package added). Returns how many of the
 * program's windows it was sent to.
 */
function closeWindow(pid) {
  return Number(execFileSync("/usr/bin/python3", ["-c", CLOSE_PY, String(pid)], { encoding: "utf8" }).trim());
}

const CLOSE_PY = `import ctypes, sys
pid = int(sys.argv[1])
x = ctypes.cdll.LoadLibrary("libX11.so.6")
x.XOpenDisplay.restype = ctypes.c_void_p
x.XOpenDisplay.argtypes = [ctypes.c_char_p]
x.XDefaultRootWindow.restype = ctypes.c_ulong
x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
x.XInternAtom.restype = ctypes.c_ulong
x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
x.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)), ctypes.POINTER(ctypes.c_uint)]
x.XGetWindowProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long, ctypes.c_long, ctypes.c_int, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.POINTER(ctypes.c_ubyte))]
x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
x.XFlush.argtypes = [ctypes.c_void_p]
d = x.XOpenDisplay(None)
assert d, "no display"
root = x.XDefaultRootWindow(d)
NET_WM_PID = x.XInternAtom(d, b"_NET_WM_PID", 0)
PROTOCOLS = x.XInternAtom(d, b"WM_PROTOCOLS", 0)
DELETE = x.XInternAtom(d, b"WM_DELETE_WINDOW", 0)

def children(w):
    r, p, kids, n = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.POINTER(ctypes.c_ulong)(), ctypes.c_uint()
    if not x.XQueryTree(d, w, ctypes.byref(r), ctypes.byref(p), ctypes.byref(kids), ctypes.byref(n)):
        return []
    return [kids[i] for i in range(n.value)]

def pid_of(w):
    t, f, n, after = ctypes.c_ulong(), ctypes.c_int(), ctypes.c_ulong(), ctypes.c_ulong()
    data = ctypes.POINTER(ctypes.c_ubyte)()
    if x.XGetWindowProperty(d, w, NET_WM_PID, 0, 1, 0, 6, ctypes.byref(t), ctypes.byref(f), ctypes.byref(n), ctypes.byref(after), ctypes.byref(data)) != 0 or n.value == 0:
        return None
    return ctypes.cast(data, ctypes.POINTER(ctypes.c_ulong))[0]

class ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int), ("display", ctypes.c_void_p),
                ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong), ("format", ctypes.c_int), ("l", ctypes.c_long * 5)]

class Event(ctypes.Union):
    _fields_ = [("xclient", ClientMessage), ("pad", ctypes.c_long * 24)]

sent = 0
for w in children(root):
    if pid_of(w) == pid:
        e = Event()
        e.xclient.type = 33  # ClientMessage
        e.xclient.window = w
        e.xclient.message_type = PROTOCOLS
        e.xclient.format = 32
        e.xclient.l[0] = DELETE
        e.xclient.l[1] = 0
        x.XSendEvent(d, w, 0, 0, ctypes.byref(e))
        sent += 1
x.XFlush(d)
print(sent)
`;

/** Calls the window's command `name` from its page, as the page does; the answer or the error's code. */
async function invoke(d, name, args) {
  return d.req("POST", d.s("/execute/async"), {
    script: `const done = arguments[arguments.length - 1];
      window.__TAURI_INTERNALS__.invoke(${JSON.stringify(name)}, ${JSON.stringify(args)})
        .then((v) => done({ ok: v }), (e) => done({ err: e.code }));`,
    args: [],
  });
}

describe("a stick cut short at the province is taken in again, every receipt written", { timeout: 300_000 }, () => {
  let d;
  let at;
  const communes = [
    { code: "23530", name: "Xã Rờ Kơi" },
    { code: "23534", name: "Xã Sa Bình" },
    { code: "23535", name: "Xã Ia Đal" },
  ];
  const [c, b, a] = communes;

  before(() => {
    const dir = scratch("intake");
    at = { dir, tinh: path.join(dir, "tinh"), usb: path.join(dir, "usb") };
    fs.mkdirSync(at.usb);
    const enrollment = initProvince(at.tinh);
    // The province's public key, as the enrollment bundle carries it to the communes.
    const unpacked = path.join(dir, "ghi-danh");
    fs.mkdirSync(unpacked);
    execFileSync("tar", ["-xf", enrollment, "-C", unpacked]);
    at.pub = path.join(dir, "tinh.pub");
    fs.writeFileSync(at.pub, JSON.parse(fs.readFileSync(path.join(unpacked, "enrollment.json"), "utf8")).sign_key);
    for (const x of communes) {
      x.db = path.join(dir, `${x.code}.db`);
      phongtrao(["--db", x.db, "init", "--province-code", "51", "--province", "Quảng Ngãi", "--commune-code", x.code,
        "--commune", x.name, "--officer", "Nguyễn Văn An"]);
      enroll(x.db, x.code, at.tinh, enrollment);
    }
    const send = (x, n) => {
      phongtrao(["--db", x.db, "add", "area", "--json",
        JSON.stringify({ name: `Thôn ${n}`, kind: "thon", households: 20 + n, population: 80 + n })]);
      return phongtrao(["--db", x.db, "bundle", "export", "--out", at.usb]).trim().split("\n").pop();
    };
    // Rờ Kơi: bundle 1, and bundle 2 damaged on the way (a byte changed).
    send(c, 1);
    const c2 = send(c, 2);
    const bytes = fs.readFileSync(c2);
    bytes[Math.floor(bytes.length / 2)] ^= 0x20;
    fs.writeFileSync(c2, bytes);
    // Sa Bình: bundles 1 to 3.
    for (const n of [1, 2, 3]) send(b, n);
    // Ia Đal: bundle 1 imported earlier (its receipt already on the stick), 3 lost on the way: a gap.
    const a1 = send(a, 1);
    phongtrao(["province", "--dir", at.tinh, "import", a1]);
    send(a, 2);
    const a3 = send(a, 3);
    fs.rmSync(a3);
    send(a, 4);
    assert.equal(ptb(at.usb).length, 8);
    assert.equal(ptb(path.join(at.usb, "bien-nhan", a.code)).length, 1);
  });

  after(() => cleanup(d, at?.dir));

  it("keeps the bundles imported before the window was killed, though their receipts never reached the stick", async () => {
    d = await openAs(null, "tinh", at);
    await d.click("[data-test=pnav-intake]");
    await d.findText("h1", "Nhận gói từ USB");
    // The page's own calls, stopped after four bundles (Rờ Kơi's two, Sa Bình's first two), then the
    // program killed: the receipts waiting for the end of the stick are lost.
    const start = await invoke(d, "province_intake_start", { folder: at.usb, dryRun: false });
    assert.equal(start.ok.total, 8);
    assert.match(start.ok.note, /nhập lại USB này/);
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push((await invoke(d, "province_intake_next", { id: start.ok.id })).ok);
    assert.deepEqual(seen.map((l) => l.status), ["imported", "refused", "imported", "imported"]);
    assert.ok(seen.every((l) => l.receipt === null), "no receipt before the end");
    // Another intake's number is refused, in Vietnamese.
    assert.equal((await invoke(d, "province_intake_next", { id: start.ok.id + 1 })).err, "intake_over");
    killWindow(d);
    await d.quit();
    d = null;
    assert.equal(ptb(path.join(at.usb, "bien-nhan", c.code)).length, 0);
    assert.equal(ptb(path.join(at.usb, "bien-nhan", b.code)).length, 0);
    const roster = JSON.parse(phongtrao(["province", "--dir", at.tinh, "roster", "--json"]));
    const last = (code) => roster.communes.find((r) => r.commune_code === code)?.last_bundle_seq;
    assert.deepEqual([last(c.code), last(b.code), last(a.code)], [1, 2, 1], "the imports are kept");
  });

  it("imports the stick again, the page left and come back to, with every result and every receipt", async () => {
    d = await openAs(null, "tinh", at);
    await d.click("[data-test=pnav-intake]");
    await d.type("[data-test=intake-folder]", at.usb);
    await d.click("[data-test=intake-scan]");
    await d.until("eight bundles listed", async () => (await d.count("[data-test=bundle-row]")) === 8);
    await d.until("four imported before", async () => (await d.count("[data-test=bundle-row][data-status=replay]")) === 4);
    await d.click("[data-test=intake-import]");
    // Away to the communes and back while it runs (or after): the intake goes on and is shown again.
    await d.click("[data-test=pnav-communes]");
    await d.findText("h1", "Các xã");
    await d.click("[data-test=pnav-intake]");
    await d.find("[data-test=intake-results]");
    await d.find("[data-test=intake-results][data-state=finished]", 60_000);
    assert.equal(await d.count("[data-test=intake-result]"), 8);
    const rewritten = "Biên nhận của gói này chưa có trên USB: đã ghi lại.";
    assert.equal(await d.count("[data-test=intake-result][data-status=replay]"), 4);
    assert.equal(await d.count("[data-test=intake-result][data-status=imported]"), 3);
    assert.equal(await d.count("[data-test=intake-result][data-status=refused]"), 1);
    const texts = [];
    for (const el of await d.req("POST", d.s("/elements"), { using: "css selector", value: "[data-test=intake-result]" })) {
      texts.push((await d.req("GET", d.s(`/element/${Object.values(el)[0]}/text`))).replace(/\s+/g, " "));
    }
    assert.equal(texts.filter((t) => t.includes(rewritten)).length, 3, texts.join("\n"));
    assert.ok(texts.some((t) => t.startsWith("Bị từ chối") && t.includes(`${c.code}`)), texts.join("\n"));
    assert.ok(texts.some((t) => t.includes("Đã nhập gói số 4 của xã 23535") && t.includes("thiếu gói số 3")), texts.join("\n"));
    assert.ok(texts.some((t) => t.includes("Đã nhập gói số 3 của xã 23534")), texts.join("\n"));
    // Ia Đal's first bundle: imported before, its receipt already on the stick: none written again.
    assert.equal(texts.filter((t) => t.startsWith("Đã nhập trước đây") && !t.includes(rewritten)).length, 1);
    assert.equal(await d.count("[data-test=intake-result] [data-test=receipt]"), 6);
    await d.exec("document.querySelector('[data-test=intake-results]').scrollIntoView()");
    await d.screenshot(path.join(shots, "57-province-intake-again.png"));

    // Every receipt on the stick, a folder per commune, each taken home and checked by the commune.
    const home = { [c.code]: 1, [b.code]: 3, [a.code]: 3 };
    for (const x of communes) {
      const folder = path.join(at.usb, "bien-nhan", x.code);
      const files = ptb(folder);
      assert.equal(files.length, home[x.code], `${x.code}: ${files}`);
      assert.ok(fs.readdirSync(folder).every((f) => !f.startsWith(".")), "no temporary file left");
      for (const f of files) {
        assert.equal(verifyReceipt(path.join(folder, f), at.pub).commune_code, x.code);
        assert.match(phongtrao(["--db", x.db, "bundle", "import", path.join(folder, f)]), /biên nhận/);
      }
    }
  });

  it("writes the receipts of what it imported when the officer logs out mid-way", async () => {
    // Two more bundles of Sa Bình and one of Ia Đal on the stick.
    const send = (x, n) => {
      phongtrao(["--db", x.db, "add", "area", "--json",
        JSON.stringify({ name: `Thôn mới ${n}`, kind: "thon", households: 30 + n, population: 90 + n })]);
      return phongtrao(["--db", x.db, "bundle", "export", "--out", at.usb]).trim().split("\n").pop();
    };
    send(b, 4);
    send(b, 5);
    send(a, 5);
    // Rờ Kơi's two, then Sa Bình's five (three imported before, bundles 4 and 5 new), then logged out.
    const start = await invoke(d, "province_intake_start", { folder: at.usb, dryRun: false });
    assert.equal(start.ok.total, 11);
    const seen = [];
    for (let i = 0; i < 7; i++) seen.push((await invoke(d, "province_intake_next", { id: start.ok.id })).ok);
    assert.deepEqual(seen.slice(5).map((l) => l.status), ["imported", "imported"]);
    const folder = path.join(at.usb, "bien-nhan", b.code);
    assert.equal(ptb(folder).length, 3, "not written yet");
    await d.click("[data-test=logout]");
    await d.find("[data-test=login-province]");
    // Sa Bình's two new receipts were written at the logout; Ia Đal's bundle 5 waits, not imported.
    assert.equal(ptb(folder).length, 5);
    assert.ok(fs.readdirSync(folder).every((f) => !f.startsWith(".")), "no temporary file left");
    const roster = JSON.parse(phongtrao(["province", "--dir", at.tinh, "roster", "--json"]));
    const last = (code) => roster.communes.find((r) => r.commune_code === code)?.last_bundle_seq;
    assert.deepEqual([last(b.code), last(a.code)], [5, 4]);
    const taken = ptb(folder).slice(3).map((f) => phongtrao(["--db", b.db, "bundle", "import", path.join(folder, f)]));
    assert.ok(taken.every((t) => /biên nhận/.test(t)), taken.join("\n"));
    // The intake the logout ended is over: the page's next call is refused, saying what to do.
    assert.equal((await invoke(d, "province_intake_next", { id: start.ok.id })).err, "logged_out");
    // Logged in again: the stick once more, only Ia Đal's bundle 5 to import, no receipt written twice.
    await d.type("#f-password", "mat-khau-truong-1");
    await d.click("[data-test=login-submit]");
    await d.findText(".brand", "Công an tỉnh Quảng Ngãi");
    await d.click("[data-test=pnav-intake]");
    // The last session's list and results went with its logout; what became of the intake it cut short
    // is told: seven bundles done (two new), four not imported, the receipts on the stick, what to do.
    await d.findText("h1", "Nhận gói từ USB");
    assert.equal(await d.count("[data-test=intake-results]"), 0);
    assert.equal(await d.count("[data-test=bundle-row]"), 0);
    await d.findText("[data-test=intake-cut-message]", "đã xử lý 7/11 gói — 2 gói nhập mới");
    assert.equal(await d.count("[data-test=intake-cut-done]"), 7);
    assert.equal(await d.count("[data-test=intake-cut-left]"), 4);
    await d.click("[data-test=intake-cut-close]");
    assert.equal(await d.count("[data-test=intake-cut]"), 0);
    await d.type("[data-test=intake-folder]", at.usb);
    await d.click("[data-test=intake-scan]");
    await d.until("eleven bundles listed", async () => (await d.count("[data-test=bundle-row]")) === 11);
    await d.click("[data-test=intake-import]");
    await d.find("[data-test=intake-results][data-state=finished]", 60_000);
    assert.equal(await d.count("[data-test=intake-result][data-status=imported]"), 1);
    await d.findText("[data-test=intake-result][data-status=imported]", "Đã nhập gói số 5 của xã 23535");
    assert.equal(await d.count("[data-test=intake-result] [data-test=receipt]"), 1, "only the new bundle's receipt");
    assert.equal(ptb(path.join(at.usb, "bien-nhan", a.code)).length, 4);
  });

  it("writes the receipts of what it imported when the officer closes the window mid-way", async () => {
    const send = (x, n) => {
      phongtrao(["--db", x.db, "add", "area", "--json",
        JSON.stringify({ name: `Thôn sau ${n}`, kind: "thon", households: 40 + n, population: 99 + n })]);
      return phongtrao(["--db", x.db, "bundle", "export", "--out", at.usb]).trim().split("\n").pop();
    };
    send(b, 6);
    send(a, 6);
    // Rờ Kơi's two, then Sa Bình's six (bundle 6 new), then the window closed from its title bar.
    const start = await invoke(d, "province_intake_start", { folder: at.usb, dryRun: false });
    assert.equal(start.ok.total, 13);
    const seen = [];
    for (let i = 0; i < 8; i++) seen.push((await invoke(d, "province_intake_next", { id: start.ok.id })).ok);
    assert.equal(seen[7].status, "imported");
    const folder = path.join(at.usb, "bien-nhan", b.code);
    assert.equal(ptb(folder).length, 5, "not written yet");
    const pid = appPid(d);
    assert.ok(closeWindow(pid) >= 1, "the window was found");
    await d.until("the program has ended", async () => appPid(d) !== pid, 20_000);
    await d.quit();
    d = null;
    // Sa Bình's new receipt was written as the program ended; Ia Đal's bundle 6 waits, not imported.
    assert.equal(ptb(folder).length, 6);
    assert.ok(fs.readdirSync(folder).every((f) => !f.startsWith(".")), "no temporary file left");
    const roster = JSON.parse(phongtrao(["province", "--dir", at.tinh, "roster", "--json"]));
    const last = (code) => roster.communes.find((r) => r.commune_code === code)?.last_bundle_seq;
    assert.deepEqual([last(b.code), last(a.code)], [6, 5]);
    const [receipt] = ptb(folder).slice(5);
    assert.equal(verifyReceipt(path.join(folder, receipt), at.pub).commune_code, b.code);
    assert.match(phongtrao(["--db", b.db, "bundle", "import", path.join(folder, receipt)]), /biên nhận/);
  });

  it("tells the officer who logs in after the idle lock that the stick was only half taken, and what to do", async () => {
    const send = (x, n) => {
      phongtrao(["--db", x.db, "add", "area", "--json",
        JSON.stringify({ name: `Thôn khóa ${n}`, kind: "thon", households: 50 + n, population: 120 + n })]);
      return phongtrao(["--db", x.db, "bundle", "export", "--out", at.usb]).trim().split("\n").pop();
    };
    send(b, 7);
    send(b, 8);
    // A window that locks itself after 4 seconds without a key press, a click or a pointer move.
    d = await launch({
      PHONGTRAO_DB: path.join(at.dir, "khong-co.db"),
      PHONGTRAO_PROVINCE_DIR: at.tinh,
      PHONGTRAO_BACKUP_DELAY_SECONDS: "3600",
      PHONGTRAO_IDLE_LOCK_SECONDS: "4",
    });
    await login(d, { landing: [".brand", "Công an tỉnh Quảng Ngãi"] });
    // The page's own calls: Rờ Kơi's two, Sa Bình's first seven (bundle 7 new); the officer then
    // leaves the laptop and the idle lock closes the store in the middle of the stick.
    const start = await invoke(d, "province_intake_start", { folder: at.usb, dryRun: false });
    assert.equal(start.ok.total, 15);
    const seen = [];
    for (let i = 0; i < 9; i++) seen.push((await invoke(d, "province_intake_next", { id: start.ok.id })).ok);
    assert.equal(seen[8].status, "imported");
    await d.findText("h1", "Đăng nhập", 15_000);
    await d.findText("[data-test=locked-notice]", "Đã tự khóa");
    const folder = path.join(at.usb, "bien-nhan", b.code);
    assert.equal(ptb(folder).length, 7, "the receipt of what was done is on the stick");
    // Logged in again: the intake page says what was imported, what was not, and what to do.
    await login(d, { landing: [".brand", "Công an tỉnh Quảng Ngãi"] });
    await d.findText("h1", "Nhận gói từ USB");
    const message = await d.text("[data-test=intake-cut-message]");
    assert.match(message, /^Lần nhập USB trước bị ngắt giữa chừng \(máy tự khóa sau một thời gian không sử dụng/);
    assert.match(message, /đã xử lý 9\/15 gói — 1 gói nhập mới, 7 gói đã nhập trước đây, 1 gói bị từ chối; còn 6 gói chưa nhập/);
    assert.match(message, /biên nhận của chúng đã ghi vào USB\. Hãy cắm lại USB này, bấm «Đọc danh sách gói» rồi «Nhập tất cả»/);
    assert.equal(await d.count("[data-test=intake-cut-done]"), 9);
    assert.equal(await d.count("[data-test=intake-cut-done][data-status=imported]"), 1);
    assert.equal(await d.count("[data-test=intake-cut-left]"), 6);
    await d.screenshot(path.join(shots, "99-province-intake-cut-by-idle-lock.png"));
    // Told once: the stick taken again, the rest imported, the account gone.
    await d.type("[data-test=intake-folder]", at.usb);
    await d.click("[data-test=intake-scan]");
    await d.until("fifteen bundles listed", async () => (await d.count("[data-test=bundle-row]")) === 15);
    await d.click("[data-test=intake-import]");
    await d.find("[data-test=intake-results][data-state=finished]", 60_000);
    assert.equal(await d.count("[data-test=intake-cut]"), 0);
    await d.findText("[data-test=intake-result][data-status=imported]", "Đã nhập gói số 8 của xã 23534");
    assert.equal(ptb(folder).length, 8);
  });
});
