// Browser checks of what changes while a page is open and of the pages'
// small truths: a CloudWatch line's stated severity (shown, filtered,
// counted), auto-refresh picking up a span sent after the page loaded,
// "silent for" ticking, page titles, singular counts, and a missing or bad
// trace id answered in the page.
//
// Every check takes one object t: { page, base, log, ids, expected, addrs }
// (see checks_pages.mjs); liveChecks adds lateTrace, the id of the span it
// sends, which missingTraceChecks opens.

import { randomBytes } from "node:crypto";
import { see, eventually } from "./common.mjs";
import { CW_LEVELS, LATE, sendLate } from "./seed.mjs";

/** cloudWatchSeverityChecks: CW_LEVELS' lines show the severity their text states; the minimum-severity filter and the group counts use it. */
export async function cloudWatchSeverityChecks({ page, base, log }) {
  const { group, stream, lines } = CW_LEVELS;
  await page.goto(`${base}/#/logs?group=${encodeURIComponent(group)}`);
  for (const l of lines) {
    const badge = (await see(page, ".log-line", l.message.slice(0, 20))).locator("td .badge");
    const shown = (await badge.textContent()).trim();
    if (shown !== (l.severity || "–")) throw new Error(`logs: "${l.message}" shows severity ${shown}, want ${l.severity || "–"}`);
  }
  await see(page, "#group-counts tr.group-count");
  const counts = await page.locator("#group-counts tr.group-count").evaluateAll((els) => els.map((e) => [e.dataset.stream, e.dataset.severity, Number(e.querySelector("td[data-count]").dataset.count)]));
  const bySeverity = (a, b) => a[1].localeCompare(b[1]);
  const want = lines.map((l) => [stream, l.severity, 1]).sort(bySeverity);
  if (JSON.stringify(counts.sort(bySeverity)) !== JSON.stringify(want)) throw new Error(`logs: group counts ${JSON.stringify(counts)}, want ${JSON.stringify(want)}`);
  // The minimum severity keeps the JSON line whose level is ERROR, and only it.
  await page.goto(`${base}/#/logs?group=${encodeURIComponent(group)}&severity=ERROR`);
  await see(page, ".log-line", "cw json failure");
  const n = await page.locator(".log-line").count();
  if (n !== 1) throw new Error(`logs: severity ERROR keeps ${n} lines, want 1`);
  log("logs: CloudWatch lines carry the severity their text states (shown, filtered, counted)");
}

/** liveChecks: auto-refresh (toggled into the hash) shows a span sent after the page loaded; "silent for" ticks; titles and counts read right. */
export async function liveChecks(t) {
  const { page, base, log } = t;
  await page.goto(`${base}/#/traces?service=${LATE.service}`);
  await see(page, "#trace-results .empty", "No traces match");
  if ((await page.title()) !== "Traces · Lookout") throw new Error(`traces: title ${await page.title()}`);
  await page.selectOption("select[name=refresh]", "5s");
  await page.waitForFunction(() => location.hash.includes("refresh=5s") && location.hash.includes("service=ui-test-late"));
  await see(page, "#refreshed", "every 5s");
  t.lateTrace = await sendLate(t.addrs);
  await see(page, "tr.trace-hit", LATE.name); // no reload: the page's own refresh
  if ((await page.inputValue("select[name=refresh]")) !== "5s") throw new Error("traces: the refresh toggle lost its value");
  log("traces: auto-refresh showed a span sent after the page loaded");

  // One span of one service: singular counts; the title names the trace.
  await page.locator("tr.trace-hit a", { hasText: LATE.name }).click();
  await see(page, "#waterfall .wf-name", LATE.name);
  const summary = await page.locator(".summary").first().locator(":scope > span").allTextContents();
  if (!summary.includes("1 span") || !summary.some((x) => x.startsWith("1 service: "))) throw new Error(`trace: summary ${JSON.stringify(summary)}`);
  if (!(await page.title()).startsWith(`Trace ${t.lateTrace.slice(0, 12)}`)) throw new Error(`trace: title ${await page.title()}`);

  // Status: "silent for" ticks between refreshes.
  await page.goto(`${base}/#/status`);
  const row = page.locator("tr.stream-row", { has: page.locator("a.service-link", { hasText: new RegExp(`^${LATE.service}$`) }) });
  const silent = row.locator(".silent-for .since").first();
  await silent.waitFor();
  const first = await silent.textContent();
  await eventually(`status: "${first}" ticking`, async () => (await silent.textContent()) !== first);
  if ((await page.title()) !== "Status · Lookout") throw new Error(`status: title ${await page.title()}`);
  log(`status: "${first}" ticks`);
}

/** missingTraceChecks: no id, a bad id and an unknown id are each answered in the trace page, which keeps its heading and the id box. */
export async function missingTraceChecks({ page, base, log, expected, lateTrace }) {
  await page.goto(`${base}/#/trace/`);
  await see(page, "#trace-missing", "No trace id");
  await see(page, "#trace-open input[name=traceID]");
  const bad = "not-a-trace-id";
  const unknown = randomBytes(16).toString("hex");
  expected.allowed = [...(expected.allowed ?? []), bad, unknown];
  await page.goto(`${base}/#/trace/${bad}`);
  await see(page, "#trace-missing", "is not a trace id");
  await see(page, "h1", bad);
  await see(page, "#nav a", "Traces");
  await page.goto(`${base}/#/trace/${unknown}`);
  await see(page, "#trace-missing", `No trace ${unknown} is stored`);
  // The id box opens a trace from there.
  await page.fill("#trace-open input[name=traceID]", lateTrace);
  await page.click("#trace-open button[type=submit]");
  await see(page, "#waterfall .wf-name", LATE.name);
  log("trace: no id, a bad id and an unknown id answered in the page");
}
