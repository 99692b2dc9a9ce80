// Browser test of the embedded UI against a real lookout process.
//
// Builds ./cmd/lookout (or uses $LOOKOUT_BIN), starts it on loopback with
// ports chosen by the kernel, sends a trace and logs over OTLP/HTTP JSON and
// a Rollbar item, and spans of three services whose slow spans share an
// attribute, log lines of several severities, CloudWatch Logs events, and
// X-Ray segment documents over UDP (one refused, two naming one service
// twice), then drives Chromium (playwright-core, system browser at
// $CHROMIUM or /usr/bin/chromium) through Traces, the trace view, Logs,
// Errors, Log groups (drill-down), Status, the service page and Query
// (charts, heatmap, BubbleUp, the logs source). On failure it saves a
// screenshot under ui/test-results/ and exits 1. Run: `node test/browser.mjs` in ui/.

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { chromium } from "playwright-core";

const uiDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repo = resolve(uiDir, "..");
const TOTAL_TIMEOUT_MS = 180_000;
const STEP_TIMEOUT_MS = 15_000;
const started = Date.now();
const tmp = mkdtempSync(join(tmpdir(), "lookout-ui-test-"));
let server, context, page;
let failed = false;
let expected400 = 0;
let expected404 = 0;

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
            resolveAddrs({ http: rec.http, otlpHTTP: rec.otlp_http, xrayUDP: rec.xray_udp });
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
      span(ids.grandchild, ids.child, "charge-card", 50, 10, { events: [{ timeUnixNano: ms(20), name: "exception", attributes: [str("exception.type", "PaymentError")] }] }),
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

/** LOG_LEVELS: the log lines of service ui-test-logs, by severity (OTLP numbers 9, 13, 17). */
const LOG_LEVELS = { INFO: [9, 3], WARN: [13, 2], ERROR: [17, 1] };

/** sendLogLevels sends LOG_LEVELS' lines over OTLP/HTTP JSON in the last few minutes. */
async function sendLogLevels(addrs) {
  const now = BigInt(Date.now()) * 1_000_000n;
  const logRecords = [];
  let k = 0;
  for (const [text, [num, count]] of Object.entries(LOG_LEVELS)) {
    for (let i = 0; i < count; i++) {
      logRecords.push({ timeUnixNano: String(now - BigInt(++k) * 7_000_000_000n), severityNumber: num, severityText: text, body: { stringValue: `${text.toLowerCase()} line ${i}` } });
    }
  }
  await post(`http://${addrs.otlpHTTP}/v1/logs`, { resourceLogs: [{ resource: { attributes: [str("service.name", "ui-test-logs")] }, scopeLogs: [{ scope: { name: "ui-test" }, logRecords }] }] });
}

/** CW_STREAMS: the events sent to log group /ui-test/shop, per stream. */
const CW_GROUP = "/ui-test/shop";
const CW_STREAMS = { "web-1": 3, "web-2": 2 };

/** sendCloudWatch creates the streams of CW_GROUP (created by sendData) and puts their events over the CloudWatch Logs API. */
async function sendCloudWatch(addrs) {
  const cw = (op, body) => post(`http://${addrs.http}/`, body, { "X-Amz-Target": `Logs_20140328.${op}`, "Content-Type": "application/x-amz-json-1.1" });
  for (const [stream, n] of Object.entries(CW_STREAMS)) {
    await cw("CreateLogStream", { logGroupName: CW_GROUP, logStreamName: stream });
    const now = Date.now();
    const logEvents = Array.from({ length: n }, (_, i) => ({ timestamp: now - (n - i) * 1000, message: `${stream} request ${i} served` }));
    await cw("PutLogEvents", { logGroupName: CW_GROUP, logStreamName: stream, logEvents });
  }
}

/** xrayTraceId writes a 32-hex trace id in X-Ray's form. */
const xrayTraceId = (hex) => `1-${hex.slice(0, 8)}-${hex.slice(8)}`;

/**
 * sendXRay sends daemon-protocol datagrams to lookout's X-Ray UDP address:
 * a document of ids.trace and ids.service without start_time (refused:
 * missing_start_time / MissingStartTime), and two good segments of one
 * service (requests on port 8080) named ids.service and, by the request's
 * Host header, api.shop.test; and a refused document of ids.lostTrace
 * (service ui-test-lost), whose trace then has no span at all. Returns the
 * first refused document's id.
 */
