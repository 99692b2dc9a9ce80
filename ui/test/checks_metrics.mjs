// Browser checks of the Metrics page: a counter's rate broken down by an
// attribute (chosen in the form), a histogram's percentile, and the jump
// from an exemplar to its trace.

import { see, near } from "./common.mjs";
import { METRICS } from "./seed_metrics.mjs";

export async function metricsChecks({ page, base, log }) {
  await page.goto(`${base}/#/metrics`);
  await see(page, "#metrics-form");
  await page.selectOption("#metrics-form select[name=metric]", METRICS.counter);
  await page.selectOption("#metrics-form select[name=op]", "RATE_SUM");
  await page.selectOption("#metrics-form select[name=by]", "kind");
  await page.click("#metrics-form button[type=submit]");
  await see(page, "#metric-chart svg.line-chart");
  for (const [kind, increase] of Object.entries(METRICS.increase)) {
    const cell = page.locator("#query-results tr.query-row", { hasText: kind }).locator("td.calc");
    await cell.waitFor({ state: "visible" });
    const got = Number(await cell.getAttribute("data-value"));
    if (!near(got, increase / 3600)) throw new Error(`metrics: ${kind} rate ${got}, want ${increase}/3600`);
  }
  log("metrics: a counter's rate by attribute");

  // The histogram's median: 4 values in buckets (-inf, 10], (10, 50], (50, 100] as 1, 2, 1.
  await page.goto(`${base}/#/metrics?metric=${METRICS.histogram}&op=P50`);
  const median = page.locator("#query-results td.calc");
  await median.waitFor({ state: "visible" });
  if (Number(await median.getAttribute("data-value")) !== 30) throw new Error(`metrics: P50 ${await median.getAttribute("data-value")}, want 30`);
  await (await see(page, "#metric-exemplars tr.exemplar", "75")).locator("a.trace-link").click();
  await see(page, "#waterfall .wf-name", "charge-card");
  log("metrics: a histogram's percentile, and its exemplar opens the trace");
}
