// Browser checks of the pages other than Query: Traces and the trace view,
// the error item, Logs, Errors, Log groups (drill-down), Status, the
// service page, and the index fallback of a client-side route.
//
// Every check takes one object t: { page, base, log, ids, expected }, where
// expected counts the browser console errors a check provokes on purpose
// ({ status400, status404 }, read by the page-error watcher).

import { see, getJSON, eventually, shoot } from "./common.mjs";
import { CW_GROUP, CW_STREAMS, ERROR_OCCURRENCES, xrayTraceId } from "./seed.mjs";

/** traceChecks: Traces finds the trace by tag; the trace view shows its spans, lint, error and log; its error item opens. */
export async function traceChecks({ page, base, log, ids }) {
  // Traces: search by tags, find the trace, open it.
  await page.goto(base + "/", { waitUntil: "domcontentloaded" });
  await see(page, "h1", "Traces");
  await page.fill("#trace-search input[name=tags]", `service.name=${ids.service}`);
  await page.click("#trace-search button[type=submit]");
  await see(page, "tr.trace-hit", "GET /checkout");
  const svcHref = await page.locator("tr.trace-hit", { hasText: ids.trace }).locator("a.service-link").getAttribute("href");
  if (svcHref !== `#/service/${ids.service}`) throw new Error(`traces: the root service links to ${svcHref}`);
  log("traces: search found the trace");
  await page.locator("tr.trace-hit", { hasText: ids.trace }).locator("a", { hasText: "GET /checkout" }).click();

  // Trace view: waterfall rows, lint, errors, log lines, span attributes.
  await see(page, "#waterfall");
  for (const name of ["GET /checkout", "load-cart", "charge-card", "late-callback"]) await see(page, "#waterfall .wf-name", name);
  await see(page, "#lint", "orphan");
  // The refused X-Ray document of the trace, with its details; the excerpt opens.
  const refused = '#lint li.finding[data-rule="rejected-document"]';
  await see(page, `${refused} .reason`, "missing_start_time");
  await see(page, `${refused} .error-code`, "MissingStartTime");
  await see(page, `${refused} .doc-id`, ids.refusedDoc);
  await page.locator(`${refused} details.excerpt-box summary`).click();
  await see(page, `${refused} pre.excerpt`, `"trace_id":"${xrayTraceId(ids.trace)}"`);
  await see(page, "#trace-errors", ids.errorMessage);
  await see(page, "#trace-logs .log-line", ids.logBody);
  await page.locator(".wf-row", { hasText: "load-cart" }).click();
  await see(page, "#span-detail", "cart.id");
  log("trace: waterfall, lint, errors, logs and span detail shown");

  // From the trace to its error item.
  await page.locator("#trace-errors a", { hasText: ids.errorMessage }).click();
  await see(page, "#item-title", ids.errorMessage);
  await see(page, "#item-actions button", "resolve");
  log("error item opened from the trace");
}

/** logsChecks: on Logs, the trace's line links back to its trace. */
export async function logsChecks({ page, base, log, ids }) {
  await page.goto(`${base}/#/logs?service=${ids.service}`);
  const line = await see(page, ".log-line", ids.logBody);
  await line.locator("a.trace-link").click();
  await see(page, "#waterfall .wf-name", "charge-card");
  log("logs: line links to its trace");
}

/** errorsChecks: Errors lists the item (all levels by default); its page shows its occurrences. */
export async function errorsChecks(t) {
  const { page, base, log, ids } = t;
  await page.goto(`${base}/#/errors`);
  await see(page, "tr.item-row", ids.errorMessage);
  await see(page, "#level-filter button.on", "all");
  await page.locator("tr.item-row a", { hasText: ids.errorMessage }).click();
  await itemChecks(t);
  log("errors: item listed (resolved from its trace by slowTraceFlow)");
}

/**
 * itemChecks: the item page of the trace's error (ERROR_OCCURRENCES
 * occurrences, a minute apart) counts them all over time, draws the newest
 * one's stack trace (raising frame first, with its code context), request
 * and person, and pages to the oldest.
 */
async function itemChecks(t) {
  const { page, log } = t;
  await see(page, "#occurrence-chart");
  const counted = await eventually("occurrences chart", async () => {
    const n = await page.locator("#occurrence-chart .hover-col title").evaluateAll((els) => els.reduce((a, e) => a + Number(/occurrences: (\d+)/.exec(e.textContent)?.[1] ?? 0), 0));
    return n === ERROR_OCCURRENCES ? n : 0;
  });
  await see(page, "#occurrences", "PaymentError");
  if ((await page.locator("#occurrences tr.occ-row").count()) !== 20) throw new Error("item: page 1 does not list 20 occurrences");
  await see(page, "#stack-trace li.frame.top .frame-head", "shop/checkout.js:12:11 in charge");
  await see(page, "#stack-trace li.frame.top .code-line.current", "throw new PaymentError(reason);");
  const numbers = await page.locator("#stack-trace li.frame.top .lineno").allTextContents();
  if (numbers.join(",") !== "10,11,12,13") throw new Error(`item: code context numbered ${numbers}`);
  await see(page, "#stack-trace li.frame:not(.top) .frame-head", "shop/server.js:88:5 in handle");
  await see(page, "#request-panel", "http://shop.test/checkout");
  await see(page, "#person-panel", "shopper0@example.test");
  await see(page, "#occurrence a.trace-link");
  await shoot(t, "error-item");
  await page.locator("#occ-pages a", { hasText: "older" }).click();
  await see(page, "h2", "page 2 of 2");
  if ((await page.locator("#occurrences tr.occ-row").count()) !== ERROR_OCCURRENCES - 20) throw new Error("item: page 2 does not list the rest");
  await see(page, "#person-panel", "shopper20@example.test");
  await page.locator("#occurrences tr.occ-row").last().locator("a").click();
  await see(page, `#person-panel`, `shopper${ERROR_OCCURRENCES - 1}@example.test`);
  log(`error item: ${counted} occurrences over time, stack trace with code context, request, person, paged`);
}

