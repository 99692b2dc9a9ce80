// Browser test of the embedded UI against a real lookout process.
//
// Builds ./cmd/lookout (or uses $LOOKOUT_BIN), starts it on loopback with
// ports chosen by the kernel, sends a trace and logs over OTLP/HTTP JSON and
// a Rollbar item, then drives Chromium (playwright-core, system browser at
// $CHROMIUM or /usr/bin/chromium) through Traces, the trace view, Logs,
// Errors, Log groups and Status. On failure it saves a screenshot under
// ui/test-results/ and exits 1. Run: `node test/browser.mjs` in ui/.

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { chromium } from "playwright-core";

const uiDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repo = resolve(uiDir, "..");
const TOTAL_TIMEOUT_MS = 180_000;
const STEP_TIMEOUT_MS = 15_000;
const started = Date.now();
const tmp = mkdtempSync(join(tmpdir(), "lookout-ui-test-"));
let server, context, page;
let failed = false;

const log = (...a) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s]`, ...a);

const watchdog = setTimeout(() => {
  console.error(`browser test: over ${TOTAL_TIMEOUT_MS / 1000}s, giving up`);
  void finish(new Error("timeout"));
}, TOTAL_TIMEOUT_MS);

async function startLookout() {
  let bin = process.env.LOOKOUT_BIN;
  if (!bin) {
    bin = join(tmp, "lookout");
    log("go build ./cmd/lookout");
    execFileSync("go", ["build", "-o", bin, "./cmd/lookout"], { cwd: repo, stdio: "inherit" });
  }
  const args = ["serve", "--data-dir", join(tmp, "data"), "--http-addr", "127.0.0.1:0", "--otlp-grpc-addr", "127.0.0.1:0",
    "--otlp-http-addr", "127.0.0.1:0", "--xray-addr", "127.0.0.1:0", "--log-format", "json"];
  server = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
  const stderr = [];
  return await new Promise((resolveAddrs, reject) => {
    const timer = setTimeout(() => reject(new Error("lookout did not start in 60s:\n" + stderr.join(""))), 60_000);
    let buf = "";
    server.stderr.setEncoding("utf8");
    server.stderr.on("data", (chunk) => {
      stderr.push(chunk);
      buf += chunk;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try {
          const rec = JSON.parse(line);
          if (rec.msg === "lookout started") {
            clearTimeout(timer);
            resolveAddrs({ http: rec.http, otlpHTTP: rec.otlp_http });
          }
          if (rec.level === "ERROR") console.error("lookout:", line);
        } catch {
          // not a JSON line
        }
      }
    });
    server.on("exit", (code) => reject(new Error(`lookout exited with ${code}:\n${stderr.join("")}`)));
  });
}

async function post(url, body, headers = {}) {
  const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(STEP_TIMEOUT_MS) });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${text}`);
  return text;
}

const str = (key, v) => ({ key, value: { stringValue: v } });

async function sendData(addrs, ids) {
  const now = BigInt(Date.now()) * 1_000_000n;
  const ms = (n) => String(now - BigInt(n) * 1_000_000n);
  const resource = { attributes: [str("service.name", ids.service)] };
  const span = (spanId, parentSpanId, name, from, to, extra = {}) => ({
    traceId: ids.trace, spanId, parentSpanId, name, kind: parentSpanId ? 1 : 2, startTimeUnixNano: ms(from), endTimeUnixNano: ms(to), ...extra,
  });
  await post(`http://${addrs.otlpHTTP}/v1/traces`, {
    resourceSpans: [{ resource, scopeSpans: [{ scope: { name: "ui-test" }, spans: [
      span(ids.root, undefined, "GET /checkout", 120, 0, { attributes: [str("http.request.method", "GET"), { key: "http.response.status_code", value: { intValue: "500" } }], status: { code: 2, message: "charge failed" } }),
      span(ids.child, ids.root, "load-cart", 110, 60, { attributes: [str("cart.id", "c-42")] }),
      span(ids.grandchild, ids.child, "charge-card", 50, 10),
      span(ids.orphan, ids.missing, "late-callback", 40, 30),
    ] }] }],
  });
  await post(`http://${addrs.otlpHTTP}/v1/logs`, {
    resourceLogs: [{ resource, scopeLogs: [{ scope: { name: "ui-test" }, logRecords: [
      { timeUnixNano: ms(55), severityNumber: 17, severityText: "ERROR", body: { stringValue: ids.logBody }, traceId: ids.trace, spanId: ids.grandchild, attributes: [str("payment.provider", "acme")] },
    ] }] }],
  });
  await post(`http://${addrs.http}/api/1/item/`, {
    data: {
      environment: "ui-test", level: "error",
      body: { trace: { frames: [{ filename: "shop/checkout.js", method: "charge", lineno: 12 }], exception: { class: "PaymentError", message: ids.errorMessage } } },
      custom: { trace_id: ids.trace },
    },
  }, { "X-Rollbar-Access-Token": "any-token-open-local-mode" });
  await post(`http://${addrs.http}/`, { logGroupName: "/ui-test/shop" }, { "X-Amz-Target": "Logs_20140328.CreateLogGroup", "Content-Type": "application/x-amz-json-1.1" });
}