async function sendXRay(addrs, ids) {
  const [host, port] = [addrs.xrayUDP.slice(0, addrs.xrayUDP.lastIndexOf(":")), Number(addrs.xrayUDP.slice(addrs.xrayUDP.lastIndexOf(":") + 1))];
  const now = Date.now() / 1000;
  const epoch = Math.floor(now).toString(16).padStart(8, "0");
  const refusedId = randomBytes(8).toString("hex");
  const docs = [
    { name: ids.service, id: refusedId, trace_id: xrayTraceId(ids.trace), end_time: now - 0.02 },
    { name: "ui-test-lost", id: randomBytes(8).toString("hex"), trace_id: xrayTraceId(ids.lostTrace), start_time: now - 0.05 }, // no end_time, not in progress
    ...[["localhost:8080", ids.service], ["api.shop.test:8080", "api.shop.test"]].map(([h, name]) => ({
      name, id: randomBytes(8).toString("hex"), trace_id: `1-${epoch}-${randomBytes(12).toString("hex")}`, start_time: now - 0.05, end_time: now - 0.03,
      http: { request: { method: "GET", url: `http://${h}/checkout` }, response: { status: 200 } },
    })),
  ];
  const sock = createSocket(host.includes(":") ? "udp6" : "udp4");
  try {
    for (const d of docs) {
      const msg = Buffer.from('{"format": "json", "version": 1}\n' + JSON.stringify(d));
      await new Promise((res, rej) => sock.send(msg, port, host.replace(/^\[|\]$/g, ""), (err) => (err ? rej(err) : res())));
    }
  } finally {
    sock.close();
  }
  return refusedId;
}

/** getJSON reads a lookout API answer. */
async function getJSON(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** eventually polls check (which returns a truthy value when done) for at most STEP_TIMEOUT_MS. */
async function eventually(what, check) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let last;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${STEP_TIMEOUT_MS / 1000}s` + (last ? ` (${last.message})` : ""));
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * sendQueryData sends spans of a few services over the last 50 minutes with
 * whole-millisecond durations: the slow ones (600–1099 ms) all carry
 * db.shard=shard-7, the fast ones (5–94 ms) shard-0..4. Returns the
 * durations sent per service.
 */
async function sendQueryData(addrs, plan) {
  const now = Date.now();
  const sent = {};
  let k = 0;
  const resourceSpans = plan.map(({ service, count, slow }) => {
    sent[service] = [];
    const spans = [];
    for (let i = 0; i < count; i++) {
      const isSlow = i < slow;
      const dur = isSlow ? 600 + ((i * 37) % 500) : 5 + ((i * 13) % 90);
      const start = now - 50 * 60_000 + ((k++ * 1_234_567) % (45 * 60_000)); // spread over 45 minutes
      sent[service].push(dur);
      spans.push({
        traceId: randomBytes(16).toString("hex"), spanId: randomBytes(8).toString("hex"), name: "GET /items", kind: 2,
        startTimeUnixNano: String(BigInt(start) * 1_000_000n), endTimeUnixNano: String(BigInt(start + dur) * 1_000_000n),
        attributes: [str("db.shard", isSlow ? "shard-7" : `shard-${i % 5}`), str("http.route", "/items")],
      });
    }
    return { resource: { attributes: [str("service.name", service)] }, scopeSpans: [{ scope: { name: "ui-test" }, spans }] };
  });
  await post(`http://${addrs.otlpHTTP}/v1/traces`, { resourceSpans });
  return sent;
}

