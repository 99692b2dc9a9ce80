// Browser check that every page fits the screen at 1280×800 and on a
// 390-px-wide phone: the document never scrolls sideways (wide tables and
// charts scroll or shrink inside themselves).

import { see, shoot } from "./common.mjs";

/** SHOTS: the screenshots taken on the way ("width page" → name). */
const SHOTS = { "1280 status": "status", "1280 errors": "errors", "1280 groups": "groups", "1280 logs": "logs", "390 traces": "phone-traces", "390 trace": "phone-trace" };

/** PAGES: each page's address (after #/) and an element it shows once loaded. */
const pages = (ids) => [
  ["traces", "#trace-search"],
  [`trace/${ids.trace}`, "#waterfall"],
  [`service/${ids.service}`, "#service-name"],
  ["map", "svg.service-map"],
  ["query?calcs=COUNT,HEATMAP(duration_ms)&group=service.name", "svg.heatmap"],
  ["logs", ".log-line"],
  ["metrics", "h1"],
  ["logs?group=%2Fui-test%2Fshop", "#group-counts"],
  ["errors", "tr.item-row"],
  ["groups", "a.group-link"],
  ["sampling", "h1"],
  ["status", "tr.stream-row"],
];

export async function sizeChecks(t) {
  const { page, base, log, ids } = t;
  const wide = [];
  const shot = new Set();
  for (const [w, hgt] of [[1280, 800], [390, 844]]) {
    await page.setViewportSize({ width: w, height: hgt });
    for (const [addr, sel] of pages(ids)) {
      await page.goto(`${base}/#/${addr}`);
      await see(page, sel);
      const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (over > 0) wide.push(`${addr} at ${w}px: ${over}px too wide`);
      const name = SHOTS[`${w} ${addr.split(/[/?]/)[0]}`];
      if (name && !shot.has(name)) await shoot(t, name), shot.add(name);
    }
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  if (wide.length) throw new Error("pages wider than the screen:\n" + wide.join("\n"));
  log(`every page fits 1280×800 and 390 px wide (${pages(ids).length} pages)`);
}

/** serviceListChecks: Traces offers only services with spans; the Logs service box offers those with log lines. */
export async function serviceListChecks({ page, base, log, ids }) {
  await page.goto(`${base}/#/traces`);
  await page.locator(`select[name=service] option[value="${ids.service}"]`).waitFor({ state: "attached" });
  if (await page.locator('select[name=service] option[value="ui-test-logs"]').count()) throw new Error("traces: the log-only service ui-test-logs is offered");
  await page.goto(`${base}/#/logs`);
  await page.locator('#dl-log-services option[value="ui-test-logs"]').waitFor({ state: "attached" });
  log("traces offer services with spans only; the Logs service box offers those with lines");
}
