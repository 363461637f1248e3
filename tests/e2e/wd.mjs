// A small WebDriver client for driving the real app through tauri-driver (which starts Debian's
// WebKitWebDriver). Node's fetch only: no browser download, no npm package.
import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import net from "node:net";
import fs from "node:fs";
import path from "node:path";
import os from "node:os";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => { s.destroy(); resolve(true); });
    s.once("error", () => resolve(false));
  });
}

async function waitPort(port, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await portOpen(port)) return;
    await sleep(100);
  }
  throw new Error(`port ${port} not listening after ${ms} ms`);
}

/** Waits (at most `ms`) until nothing listens on `port` any more; never throws. */
async function waitClosed(port, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end && (await portOpen(port))) await sleep(100);
}

/** Finds tauri-driver: on PATH or in cargo's bin folder. */
function tauriDriver() {
  const cargoBin = path.join(process.env.CARGO_HOME || path.join(os.homedir(), ".cargo"), "bin", "tauri-driver");
  return fs.existsSync(cargoBin) ? cargoBin : "tauri-driver";
}

// The WebDriver port (PHONGTRAO_E2E_PORT, default 4444) and WebKitWebDriver's beside it, so that two
// test runs on one machine (two work trees) do not meet.
const PORT = Number(process.env.PHONGTRAO_E2E_PORT || 4444);
const NATIVE_PORT = PORT + 1;