/** p99 is DuckDB's quantile_cont(0.99): linear interpolation at rank 0.99·(n−1). */
function p99(values) {
  const v = [...values].sort((a, b) => a - b);
  const pos = 0.99 * (v.length - 1);
  const lo = Math.floor(pos);
  return v[lo] + (v[Math.min(lo + 1, v.length - 1)] - v[lo]) * (pos - lo);
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
    trace: hex(16), lostTrace: hex(16), root: hex(8), child: hex(8), grandchild: hex(8), orphan: hex(8), missing: hex(8),
    service: "ui-test-shop", logBody: `card declined ${hex(4)}`, errorMessage: `declined ${hex(4)}`,
  };
  const addrs = await startLookout();
  log("lookout at", addrs.http);
  await sendData(addrs, ids);
  const plan = [
    { service: "qt-checkout", count: 40, slow: 8 },
    { service: "qt-frontend", count: 25, slow: 4 },
    { service: "qt-inventory", count: 15, slow: 3 },
  ];
  const sent = await sendQueryData(addrs, plan);
  await sendLogLevels(addrs);
  await sendCloudWatch(addrs);
  ids.refusedDoc = await sendXRay(addrs, ids);
  // UDP is read and committed in the background: wait for the refusal and both names.
  const base = `http://${addrs.http}`;
  await eventually("the refused X-Ray document", async () => (await getJSON(`${base}/api/services/${ids.service}/lint`)).counts?.["rejected-document"] === 1);
  await eventually("the refused document of a trace without spans", async () => (await getJSON(`${base}/api/traces/${ids.lostTrace}/lint`)).findings?.length === 1);
  await eventually("the X-Ray segment names", async () =>
    (await getJSON(`${base}/api/xray/naming`)).services.some((s) => s.names.some((n) => n.name === ids.service) && s.names.some((n) => n.name === "api.shop.test")),
  );
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
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    // The one 400 the test asks for (a bad granularity) is logged by the browser too.
    if (expected400 > 0 && /status of 400/.test(m.text()) && m.location().url.includes("/api/query")) return void expected400--;
    // So is the 404 of a trace without spans (all its documents refused).
    if (expected404 > 0 && /status of 404/.test(m.text()) && m.location().url.includes("/api/traces/")) return void expected404--;
    pageErrors.push(m.text());
  });

  // Traces: search by tags, find the trace, open it.
  await page.goto(base + "/", { waitUntil: "domcontentloaded" });
  await see("h1", "Traces");
  await page.fill("#trace-search input[name=tags]", `service.name=${ids.service}`);
  await page.click("#trace-search button[type=submit]");
  await see("tr.trace-hit", "GET /checkout");
  const svcHref = await page.locator("tr.trace-hit", { hasText: ids.trace }).locator("a.service-link").getAttribute("href");
  if (svcHref !== `#/service/${ids.service}`) throw new Error(`traces: the root service links to ${svcHref}`);
  log("traces: search found the trace");
  await page.locator("tr.trace-hit", { hasText: ids.trace }).locator("a", { hasText: "GET /checkout" }).click();

  // Trace view: waterfall rows, lint, errors, log lines, span attributes.
  await see("#waterfall");
  for (const name of ["GET /checkout", "load-cart", "charge-card", "late-callback"]) await see("#waterfall .wf-name", name);
  await see("#lint", "orphan");
  // The refused X-Ray document of the trace, with its details; the excerpt opens.
  const refused = '#lint li.finding[data-rule="rejected-document"]';
  await see(`${refused} .reason`, "missing_start_time");
  await see(`${refused} .error-code`, "MissingStartTime");
  await see(`${refused} .doc-id`, ids.refusedDoc);
  await page.locator(`${refused} details.excerpt-box summary`).click();
  await see(`${refused} pre.excerpt`, `"trace_id":"${xrayTraceId(ids.trace)}"`);
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
  await groupChecks();

  // Status: the service appears with its stored data.
  await page.goto(`${base}/#/status`);
  await see("tr.stream-row .service", ids.service);
  await see("tr.stream-row", "silent for");
  log("groups and status shown");
  await page.locator("tr.stream-row a.service-link", { hasText: new RegExp(`^${ids.service}$`) }).first().click();
  await serviceChecks(base, ids);

  await queryChecks(base, plan, sent);
  await logsQueryChecks(base);

  // A client-side route survives a reload through the server's index fallback.
  const res = await page.goto(`${base}/some/client/route`);
  if (res?.status() !== 200) throw new Error(`index fallback: status ${res?.status()}`);
  await see("h1", "Traces");

  if (pageErrors.length) throw new Error("errors in the page:\n" + pageErrors.join("\n"));
}

