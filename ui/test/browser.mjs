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
// (charts, heatmap, BubbleUp, the logs source), Metrics (a counter's rate by
// attribute, a percentile, an exemplar's trace), CloudWatch lines' stated
// severity, auto-refresh and ticking times, missing trace ids, and WHERE
// refusals and durations with units; then, with traces across three
// services and X-Ray sampling rules and statistics (seed_map.mjs), the
// service map, a service's RED, the shared time range, a failing trace with
// its error and log line, and the sampling page; and the flows of the error
// item page, the trace view's tools, chart points and heatmap cells to their
// traces, a log group's streams, pages and live tail, saved queries, and
// every page at 1280×800 and 390 px wide; last, with a second lookout that
// has --api-keys, logging in, choosing a project and logging out
// (checks_session.mjs). On failure it saves a
// screenshot under ui/test-results/ and exits 1. Run: `node test/browser.mjs` in ui/;
// `node test/browser.mjs --screenshots ../docs/screenshots` also saves the pages the
// docs show (docs/ui.md lists them: PNG, 1440×900, some at 1280×800 and 390 px).
//
// This file runs the steps in order and owns the watchdog and the cleanup;
// the steps live in lookout.mjs (the process), seed.mjs (the data sent),
// chromium.mjs (the browser, page errors), checks_pages.mjs,
// checks_query.mjs, checks_metrics.mjs, checks_live.mjs, checks_where.mjs,
// checks_map.mjs, checks_sampling.mjs, checks_session.mjs, checks_trace.mjs,
// checks_flows.mjs, checks_tail.mjs, checks_groups.mjs, checks_saved.mjs and
// checks_sizes.mjs (the checks; seed_map.mjs the data of the map and sampling
// checks, seed_metrics.mjs that of Metrics); common.mjs holds the bounded waits.

import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startLookout, stopLookout } from "./lookout.mjs";
import { newIds, sendData, QUERY_PLAN, sendQueryData, sendLogLevels, sendCloudWatch, sendCloudWatchLevels, sendXRay, awaitXRay, LATE } from "./seed.mjs";
import { launchChromium, openPage, watchPageErrors } from "./chromium.mjs";
import { traceChecks, logsChecks, errorsChecks, groupsChecks, statusChecks, serviceChecks, fallbackCheck } from "./checks_pages.mjs";
import { queryChecks, logsQueryChecks } from "./checks_query.mjs";
import { cloudWatchSeverityChecks, liveChecks, missingTraceChecks } from "./checks_live.mjs";
import { whereChecks } from "./checks_where.mjs";
import { tailChecks } from "./checks_tail.mjs";
import { sizeChecks, serviceListChecks } from "./checks_sizes.mjs";
import { savedQueryChecks } from "./checks_saved.mjs";
import { streamChecks } from "./checks_groups.mjs";
import { traceViewChecks } from "./checks_trace.mjs";
import { slowTraceFlow, pointTraces, queryZoom } from "./checks_flows.mjs";
import { sendMapData, sendSampling } from "./seed_map.mjs";
import { mapChecks, redChecks, rangeChecks, failingTraceChecks } from "./checks_map.mjs";
import { samplingChecks } from "./checks_sampling.mjs";
import { sessionChecks } from "./checks_session.mjs";
import { sendMetrics } from "./seed_metrics.mjs";
import { metricsChecks } from "./checks_metrics.mjs";

const uiDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const TOTAL_TIMEOUT_MS = 360_000;
/** shots: where --screenshots DIR saves the docs' screenshots (relative to ui/), none without it. */
const shotsArg = process.argv.indexOf("--screenshots");
const shots = shotsArg > 0 ? resolve(uiDir, process.argv[shotsArg + 1] ?? "../docs/screenshots") : undefined;
const started = Date.now();
/** held: what finish must clean up (the temporary directory, lookout, Chromium) and whether the test failed. */
const held = { tmp: mkdtempSync(join(tmpdir(), "lookout-ui-test-")), server: undefined, keyed: undefined, context: undefined, page: undefined, failed: false };

const log = (...a) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s]`, ...a);

const watchdog = setTimeout(() => {
  console.error(`browser test: over ${TOTAL_TIMEOUT_MS / 1000}s, giving up`);
  void finish(held, new Error("timeout"));
}, TOTAL_TIMEOUT_MS);

async function run(held) {
  const ids = newIds();
  const addrs = await startLookout({ tmp: held.tmp, log, onSpawn: (server) => (held.server = server) });
  log("lookout at", addrs.http);
  await sendData(addrs, ids);
  const plan = QUERY_PLAN;
  const sent = await sendQueryData(addrs, plan);
  await sendLogLevels(addrs);
  await sendCloudWatch(addrs);
  await sendCloudWatchLevels(addrs);
  await sendMetrics(addrs, ids);
  ids.refusedDoc = await sendXRay(addrs, ids);
  const base = `http://${addrs.http}`;
  await awaitXRay(base, ids);
  log("data sent");

  held.context = await launchChromium(join(held.tmp, "profile"));
  const page = (held.page = await openPage(held.context));
  /** expected: the console errors the next check provokes on purpose (see watchPageErrors). */
  const expected = { status400: 0, status404: 0 };
  const pageErrors = watchPageErrors(page, expected);
  const t = { page, base, log, ids, expected, addrs, shots };
  if (shots) mkdirSync(shots, { recursive: true });

  await traceChecks(t);
  await traceViewChecks(t);
  await logsChecks(t);
  await errorsChecks(t);
  await slowTraceFlow(t);
  await groupsChecks(t);
  await streamChecks(t);
  await statusChecks(t);
  await serviceChecks(t);
  await queryChecks(t, plan, sent);
  await logsQueryChecks(t);
  await metricsChecks(t);
  await cloudWatchSeverityChecks(t);
  await liveChecks(t);
  await tailChecks(t);
  await missingTraceChecks(t);
  // Every span in the query window: the plan's, the trace's four (120, 50, 40, 10 ms), the two good X-Ray segments (20 ms) and the late one.
  await whereChecks(t, [...Object.values(sent).flat(), 120, 50, 40, 10, 20, 20, LATE.durationMs]);
  // Sent only now: the checks above count every span of the last hour.
  t.map = await sendMapData(addrs);
  await sendSampling(addrs);
  log("map and sampling data sent");
  await mapChecks(t);
  await redChecks(t, sent);
  await pointTraces(t);
  await rangeChecks(t);
  await failingTraceChecks(t);
  await samplingChecks(t);
  await queryZoom(t);
  await savedQueryChecks(t);
  await sizeChecks(t);
  await serviceListChecks(t);
  await fallbackCheck(t);
  await sessionChecks(t, held);

  if (pageErrors.length) throw new Error("errors in the page:\n" + pageErrors.join("\n"));
}

async function finish(held, err) {
  clearTimeout(watchdog);
  if (err) {
    held.failed = true;
    console.error("browser test FAILED:", err?.stack ?? err);
    const { page } = held;
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
  await held.context?.close().catch(() => {});
  await stopLookout(held.server);
  await stopLookout(held.keyed);
  rmSync(held.tmp, { recursive: true, force: true });
  if (!held.failed) log("browser test passed");
  process.exit(held.failed ? 1 : 0);
}

run(held).then(() => finish(held), (err) => finish(held, err));
