// Browser checks of the service map (#/map), a service's RED on its page
// (#/service/<name>) and the shared time range, against the traces of
// seed_map.mjs (MAP_PLAN) and the Query page's spans (seed.mjs' QUERY_PLAN).
//
// Every check takes one object t: { page, base, log, ids, expected, shots }
// (see checks_pages.mjs); t.map is what sendMapData answered.

import { see, eventually, near, nearestRank, quantileCont, shoot, STEP_TIMEOUT_MS } from "./common.mjs";
import { MAP_PLAN, SAMPLING } from "./seed_map.mjs";

const n = MAP_PLAN.traces;
const f = MAP_PLAN.failing;
/** durations of one span of every MAP_PLAN request: "web", "api", "db" or "payments". */
const durs = (k) => Array.from({ length: n }, (_, i) => MAP_PLAN.durations(i)[k]);

/** cells reads a row's numbers (td[data-k] → data-value), once the row shows. */
async function cells(page, selector) {
  const row = await see(page, selector);
  return row.locator("td[data-k]").evaluateAll((els) => Object.fromEntries(els.map((e) => [e.dataset.k, Number(e.dataset.value)])));
}

/** expectStats fails unless a row's numbers are the ones given (a number compared to a millionth). */
function expectStats(what, got, want) {
  for (const [k, v] of Object.entries(want)) if (!near(got[k], v)) throw new Error(`${what}: ${k} is ${got[k]}, want ${v} (row ${JSON.stringify(got)})`);
}

/** mapChecks: the map's services and calls count what was sent; the failing call lists its traces; a node opens its service page. */
export async function mapChecks(t) {
  const { page, base, log } = t;
  await page.goto(`${base}/#/map`);
  await see(page, "#nav a.active", "Service map");
  await see(page, "#service-map g.map-node");
  const stats = (k, failed) => ({ requests: n, faults: failed, failed: failed / n, p50: nearestRank(durs(k), 0.5), p95: nearestRank(durs(k), 0.95), p99: nearestRank(durs(k), 0.99) });
  for (const [svc, k] of [["sm-web", "web"], ["sm-api", "api"], ["sm-payments", "payments"]]) {
    expectStats(`map: service ${svc}`, await cells(page, `#map-services tr.map-service[data-name="${svc}"]`), stats(k, f));
  }
  expectStats("map: cart-db", await cells(page, '#map-services tr.map-service[data-name="cart-db"]'), stats("db", 0));
  await see(page, '#map-services tr.map-service[data-name="cart-db"]', "from its callers");
  for (const [from, to, k, failed] of [["client", "sm-web", "web", f], ["sm-web", "sm-api", "api", f], ["sm-api", "sm-payments", "payments", f], ["sm-api", "cart-db", "db", 0]]) {
    expectStats(`map: call ${from} → ${to}`, await cells(page, `#map-calls tr.map-call[data-from="${from}"][data-to="${to}"]`), stats(k, failed));
  }
  // Drawn: the failing service and call in red, the call labelled with its requests and failed share.
  const cls = (sel) => page.locator(sel).getAttribute("class");
  if (!/\bbad\b/.test(await cls('#service-map g.map-node[data-name="sm-payments"]'))) throw new Error("map: sm-payments is not drawn as failing");
  if (!/\bgood\b/.test(await cls('#service-map g.map-node[data-name="cart-db"]'))) throw new Error("map: cart-db is not drawn as healthy");
  const edge = page.locator('#service-map a.map-edge[data-from="sm-api"][data-to="sm-payments"]');
  if (!/\bbad\b/.test(await edge.getAttribute("class"))) throw new Error("map: the sm-api → sm-payments call is not drawn as failing");
  const label = await edge.locator("text.edge-label").textContent();
  if (label !== `${n} · ${Math.round((100 * f) / n)}%`) throw new Error(`map: the sm-api → sm-payments call is labelled "${label}"`);
  log(`map: ${n} requests per service and call, ${f} failing, percentiles as sent`);
  await shoot(t, "service-map");

  // The failing call's traces: exactly the failing requests.
  await page.locator('#map-calls tr.map-call[data-from="sm-api"][data-to="sm-payments"] a.call-failing').click();
  await see(page, "h1", "Traces");
  await see(page, "tr.trace-hit", "GET /checkout");
  await eventually(`traces of the failing call: ${f}`, async () => (await page.locator("tr.trace-hit").count()) === f);
  const roots = await page.locator("tr.trace-hit a.service-link").allTextContents();
  if (roots.some((r) => r !== "sm-web")) throw new Error(`map: the failing call's traces start at ${roots}`);
  log(`map: the failing call lists its ${f} traces`);

  // A node opens its service page.
  await page.goBack();
  await page.locator('#service-map g.map-node[data-name="sm-payments"]').click();
  await see(page, "#service-name", "sm-payments");
}