/** queryChecks drives #/query: builder errors, results, charts, heatmap, BubbleUp and adding a filter. */
async function queryChecks(base, plan, sent) {
  await page.goto(`${base}/#/query`);
  await see("h1", "Query");
  await see("#nav a.active", "Query");
  await see("#query-results tr.query-row"); // the default query: COUNT over the last hour

  // A bad calculation is named next to the form; so is the server's 400.
  await page.fill("#query-form input[name=calcs]", "COUNT, FOO(x)");
  await page.click("#query-form button[type=submit]");
  await see("#query-error", 'VISUALIZE: "FOO(x)"');
  await page.fill("#query-form input[name=calcs]", "COUNT");
  await page.fill("#query-form input[name=gran]", "1");
  expected400 = 1;
  await page.click("#query-form button[type=submit]");
  await see("#query-error", "granularity");
  await see("#query-error", "more than 2000 buckets");
  log("query: client and server errors shown next to the form");

  // The column datalist follows the list being typed: after "P99(" it offers "P99(<column>)".
  await page.fill("#query-form input[name=calcs]", "COUNT, P99(");
  await page.waitForFunction(() => [...document.querySelectorAll("#dl-calcs option")].some((o) => o.value === "COUNT, P99(duration_ms)"), null, { timeout: STEP_TIMEOUT_MS });
  // Span event columns (the charge-card span's exception event) are offered too.
  await page.waitForFunction(() => ["event.name", "event.exception.type"].every((n) => [...document.querySelectorAll("#dl-group option")].some((o) => o.value === n)), null, { timeout: STEP_TIMEOUT_MS });

  await page.fill("#query-form input[name=gran]", "");
  await page.fill("#query-form input[name=calcs]", "P99(duration_ms), COUNT, HEATMAP(duration_ms)");
  await page.fill("#query-form input[name=group]", "service.name");
  await page.click("#query-form button[type=submit]");
  await page.waitForFunction(() => location.hash.includes("group=service.name"), null, { timeout: STEP_TIMEOUT_MS });
  await see("#query-results tr.query-row", "qt-checkout");
  if ((await page.locator("#query-error .alert").count()) !== 0) throw new Error("query: error box left after a good run");

  // The table: COUNT and P99 per service as sent.
  const checkTable = async (want) => {
    for (const [service, durs] of Object.entries(want)) {
      const row = page.locator("#query-results tr.query-row", { has: page.locator("td.bd", { hasText: new RegExp(`^${service}$`) }) });
      const count = await row.locator('td[data-calc="COUNT"]').getAttribute("data-value", { timeout: STEP_TIMEOUT_MS });
      if (Number(count) !== durs.length) throw new Error(`query: COUNT of ${service} is ${count}, sent ${durs.length}`);
      const p = Number(await row.locator('td[data-calc="P99(duration_ms)"]').getAttribute("data-value"));
      if (Math.abs(p - p99(durs)) > 1e-6 * p99(durs)) throw new Error(`query: P99 of ${service} is ${p}, want ${p99(durs)}`);
    }
  };
  await checkTable(sent);
  const rows = await page.locator("#query-results tr.query-row").count();
  // Besides the plan: the trace's service, and api.shop.test (an X-Ray segment named after its request's Host).
  if (rows !== plan.length + 2) throw new Error(`query: ${rows} groups, want ${plan.length + 2} (the trace's service and api.shop.test too)`);

  // A line chart per non-HEATMAP calculation, a line per group; the heatmap's cells add up to every span.
  for (const calc of ["P99(duration_ms)", "COUNT"]) {
    const n = await page.locator(`svg.line-chart[data-calc="${calc}"] g.series`).count();
    if (n !== rows) throw new Error(`query: ${calc} chart has ${n} lines, want ${rows}`);
    await see(`svg.line-chart[data-calc="${calc}"] text.x-start`);
  }
  const hm = page.locator('svg.heatmap[data-calc="HEATMAP(duration_ms)"]');
  await hm.waitFor({ state: "visible", timeout: STEP_TIMEOUT_MS });
  const counts = await hm.locator("rect.hm-cell").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-count"))));
  const totalCount = await page.locator('#query-results td[data-calc="COUNT"]').evaluateAll((els) => els.reduce((a, e) => a + Number(e.getAttribute("data-value")), 0));
  const cellSum = counts.reduce((a, b) => a + b, 0);
  if (!counts.length || cellSum !== totalCount) throw new Error(`query: heatmap cells count ${cellSum} spans, the table ${totalCount}`);
  const allDurs = Object.values(sent).flat();
  const hmMax = Number(await hm.getAttribute("data-max"));
  if (hmMax !== Math.max(...allDurs) || Number(await hm.getAttribute("data-min")) > Math.min(...allDurs)) {
    throw new Error(`query: heatmap axis ${await hm.getAttribute("data-min")}..${hmMax}, sent ${Math.min(...allDurs)}..${Math.max(...allDurs)}`);
  }
  log(`query: ${rows} groups, COUNT and P99 as sent, 2 line charts, heatmap of ${cellSum} spans`);

  // The query is in the URL: a reload shows it again.
  await page.reload();
  await see("#query-results tr.query-row", "qt-inventory");
  if ((await page.inputValue("#query-form input[name=group]")) !== "service.name") throw new Error("query: GROUP BY lost on reload");

  // BubbleUp from the form (keyboard path): every span of 500 ms or more.
  const slowTotal = plan.reduce((a, p) => a + p.slow, 0);
  const topColumn = async () => {
    await see("#bubbleup-results .bu-column");
    const inside = Number(await page.locator("#bu-inside").textContent());
    if (inside !== slowTotal) throw new Error(`bubbleup: ${inside} spans inside, want ${slowTotal}`);
    const cols = await page.locator("#bubbleup-results .bu-column").evaluateAll((els) => els.map((e) => e.getAttribute("data-column")));
    const first = cols.filter((c) => c !== "duration_ms")[0];
    if (first !== "db.shard") throw new Error(`bubbleup: the first column is ${first}, want db.shard (all: ${cols.join(", ")})`);
    const score = await page.locator('.bu-column[data-column="db.shard"] .bu-score').textContent();
    if (score !== "1.00") throw new Error(`bubbleup: db.shard scores ${score}, want 1.00`);
  };
  await page.fill("#bubbleup-form input[name=min]", "500");
  await page.click("#bubbleup-form button[type=submit]");
  await topColumn();
  await see("svg.heatmap rect.hm-selection[visibility=visible]");
  log("bubbleup (form): db.shard ranked first");

  // BubbleUp by dragging over the upper half of the heatmap (values above ~550 ms).
  await page.locator("#bubbleup-results").evaluate((el) => el.replaceChildren());
  const plot = await hm.locator("rect.hm-plot").boundingBox();
  await page.mouse.move(plot.x + 2, plot.y + 2);
  await page.mouse.down();
  await page.mouse.move(plot.x + plot.width / 2, plot.y + plot.height * 0.3, { steps: 4 });
  await page.mouse.move(plot.x + plot.width - 2, plot.y + plot.height * 0.45, { steps: 4 });
  await page.mouse.up();
  const min = Number(await page.inputValue("#bubbleup-form input[name=min]"));
  if (!(min > 94 && min < 600)) throw new Error(`bubbleup: the drag selected values from ${min}`);
  await topColumn();
  log(`bubbleup (drag): values ≥ ${min.toFixed(0)} ms, db.shard ranked first`);

  // Clicking a value adds it to WHERE and runs the query: only the slow spans remain.
  await page.locator('.bu-column[data-column="db.shard"] button.bu-add', { hasText: /^shard-7$/ }).click();
  await page.waitForFunction(() => decodeURIComponent(location.hash.replace(/\+/g, " ")).includes("db.shard = shard-7"), null, { timeout: STEP_TIMEOUT_MS });
  await see("#query-results tr.query-row", "qt-checkout");
  if ((await page.inputValue("#query-form textarea[name=where]")).trim() !== "db.shard = shard-7") throw new Error("bubbleup: WHERE does not hold the clicked value");
  await checkTable(Object.fromEntries(Object.entries(sent).map(([s, d]) => [s, d.filter((x) => x >= 600)])));
  const filteredRows = await page.locator("#query-results tr.query-row").count();
  if (filteredRows !== plan.length) throw new Error(`bubbleup filter: ${filteredRows} groups, want ${plan.length}`);
  log("bubbleup: clicking shard-7 added the filter; counts are the slow spans");
}

