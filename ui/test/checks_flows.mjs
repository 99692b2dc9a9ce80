// Browser checks of the paths from a chart to its traces: the slowest
// heatmap cell of a service opens its trace, whose error is resolved from
// there; a point of the service page's requests chart lists exactly the
// requests it counts; a Query line chart zooms the shared range when dragged.

import { see, eventually, shoot } from "./common.mjs";

/**
 * slowTraceFlow: on Query, the heatmap of the trace's service; its slowest
 * cell (GET /checkout, 120 ms) lists that one trace; the trace shows its
 * error and log line; the error opens and is resolved.
 */
export async function slowTraceFlow(t) {
  const { page, base, log, ids } = t;
  await page.goto(`${base}/#/query?dataset=${ids.service}&calcs=${encodeURIComponent("HEATMAP(duration_ms)")}`);
  const hm = page.locator("svg.heatmap");
  await see(page, "svg.heatmap rect.hm-cell");
  // The topmost cell holds the slowest span.
  const top = await hm.locator("rect.hm-cell").evaluateAll((els) => {
    const e = els.reduce((a, b) => (Number(b.getAttribute("y")) < Number(a.getAttribute("y")) ? b : a));
    return [...els].indexOf(e);
  });
  await hm.locator("rect.hm-cell").nth(top).click();
  await see(page, "#chart-traces-table tr.behind-row");
  const rows = await page.locator("#chart-traces-table tr.behind-row").evaluateAll((els) => els.map((e) => e.dataset.trace));
  if (rows.join() !== ids.trace) throw new Error(`heatmap: the slowest cell lists ${rows}, want ${ids.trace}`);
  await shoot(t, "query-heatmap");
  await page.locator("#chart-traces-table a.trace-link").click();
  await see(page, "#waterfall .wf-name", "GET /checkout");
  await see(page, "#trace-logs .log-line", ids.logBody);
  await page.locator("#trace-errors a", { hasText: ids.errorMessage }).click();
  await see(page, "#item-title", ids.errorMessage);
  await page.locator("#item-actions button", { hasText: /^resolve$/ }).click();
  await see(page, "#item-actions .status", "resolved");
  log("flow: slowest heatmap cell → its trace → its error and log line → error resolved");
}

/** pointTraces: on sm-payments' service page, a point of the requests chart lists as many requests' traces as it counts. */
export async function pointTraces({ page, base, log }) {
  await page.goto(`${base}/#/service/sm-payments`);
  await see(page, "#red-count-chart g.series");
  const cols = page.locator("#red-count-chart rect.hover-col");
  const i = await cols.evaluateAll((els) => els.findIndex((e) => /requests: [1-9]/.test(e.textContent)));
  if (i < 0) throw new Error("red: no bucket with requests");
  const want = Number(/requests: (\d+)/.exec(await cols.nth(i).textContent())[1]);
  await cols.nth(i).click();
  const got = await eventually("the traces behind a point", async () => {
    const n = await page.locator("#chart-traces-table tr.behind-row").evaluateAll((els) => els.reduce((a, e) => a + Number(e.dataset.count), 0));
    return n || 0;
  });
  if (got !== want) throw new Error(`red: the point counts ${want} requests, its traces ${got}`);
  log(`red: a point of the requests chart lists its ${got} request(s)' traces`);
}

/** queryZoom: dragging across a Query line chart sets the shared range to the part dragged (in the URL), and the query runs again. */
export async function queryZoom({ page, base, log }) {
  await page.goto(`${base}/#/query?calcs=COUNT`);
  const chart = page.locator('svg.line-chart[data-calc="COUNT"]');
  await see(page, 'svg.line-chart[data-calc="COUNT"] g.series');
  const box = await chart.boundingBox();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2, { steps: 4 });
  await page.mouse.up();
  await page.waitForFunction(() => /start=\d{10}&end=\d{10}/.test(location.hash) && location.hash.includes("calcs=COUNT"));
  await see(page, "#range .range-custom input[name=range-start]");
  const start = Number(await page.inputValue("input[name=range-start]"));
  const end = Number(await page.inputValue("input[name=range-end]"));
  if (!(end > start && end - start < 3600)) throw new Error(`query zoom: range ${start}..${end}`);
  await see(page, 'svg.line-chart[data-calc="COUNT"]');
  log(`query: dragging a line chart zoomed the range to ${end - start}s`);
  await page.click('#range button.preset[data-start="1h"]'); // the next checks read the last hour
}