/** redChecks: the service page's RED (reached from the map) as sent, per service and per operation; an operation lists its traces. */
export async function redChecks(t, sent) {
  const { page, base, log } = t;
  await see(page, "#service-name", "sm-payments");
  await see(page, "#red-summary");
  const summary = async () => Object.fromEntries(await page.locator("#red-summary .stat").evaluateAll((els) => els.map((e) => [e.dataset.red, Number(e.dataset.value)])));
  const pcts = (v) => ({ p50: quantileCont(v, 0.5), p95: quantileCont(v, 0.95), p99: quantileCont(v, 0.99) });
  const pay = durs("payments");
  expectStats("red: sm-payments", await summary(), { requests: n, errors: f, "error-rate": (100 * f) / n, rate: n / 3600, ...pcts(pay) });
  expectStats("red: POST /charge", await cells(page, '#red-ops tr.red-op[data-op="POST /charge"]'), { requests: n, errors: f, "error-rate": (100 * f) / n, ...pcts(pay) });
  if ((await page.locator("#red-ops tr.red-op").count()) !== 1) throw new Error("red: sm-payments has more than one operation");
  for (const [chart, lines] of [["#red-count-chart", 2], ["#red-latency-chart", 3]]) {
    const got = await page.locator(`${chart} g.series`).count();
    if (got !== lines) throw new Error(`red: ${chart} has ${got} lines, want ${lines}`);
  }
  await shoot(t, "service");
  log("red: sm-payments requests, errors and P50/P95/P99 as sent");

  // Operations by route instead of span name; one lists its traces.
  await page.locator("#red-box select[name=op]").selectOption("http.route");
  await page.waitForFunction(() => location.hash.includes("op=http.route"), null, { timeout: STEP_TIMEOUT_MS });
  expectStats("red: /charge", await cells(page, '#red-ops tr.red-op[data-op="/charge"]'), { requests: n, errors: f });
  await page.locator('#red-ops tr.red-op[data-op="/charge"] a', { hasText: "traces" }).click();
  await see(page, "tr.trace-hit", "GET /checkout");
  await eventually(`traces of /charge: ${n}`, async () => (await page.locator("tr.trace-hit").count()) === n);

  // A service of the Query page's spans: every span a request, P99 as the query API computes it.
  for (const [service, d] of Object.entries(sent).slice(0, 1)) {
    await page.goto(`${base}/#/service/${service}`);
    await see(page, "#red-summary");
    expectStats(`red: ${service}`, await summary(), { requests: d.length, errors: 0, ...pcts(d) });
  }
  log("red: operations by route, their traces, and the Query page's services");

  // A service both SDKs record (ui-test-shop: one OTel SERVER span, X-Ray segments): one source at a time, OpenTelemetry first.
  const segments = 1 + Object.values(SAMPLING.arrived).reduce((a, b) => a + b, 0); // sendXRay's good segment and the sampled ones
  await page.goto(`${base}/#/service/${t.ids.service}`);
  for (const [src, requests, errors] of [["otel", 1, 1], ["xray", segments, 0], ["all", 1 + segments, 1]]) {
    if (src !== "otel") await page.locator("#red-source select[name=src]").selectOption(src);
    const box = await see(page, `#red-source[data-source="${src}"]`);
    if (Number(await box.getAttribute("data-otel")) !== 1 || Number(await box.getAttribute("data-xray")) !== segments) {
      throw new Error(`red: ${t.ids.service} counts ${await box.getAttribute("data-otel")} OTel and ${await box.getAttribute("data-xray")} X-Ray requests, want 1 and ${segments}`);
    }
    expectStats(`red: ${t.ids.service} from ${src}`, await summary(), { requests, errors });
  }
  log(`red: ${t.ids.service}'s requests from OpenTelemetry (1), X-Ray (${segments}) or both`);
}