/** groupChecks: from #/groups, a group opens its events on Logs: counts per stream (and severity) as sent, and its lines. */
async function groupChecks() {
  await page.locator("a.group-link", { hasText: CW_GROUP }).click();
  await see("#log-group", CW_GROUP);
  await see("#group-counts tr.group-count");
  const shown = await page.locator("#group-counts tr.group-count").evaluateAll((els) => els.map((e) => [e.dataset.stream, e.dataset.severity, Number(e.querySelector("td[data-count]").dataset.count)]));
  const want = Object.entries(CW_STREAMS).map(([stream, n]) => [stream, "", n]);
  if (JSON.stringify(shown) !== JSON.stringify(want)) throw new Error(`group drill-down: counts ${JSON.stringify(shown)}, want ${JSON.stringify(want)}`);
  await see(".log-line", "web-2 request 1 served");
  const lines = await page.locator(".log-line").count();
  const total = Object.values(CW_STREAMS).reduce((a, b) => a + b, 0);
  if (lines !== total) throw new Error(`group drill-down: ${lines} lines, want ${total}`);
  log("groups: the group opens its counts per stream and its lines");
}

/** serviceChecks: the service page (reached from Status) shows the rule counts, the refused document and the two segment names. */
async function serviceChecks(base, ids) {
  await see("#service-name", ids.service);
  await see("#rule-counts tr.rule-count");
  const shown = Object.fromEntries(await page.locator("#rule-counts tr.rule-count").evaluateAll((els) => els.map((e) => [e.dataset.rule, Number(e.querySelector("td[data-count]").dataset.count)])));
  const api = (await getJSON(`${base}/api/services/${ids.service}/lint`)).counts;
  const sorted = (o) => JSON.stringify(Object.entries(o).sort());
  if (sorted(shown) !== sorted(api)) throw new Error(`service: rule counts ${sorted(shown)}, the API says ${sorted(api)}`);
  if (shown["rejected-document"] !== 1 || shown.orphan !== 1) throw new Error(`service: rule counts ${sorted(shown)}, want one rejected-document and one orphan`);
  const doc = page.locator("#rejected-docs .rejected-doc");
  await see("#rejected-docs .rejected-doc .reason", "missing_start_time");
  await see("#rejected-docs .rejected-doc .error-code", "MissingStartTime");
  await see("#rejected-docs .rejected-doc pre.excerpt", ids.refusedDoc);
  if ((await doc.count()) !== 1) throw new Error(`service: ${await doc.count()} refused documents, want 1`);
  await see("#lint-traces a", ids.trace);
  await see("#naming-alert", "2 names");
  await see('#naming tr.segment-name[data-name="api.shop.test"]', "request Host header");
  await see(`#naming tr.segment-name[data-name="${ids.service}"]`);
  // The refused document links to its trace.
  const link = await doc.locator("a.trace-link").getAttribute("href");
  if (link !== `#/trace/${ids.trace}`) throw new Error(`service: the refused document links to ${link}`);
  await doc.locator("a.trace-link").click();
  await see('#lint li.finding[data-rule="rejected-document"] .reason', "missing_start_time");
  // A trace whose every document was refused: no spans, the refusal shown.
  expected404 = 1;
  await page.goto(`${base}/#/trace/${ids.lostTrace}`);
  await see("#no-spans");
  await see('#lint li.finding[data-rule="rejected-document"] .reason', "missing_end_time");
  await see('#lint li.finding[data-rule="rejected-document"] .error-code', "MissingEndTime");
  log("service: rule counts, refused document (with its trace) and segment names shown");
}

