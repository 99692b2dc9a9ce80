// Browser checks of #/query: the builder's errors, results, line charts and
// heatmap, BubbleUp (form and drag) and adding its value as a filter, then
// the logs source.
//
// Every check takes one object t: { page, base, log, ids, expected } (see
// checks_pages.mjs); queryChecks also the plan and the durations sent
// (seed.mjs' QUERY_PLAN and sendQueryData's answer).

import { see, STEP_TIMEOUT_MS } from "./common.mjs";
import { LOG_LEVELS } from "./seed.mjs";

/** p99 is DuckDB's quantile_cont(0.99): linear interpolation at rank 0.99·(n−1). */
function p99(values) {
  const v = [...values].sort((a, b) => a - b);
  const pos = 0.99 * (v.length - 1);
  const lo = Math.floor(pos);
  return v[lo] + (v[Math.min(lo + 1, v.length - 1)] - v[lo]) * (pos - lo);
}

/** queryChecks drives #/query: builder errors, results, charts, heatmap, BubbleUp and adding a filter. */
export async function queryChecks({ page, base, log, expected }, plan, sent) {
  await page.goto(`${base}/#/query`);
  await see(page, "h1", "Query");
  await see(page, "#nav a.active", "Query");
  await see(page, "#query-results tr.query-row"); // the default query: COUNT over the last hour

  // A bad calculation is named next to the form; so is the server's 400.
  await page.fill("#query-form input[name=calcs]", "COUNT, FOO(x)");
  await page.click("#query-form button[type=submit]");
  await see(page, "#query-error", 'VISUALIZE: "FOO(x)"');
  await page.fill("#query-form input[name=calcs]", "COUNT");
  await page.fill("#query-form input[name=gran]", "1");
  expected.status400 = 1;
  await page.click("#query-form button[type=submit]");
  await see(page, "#query-error", "granularity");
  await see(page, "#query-error", "more than 2000 buckets");
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
  await see(page, "#query-results tr.query-row", "qt-checkout");
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
    await see(page, `svg.line-chart[data-calc="${calc}"] text.x-start`);
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
  await see(page, "#query-results tr.query-row", "qt-inventory");
  if ((await page.inputValue("#query-form input[name=group]")) !== "service.name") throw new Error("query: GROUP BY lost on reload");

  // BubbleUp from the form (keyboard path): every span of 500 ms or more.
  const slowTotal = plan.reduce((a, p) => a + p.slow, 0);
  const topColumn = async () => {
    await see(page, "#bubbleup-results .bu-column");
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
  await see(page, "svg.heatmap rect.hm-selection[visibility=visible]");
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
  await see(page, "#query-results tr.query-row", "qt-checkout");
  if ((await page.inputValue("#query-form textarea[name=where]")).trim() !== "db.shard = shard-7") throw new Error("bubbleup: WHERE does not hold the clicked value");
  await checkTable(Object.fromEntries(Object.entries(sent).map(([s, d]) => [s, d.filter((x) => x >= 600)])));
  const filteredRows = await page.locator("#query-results tr.query-row").count();
  if (filteredRows !== plan.length) throw new Error(`bubbleup filter: ${filteredRows} groups, want ${plan.length}`);
  log("bubbleup: clicking shard-7 added the filter; counts are the slow spans");
}

/** logsQueryChecks: #/query over log events: COUNT by severity_text as sent, the log columns offered, no BubbleUp. */
export async function logsQueryChecks({ page, base, log }) {
  await page.goto(`${base}/#/query?dataset=ui-test-logs`);
  await see(page, "#query-summary");
  await page.selectOption("#query-form select[name=source]", "logs");
  await page.waitForFunction(() => [...document.querySelectorAll("#dl-group option")].some((o) => o.value === "severity_text"), null, { timeout: STEP_TIMEOUT_MS });
  await page.fill("#query-form input[name=calcs]", "COUNT");
  await page.fill("#query-form textarea[name=where]", "");
  await page.fill("#query-form input[name=group]", "severity_text");
  await page.click("#query-form button[type=submit]");
  await page.waitForFunction(() => location.hash.includes("source=logs") && location.hash.includes("group=severity_text"), null, { timeout: STEP_TIMEOUT_MS });
  await see(page, "#query-results tr.query-row", "INFO");
  const got = Object.fromEntries(await page.locator("#query-results tr.query-row").evaluateAll((els) => els.map((e) => [e.querySelector("td.bd").textContent, Number(e.querySelector('td[data-calc="COUNT"]').dataset.value)])));
  const want = Object.fromEntries(Object.entries(LOG_LEVELS).map(([t, [, n]]) => [t, n]));
  const norm = (o) => JSON.stringify(Object.entries(o).sort());
  if (norm(got) !== norm(want)) throw new Error(`logs query: COUNT by severity_text ${norm(got)}, sent ${norm(want)}`);
  if ((await page.locator("#bubbleup").count()) !== 0) throw new Error("logs query: BubbleUp offered for log events");
  await see(page, "#bubbleup-hint", "not available for log events");
  await page.reload();
  await see(page, "#query-results tr.query-row", "WARN");
  if ((await page.inputValue("#query-form select[name=source]")) !== "logs") throw new Error("logs query: source lost on reload");
  log("query (logs): COUNT by severity_text as sent, no BubbleUp");
}