export class Driver {
  /** Starts tauri-driver with `env` (the app inherits it) and waits until both ports listen. */
  static async launch(env) {
    // A window of an earlier test or file must be gone from the ports before this one starts.
    await waitClosed(PORT, 5000);
    await waitClosed(NATIVE_PORT, 5000);
    // Its own process group (with WebKitWebDriver and the app it starts), so that `quit` ends them all
    // even when a failed test left the window in a state where closing the session does not.
    const proc = spawn(tauriDriver(), ["--port", String(PORT), "--native-port", String(NATIVE_PORT)], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let log = "";
    proc.stdout.on("data", (d) => (log += d));
    proc.stderr.on("data", (d) => (log += d));
    const d = new Driver(proc, () => log);
    await waitPort(PORT, 20000);
    return d;
  }

  constructor(proc, log) {
    this.proc = proc;
    this.log = log;
    this.base = `http://127.0.0.1:${PORT}`;
    this.session = null;
  }

  async req(method, url, body) {
    // A request WebDriver never answers fails after two minutes, saying which (rather than holding the
    // file until its suite's timeout, with nothing said).
    const res = await fetch(this.base + url, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    }).catch((e) => {
      throw new Error(`${method} ${url}: ${e.name === "TimeoutError" ? "no answer from WebDriver in 120 s" : e.message}`);
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) {
      const e = new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json.value ?? json).slice(0, 400)}`);
      e.value = json.value;
      throw e;
    }
    return json.value;
  }

  s(url) {
    return `/session/${this.session}${url}`;
  }

  /** Opens the app (a new process) in a new session. */
  async open(application) {
    // tauri-driver does not wait for WebKitWebDriver: wait for its port first.
    await waitPort(NATIVE_PORT, 20000);
    let last;
    for (let i = 0; i < 5; i++) {
      try {
        const v = await this.req("POST", "/session", {
          capabilities: { alwaysMatch: { "tauri:options": { application } } },
        });
        this.session = v.sessionId;
        return;
      } catch (e) {
        last = e;
        await sleep(500);
      }
    }
    throw last;
  }

  async close() {
    if (this.session) await this.req("DELETE", `/session/${this.session}`).catch(() => {});
    this.session = null;
  }

  async quit() {
    await this.close();
    const running = () => this.proc.exitCode === null && this.proc.signalCode === null;
    const exited = running() ? new Promise((r) => this.proc.once("exit", r)) : Promise.resolve();
    const signal = (sig) => {
      try {
        process.kill(-this.proc.pid, sig);
      } catch {
        this.proc.kill(sig);
      }
    };
    signal("SIGTERM");
    // An app that outlived the group must not keep the test process waiting on its output.
    this.proc.stdout.destroy();
    this.proc.stderr.destroy();
    // Wait until tauri-driver and WebKitWebDriver are gone and their ports free: the next launch on the
    // same ports would otherwise find the dying ones listening, send its new session to them ("fetch
    // failed") while the new tauri-driver could not bind its port.
    await Promise.race([exited, sleep(5000)]);
    if (running()) {
      signal("SIGKILL");
      await Promise.race([exited, sleep(2000)]);
    }
    await waitClosed(PORT, 5000);
    await waitClosed(NATIVE_PORT, 5000);
  }

  async setSize(width, height) {
    await this.req("POST", this.s("/window/rect"), { x: 0, y: 0, width, height }).catch(() => {});
  }

  async exec(script, ...args) {
    return this.req("POST", this.s("/execute/sync"), { script, args });
  }

  /** Waits until `fn` returns a truthy value. */
  async until(what, fn, ms = 10000) {
    const end = Date.now() + ms;
    let last;
    while (Date.now() < end) {
      try {
        const v = await fn();
        if (v) return v;
      } catch (e) {
        last = e;
      }
      await sleep(100);
    }
    await this.keepFailure(`timed out waiting for ${what}`);
    throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
  }

  /**
   * When PHONGTRAO_E2E_FAILED names a folder, keeps what the window showed when a step failed: a
   * screenshot and the page's text, named by the time and the step, so that a failure seen once under
   * load can be read afterwards. Never throws (the step's own error is the one reported).
   */
  async keepFailure(what) {
    const dir = process.env.PHONGTRAO_E2E_FAILED;
    if (!dir || !this.session) return;
    try {
      fs.mkdirSync(dir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, "-")}-${what.replace(/[^\p{L}\p{N}]+/gu, "_").slice(0, 80)}`;
      const b64 = await this.req("GET", this.s("/screenshot"));
      fs.writeFileSync(path.join(dir, `${name}.png`), Buffer.from(b64, "base64"));
      const text = await this.exec("return document.body.innerText");
      fs.writeFileSync(path.join(dir, `${name}.txt`), `${what}\n\n${text}`);
    } catch {
      // the window may be gone: nothing to keep
    }
  }

  /** The first element matching `css`, waiting for it (and, by default, for it to be displayed). */
  async find(css, ms = 10000) {
    return this.until(`«${css}»`, async () => {
      const els = await this.req("POST", this.s("/elements"), { using: "css selector", value: css });
      for (const e of els) {
        const id = e[ELEMENT];
        if (await this.req("GET", this.s(`/element/${id}/displayed`))) return id;
      }
      return null;
    }, ms);
  }

  async count(css) {
    return (await this.req("POST", this.s("/elements"), { using: "css selector", value: css })).length;
  }

  /** The element whose text contains `text`, among those matching `css`. */
  async findText(css, text, ms = 10000) {
    return this.until(`«${css}» containing «${text}»`, async () => {
      const els = await this.req("POST", this.s("/elements"), { using: "css selector", value: css });
      for (const e of els) {
        const id = e[ELEMENT];
        const t = await this.req("GET", this.s(`/element/${id}/text`));
        if (t.includes(text)) return id;
      }
      return null;
    }, ms);
  }

  /** Clicks `css` as an officer would. If something still lies over it (a dialog opening, a notice
   * fading), WebDriver says "element click intercepted" and the click did not happen: it is tried
   * again until it reaches the element. Any other failure fails at once. */
  async click(css) {
    await this.clickWhenFree(() => this.find(css));
  }

  async clickText(css, text) {
    await this.clickWhenFree(() => this.findText(css, text));
  }

  async clickWhenFree(element) {
    const end = Date.now() + 10000;
    for (;;) {
      const id = await element();
      try {
        await this.req("POST", this.s(`/element/${id}/click`), {});
        return;
      } catch (e) {
        if (e.value?.error !== "element click intercepted" || Date.now() > end) {
          await this.keepFailure(`click failed: ${e.value?.error ?? e.message}`);
          throw e;
        }
      }
      await sleep(100);
    }
  }

  /** Clears the input and types `text` into it, as the officer would (nothing: only cleared). */
  async type(css, text) {
    const id = await this.find(css);
    try {
      await this.req("POST", this.s(`/element/${id}/clear`), {});
      // WebKitWebDriver refuses an empty text ("Missing text parameter").
      if (text !== "") await this.req("POST", this.s(`/element/${id}/value`), { text });
    } catch (e) {
      await this.keepFailure(`typing into ${css} failed: ${e.value?.error ?? e.message}`);
      throw e;
    }
  }

  async keys(css, text) {
    const id = await this.find(css);
    await this.req("POST", this.s(`/element/${id}/value`), { text });
  }

  /**
   * Presses a key chord on whatever has the focus, as the officer does: `press("\uE00A", "2")` is
   * Alt+2, `press("\uE009", "k")` is Ctrl+K (WebDriver key codes: Control \uE009, Alt \uE00A,
   * Enter \uE007, Escape \uE00C, ArrowDown \uE015).
   */
  async press(...keys) {
    const actions = [...keys.map((value) => ({ type: "keyDown", value })), ...keys.reverse().map((value) => ({ type: "keyUp", value }))];
    await this.req("POST", this.s("/actions"), { actions: [{ type: "key", id: "keyboard", actions }] });
    await this.req("DELETE", this.s("/actions")).catch(() => {});
  }

  /** Chooses an option of a <select> by its value. */
  async select(css, value) {
    await this.find(css);
    await this.exec(
      `const el = document.querySelector(arguments[0]); el.value = arguments[1];
       el.dispatchEvent(new Event("change", { bubbles: true })); el.dispatchEvent(new Event("input", { bubbles: true }));`,
      css,
      value,
    );
  }

  /** The current value of an input. */
  async value(css) {
    const id = await this.find(css);
    return this.req("GET", this.s(`/element/${id}/property/value`));
  }

  async text(css) {
    const id = await this.find(css);
    return this.req("GET", this.s(`/element/${id}/text`));
  }

  /** Waits until the page has painted its latest state (two animation frames, then a short pause). */
  async painted() {
    await this.req("POST", this.s("/execute/async"), {
      script: "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 200)));",
      args: [],
    });
  }

  async screenshot(file) {
    await this.painted();
    const b64 = await this.req("GET", this.s("/screenshot"));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.from(b64, "base64"));
  }
}
