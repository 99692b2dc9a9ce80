// Browser check of the Logs page's live tail: a log group tailed with a
// text filter shows the lines that arrive (and only those that match),
// stops reading while paused, and catches up when resumed.

import { see, eventually, getJSON, shoot } from "./common.mjs";
import { CW_GROUP, putLogEvents } from "./seed.mjs";

/** POLL_WAIT_MS: longer than two polls of the tail (logs_tail.ts POLL_MS, 2 s). */
const POLL_WAIT_MS = 4500;

/** tailChecks: open the group, tail it with the filter "tail-keep", send lines, pause, resume. */
export async function tailChecks(t) {
  const { page, base, log, addrs } = t;
  await page.goto(`${base}/#/groups`);
  await page.locator("a.group-link", { hasText: CW_GROUP }).click();
  await see(page, "#log-group", CW_GROUP);
  await page.fill("input[name=q]", "tail-keep");
  await page.click("#tail-start");
  await page.waitForFunction(() => location.hash.includes("tail=1") && location.hash.includes("q=tail-keep"));
  await see(page, "#tail-status", "following");
  await putLogEvents(addrs, CW_GROUP, "web-1", ["tail-keep first", "tail-drop first"]);
  await see(page, "#tail-lines .log-line", "tail-keep first");
  if (await page.locator("#tail-lines .log-line", { hasText: "tail-drop" }).count()) throw new Error("tail: a line the filter excludes is shown");

  // Paused: no reads, so a line sent now stays away until resumed.
  await page.click("#tail-toggle");
  await see(page, "#tail-status", "paused");
  let reads = 0;
  const count = (r) => r.url().includes("/api/logs?") && reads++;
  page.on("request", count);
  await putLogEvents(addrs, CW_GROUP, "web-2", ["tail-keep second"]);
  await eventually("the second line stored", async () => (await getJSON(`${base}/api/logs?logGroup=${encodeURIComponent(CW_GROUP)}&q=tail-keep%20second`)).logs?.length === 1);
  await page.waitForTimeout(POLL_WAIT_MS);
  page.off("request", count);
  if (reads) throw new Error(`tail: ${reads} reads while paused`);
  if (await page.locator("#tail-lines .log-line", { hasText: "tail-keep second" }).count()) throw new Error("tail: a line shown while paused");
  await page.click("#tail-toggle");
  await see(page, "#tail-lines .log-line", "tail-keep second");
  await see(page, "#tail-status", "2 arrived");
  await shoot(t, "logs-tail");
  log("logs: live tail follows a group with a filter, pauses and resumes");
}