/**
 * groupsChecks: Log groups flags the group without retention; the group
 * opens its events on Logs: counts per stream (and severity) as sent, and its lines.
 */
export async function groupsChecks({ page, base, log }) {
  await page.goto(`${base}/#/groups`);
  await see(page, "tr", "/ui-test/shop");
  await see(page, "tr", "never expire");
  await page.locator("a.group-link", { hasText: CW_GROUP }).click();
  await see(page, "#log-group", CW_GROUP);
  await see(page, "#group-counts tr.group-count");
  const shown = await page.locator("#group-counts tr.group-count").evaluateAll((els) => els.map((e) => [e.dataset.stream, e.dataset.severity, Number(e.querySelector("td[data-count]").dataset.count)]));
  const want = Object.entries(CW_STREAMS).map(([stream, n]) => [stream, "", n]);
  if (JSON.stringify(shown) !== JSON.stringify(want)) throw new Error(`group drill-down: counts ${JSON.stringify(shown)}, want ${JSON.stringify(want)}`);
  await see(page, ".log-line", "web-2 request 1 served");
  const lines = await page.locator(".log-line").count();
  const total = Object.values(CW_STREAMS).reduce((a, b) => a + b, 0);
  if (lines !== total) throw new Error(`group drill-down: ${lines} lines, want ${total}`);
  log("groups: the group opens its counts per stream and its lines");
}

/** statusChecks: Status shows the service with its stored data; its link opens the service page. */
export async function statusChecks({ page, base, log, ids }) {
  await page.goto(`${base}/#/status`);
  await see(page, "tr.stream-row .service", ids.service);
  await see(page, "tr.stream-row", "silent for");
  log("groups and status shown");
  await page.locator("tr.stream-row a.service-link", { hasText: new RegExp(`^${ids.service}$`) }).first().click();
}

/**
 * serviceChecks: the service page (reached from Status) shows the rule
 * counts (as the lint API's), the refused document (linking to its trace)
 * and the two segment names; a trace whose every document was refused shows the refusal.
 */
export async function serviceChecks({ page, base, log, ids, expected }) {
  await see(page, "#service-name", ids.service);
  await see(page, "#rule-counts tr.rule-count");
  const shown = Object.fromEntries(await page.locator("#rule-counts tr.rule-count").evaluateAll((els) => els.map((e) => [e.dataset.rule, Number(e.querySelector("td[data-count]").dataset.count)])));
  const api = (await getJSON(`${base}/api/services/${ids.service}/lint`)).counts;
  const sorted = (o) => JSON.stringify(Object.entries(o).sort());
  if (sorted(shown) !== sorted(api)) throw new Error(`service: rule counts ${sorted(shown)}, the API says ${sorted(api)}`);
  if (shown["rejected-document"] !== 1 || shown.orphan !== 1) throw new Error(`service: rule counts ${sorted(shown)}, want one rejected-document and one orphan`);
  const doc = page.locator("#rejected-docs .rejected-doc");
  await see(page, "#rejected-docs .rejected-doc .reason", "missing_start_time");
  await see(page, "#rejected-docs .rejected-doc .error-code", "MissingStartTime");
  await see(page, "#rejected-docs .rejected-doc pre.excerpt", ids.refusedDoc);
  if ((await doc.count()) !== 1) throw new Error(`service: ${await doc.count()} refused documents, want 1`);
  await see(page, "#lint-traces a", ids.trace);
  await see(page, "#naming-alert", "2 names");
  await see(page, '#naming tr.segment-name[data-name="api.shop.test"]', "request Host header");
  await see(page, `#naming tr.segment-name[data-name="${ids.service}"]`);
  // The refused document links to its trace.
  const link = await doc.locator("a.trace-link").getAttribute("href");
  if (link !== `#/trace/${ids.trace}`) throw new Error(`service: the refused document links to ${link}`);
  await doc.locator("a.trace-link").click();
  await see(page, '#lint li.finding[data-rule="rejected-document"] .reason', "missing_start_time");
  // A trace whose every document was refused: no spans, the refusal shown.
  expected.status404 = 1;
  await page.goto(`${base}/#/trace/${ids.lostTrace}`);
  await see(page, "#no-spans");
  await see(page, '#lint li.finding[data-rule="rejected-document"] .reason', "missing_end_time");
  await see(page, '#lint li.finding[data-rule="rejected-document"] .error-code', "MissingEndTime");
  log("service: rule counts, refused document (with its trace) and segment names shown");
}

/** fallbackCheck: a client-side route survives a reload through the server's index fallback. */
export async function fallbackCheck({ page, base }) {
  const res = await page.goto(`${base}/some/client/route`);
  if (res?.status() !== 200) throw new Error(`index fallback: status ${res?.status()}`);
  await see(page, "h1", "Traces");
}
