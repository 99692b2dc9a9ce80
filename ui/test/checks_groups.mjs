// Browser check of a log group's own views: its volume over time (every
// event counted once), a stream opened from the counts, and paging through
// that stream's events a few at a time without losing or repeating one.

import { see, eventually, shoot } from "./common.mjs";
import { CW_GROUP, CW_STREAMS } from "./seed.mjs";

/** streamChecks: the group's volume chart counts every event; stream web-1 pages by 2 through its 3 events. */
export async function streamChecks(t) {
  const { page, base, log } = t;
  await page.goto(`${base}/#/logs?group=${encodeURIComponent(CW_GROUP)}`);
  await see(page, "#volume-chart g.series");
  const total = Object.values(CW_STREAMS).reduce((a, b) => a + b, 0);
  const counted = await page.locator("#volume-chart .hover-col title").evaluateAll((els) =>
    els.reduce((a, e) => a + e.textContent.split("\n").slice(1).reduce((b, l) => b + (Number(/: (\d+)$/.exec(l)?.[1]) || 0), 0), 0),
  );
  if (counted !== total) throw new Error(`group volume: the chart counts ${counted} events, want ${total}`);
  await shoot(t, "log-group");

  // A stream opens from the counts; its events come two at a time.
  const stream = "web-1";
  await page.locator("#group-counts a.stream-link", { hasText: stream }).click();
  await see(page, "#log-stream", stream);
  await page.fill("input[name=limit]", "2");
  await page.locator("button[type=submit]", { hasText: /^Search$/ }).click();
  await page.waitForFunction(() => location.hash.includes("limit=2") && location.hash.includes("stream=web-1"));
  const seen = [];
  for (let pageNo = 1; ; pageNo++) {
    await see(page, "#log-results .log-line");
    const bodies = await page.locator("#log-results .log-line .log-body").evaluateAll((els) => els.map((e) => e.firstChild.textContent));
    seen.push(...bodies);
    const next = page.locator("#logs-next");
    if (!(await next.count())) break;
    if (pageNo > CW_STREAMS[stream]) throw new Error("stream paging: more pages than events");
    const before = await page.evaluate(() => location.hash);
    await next.click();
    await eventually("the next page", async () => (await page.evaluate(() => location.hash)) !== before && (await page.locator("#log-results .muted", { hasText: `page ${pageNo + 1}` }).count()) > 0);
  }
  const want = Array.from({ length: CW_STREAMS[stream] }, (_, i) => `${stream} request ${CW_STREAMS[stream] - 1 - i} served`);
  if (JSON.stringify(seen) !== JSON.stringify(want)) throw new Error(`stream paging: saw ${JSON.stringify(seen)}, want ${JSON.stringify(want)}`);
  log(`groups: volume counts ${counted} events; stream ${stream} paged 2 at a time through its ${seen.length} events`);
}