/** logsQueryChecks: #/query over log events: COUNT by severity_text as sent, the log columns offered, no BubbleUp. */
async function logsQueryChecks(base) {
  await page.goto(`${base}/#/query?dataset=ui-test-logs`);
  await see("#query-summary");
  await page.selectOption("#query-form select[name=source]", "logs");
  await page.waitForFunction(() => [...document.querySelectorAll("#dl-group option")].some((o) => o.value === "severity_text"), null, { timeout: STEP_TIMEOUT_MS });
  await page.fill("#query-form input[name=calcs]", "COUNT");
  await page.fill("#query-form textarea[name=where]", "");
  await page.fill("#query-form input[name=group]", "severity_text");
  await page.click("#query-form button[type=submit]");
  await page.waitForFunction(() => location.hash.includes("source=logs") && location.hash.includes("group=severity_text"), null, { timeout: STEP_TIMEOUT_MS });
  await see("#query-results tr.query-row", "INFO");
  const got = Object.fromEntries(await page.locator("#query-results tr.query-row").evaluateAll((els) => els.map((e) => [e.querySelector("td.bd").textContent, Number(e.querySelector('td[data-calc="COUNT"]').dataset.value)])));
  const want = Object.fromEntries(Object.entries(LOG_LEVELS).map(([t, [, n]]) => [t, n]));
  const norm = (o) => JSON.stringify(Object.entries(o).sort());
  if (norm(got) !== norm(want)) throw new Error(`logs query: COUNT by severity_text ${norm(got)}, sent ${norm(want)}`);
  if ((await page.locator("#bubbleup").count()) !== 0) throw new Error("logs query: BubbleUp offered for log events");
  await see("#bubbleup-hint", "not available for log events");
  await page.reload();
  await see("#query-results tr.query-row", "WARN");
  if ((await page.inputValue("#query-form select[name=source]")) !== "logs") throw new Error("logs query: source lost on reload");
  log("query (logs): COUNT by severity_text as sent, no BubbleUp");
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