/** see waits until an element matching selector and containing text is visible. */
async function see(selector, text) {
  const loc = text === undefined ? page.locator(selector).first() : page.locator(selector, { hasText: text }).first();
  await loc.waitFor({ state: "visible", timeout: STEP_TIMEOUT_MS });
  return loc;
}

async function run() {
  const hex = (n) => randomBytes(n).toString("hex");
  const ids = {
    trace: hex(16), root: hex(8), child: hex(8), grandchild: hex(8), orphan: hex(8), missing: hex(8),
    service: "ui-test-shop", logBody: `card declined ${hex(4)}`, errorMessage: `declined ${hex(4)}`,
  };
  const addrs = await startLookout();
  log("lookout at", addrs.http);
  await sendData(addrs, ids);
  log("data sent");

  const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath} (apt-get install chromium, or set CHROMIUM)`);
  context = await chromium.launchPersistentContext(join(tmp, "profile"), {
    executablePath,
    headless: true,
    timeout: 30_000,
    viewport: { width: 1400, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && pageErrors.push(m.text()));
  const base = `http://${addrs.http}`;

  // Traces: search by tags, find the trace, open it.
  await page.goto(base + "/", { waitUntil: "domcontentloaded" });
  await see("h1", "Traces");
  await page.fill("#trace-search input[name=tags]", `service.name=${ids.service}`);
  await page.click("#trace-search button[type=submit]");
  await see("tr.trace-hit", "GET /checkout");
  log("traces: search found the trace");
  await page.locator("tr.trace-hit", { hasText: ids.trace }).locator("a", { hasText: "GET /checkout" }).click();

  // Trace view: waterfall rows, lint, errors, log lines, span attributes.
  await see("#waterfall");
  for (const name of ["GET /checkout", "load-cart", "charge-card", "late-callback"]) await see("#waterfall .wf-name", name);
  await see("#lint", "orphan");
  await see("#trace-errors", ids.errorMessage);
  await see("#trace-logs .log-line", ids.logBody);
  await page.locator(".wf-row", { hasText: "load-cart" }).click();
  await see("#span-detail", "cart.id");
  log("trace: waterfall, lint, errors, logs and span detail shown");

  // From the trace to its error item.
  await page.locator("#trace-errors a", { hasText: ids.errorMessage }).click();
  await see("#item-title", ids.errorMessage);
  await see("#item-actions button", "resolve");
  log("error item opened from the trace");

  // Logs page: the line links back to its trace.
  await page.goto(`${base}/#/logs?service=${ids.service}`);
  const line = await see(".log-line", ids.logBody);
  await line.locator("a.trace-link").click();
  await see("#waterfall .wf-name", "charge-card");
  log("logs: line links to its trace");

  // Errors list (all levels by default) and resolving the item.
  await page.goto(`${base}/#/errors`);
  await see("tr.item-row", ids.errorMessage);
  await see("#level-filter button.on", "all");
  await page.locator("tr.item-row a", { hasText: ids.errorMessage }).click();
  await page.locator("#item-actions button", { hasText: /^resolve$/ }).click();
  await see("#item-actions .status", "resolved");
  log("errors: item listed and resolved");

  // Log groups: the group without retention is flagged.
  await page.goto(`${base}/#/groups`);
  await see("tr", "/ui-test/shop");
  await see("tr", "never expire");

  // Status: the service appears with its stored data.
  await page.goto(`${base}/#/status`);
  await see("tr.stream-row .service", ids.service);
  await see("tr.stream-row", "silent for");
  log("groups and status shown");

  // A client-side route survives a reload through the server's index fallback.
  const res = await page.goto(`${base}/some/client/route`);
  if (res?.status() !== 200) throw new Error(`index fallback: status ${res?.status()}`);
  await see("h1", "Traces");

  if (pageErrors.length) throw new Error("errors in the page:\n" + pageErrors.join("\n"));
}

async function finish(err) {
  clearTimeout(watchdog);
  if (err) {
    failed = true;
    console.error("browser test FAILED:", err?.stack ?? err);
    if (page) {
      const dir = join(uiDir, "test-results");
      mkdirSync(dir, { recursive: true });
      const shot = join(dir, "failure.png");
      await page.screenshot({ path: shot, fullPage: true, timeout: 10_000 }).then(
        () => console.error("screenshot:", shot, "at", page.url()),
        (e) => console.error("no screenshot:", e.message),
      );
    }
  }
  await context?.close().catch(() => {});
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((r) => {
      const t = setTimeout(() => (server.kill("SIGKILL"), r()), 10_000);
      server.on("exit", () => (clearTimeout(t), r()));
    });
  }
  rmSync(tmp, { recursive: true, force: true });
  if (!failed) log("browser test passed");
  process.exit(failed ? 1 : 0);
}

run().then(() => finish(), finish);