/** rangeChecks: one range for every page, kept in the hash and carried by the nav; dragging a RED chart zooms. */
export async function rangeChecks(t) {
  const { page, base, log } = t;
  await page.goto(`${base}/#/service/sm-payments`);
  await see(page, "#red-summary");
  await page.locator('#range button.preset[data-start="6h"]').click();
  await page.waitForFunction(() => location.hash.includes("start=6h"), null, { timeout: STEP_TIMEOUT_MS });
  await see(page, "#range button.preset.on", "6h");
  await page.locator("#nav a", { hasText: "Service map" }).click();
  await page.waitForFunction(() => location.hash.startsWith("#/map") && location.hash.includes("start=6h"), null, { timeout: STEP_TIMEOUT_MS });
  await see(page, "#range button.preset.on", "6h");
  // Through a page without a range (a trace): the nav still carries it.
  await page.goto(`${base}/#/trace/${t.map.failingTrace}`);
  await see(page, "#waterfall");
  if (await page.locator("#range").count()) throw new Error("range: the bar shows on a trace");
  await page.locator("#nav a", { hasText: "Traces" }).click();
  await page.waitForFunction(() => location.hash.startsWith("#/traces") && location.hash.includes("start=6h"), null, { timeout: STEP_TIMEOUT_MS });
  log("range: 6h kept from the service page to the map, through a trace, to Traces");

  // Drag across the requests chart: from between requests 3 and 4 to between 8 and 9 of sm-payments.
  await page.goto(`${base}/#/service/sm-payments?start=1h`);
  const chart = page.locator("#red-count-chart");
  await chart.waitFor({ state: "visible", timeout: STEP_TIMEOUT_MS });
  const [t0, t1] = [Number(await chart.getAttribute("data-t0")), Number(await chart.getAttribute("data-t1"))];
  const box = await chart.boundingBox();
  const W = 900, L = 70, R = 14; // query_charts.ts: W, M.l, M.r
  const xAt = (ms) => box.x + ((L + ((ms / 1000 - t0) / (t1 - t0)) * (W - L - R)) / W) * box.width;
  const starts = t.map.paymentStarts;
  const between = (i) => (starts[i] + starts[i + 1]) / 2;
  await page.mouse.move(xAt(between(3)), box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(xAt(between(8)), box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(() => /start=\d+&end=\d+/.test(location.hash), null, { timeout: STEP_TIMEOUT_MS });
  const p = new URLSearchParams(await page.evaluate(() => location.hash.split("?")[1]));
  const [zs, ze] = [Number(p.get("start")) * 1000, Number(p.get("end")) * 1000];
  const want = starts.filter((s) => s >= zs && s < ze).length;
  if (want !== 5) throw new Error(`range: the drag selected ${new Date(zs).toISOString()} – ${new Date(ze).toISOString()}, holding ${want} requests, want requests 4 to 8`);
  await eventually("red after zooming", async () => Number(await page.locator('#red-summary .stat[data-red="requests"]').getAttribute("data-value")) === want);
  if (await page.locator("#range button.preset.on").count()) throw new Error("range: a preset is still pressed after zooming");
  if ((await page.inputValue("#range input[name=range-start]")) !== p.get("start")) throw new Error("range: the bar does not show the zoomed range");
  await page.locator('#range button.preset[data-start="1h"]').click();
  await page.waitForFunction(() => location.hash.includes("start=1h") && !location.hash.includes("end="), null, { timeout: STEP_TIMEOUT_MS });
  log(`range: dragging the requests chart zoomed to ${want} requests`);
}

/** failingTraceChecks: a failing request of the map data is one trace of three services, with its Rollbar error and its log line; and the home page lists it. */
export async function failingTraceChecks(t) {
  const { page, base, log } = t;
  await page.goto(`${base}/#/traces`);
  await see(page, "tr.trace-hit", "GET /checkout");
  await shoot(t, "home");
  await page.goto(`${base}/#/trace/${t.map.failingTrace}`);
  await see(page, "#waterfall");
  await see(page, ".summary", "3 services");
  const spans = await page.locator("#waterfall .wf-name").count();
  if (spans !== 6) throw new Error(`failing trace: ${spans} spans in the waterfall, want 6`);
  await see(page, "#trace-errors", "card network down");
  await see(page, "#trace-logs .log-line", "charge failed: card network down");
  await page.locator(".wf-row", { hasText: "POST /charge" }).click();
  await see(page, "#span-detail", "http.route");
  await shoot(t, "trace");
  log("failing trace: 6 spans of 3 services, its error and its log line");
}
