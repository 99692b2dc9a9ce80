// The browser of the test: headless system Chromium (playwright-core) with
// a fresh profile, and the watcher that fails the test on page errors.

import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import { STEP_TIMEOUT_MS } from "./common.mjs";

/** launchChromium starts $CHROMIUM (or /usr/bin/chromium) headless with its profile in profileDir and returns the context. */
export async function launchChromium(profileDir) {
  const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath} (apt-get install chromium, or set CHROMIUM)`);
  return await chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless: true,
    timeout: 30_000,
    viewport: { width: 1440, height: 900 }, // the screenshots' size
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/** openPage returns the context's first page (or a new one), every wait of it bounded by STEP_TIMEOUT_MS. */
export async function openPage(context) {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  return page;
}

/**
 * watchPageErrors collects the page's uncaught errors and console errors
 * into the returned array, except the ones a check provokes on purpose and
 * announces in expected: { status400 } failed /api/query calls and
 * { status404 } failed /api/traces/ calls (each counted down when seen),
 * and any 4xx answer to a URL holding one of { allowed } (a bad trace id).
 */
export function watchPageErrors(page, expected) {
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    // The one 400 the test asks for (a bad granularity) is logged by the browser too.
    if (expected.status400 > 0 && /status of 400/.test(m.text()) && m.location().url.includes("/api/query")) return void expected.status400--;
    // So is the 404 of a trace without spans (all its documents refused).
    if (expected.status404 > 0 && /status of 404/.test(m.text()) && m.location().url.includes("/api/traces/")) return void expected.status404--;
    if (/status of 4\d\d/.test(m.text()) && (expected.allowed ?? []).some((part) => m.location().url.includes(part))) return;
    pageErrors.push(m.text());
  });
  return pageErrors;
}
