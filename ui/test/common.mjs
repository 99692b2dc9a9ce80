// What every part of the browser test shares: the per-step bound, HTTP
// calls to lookout, and the bounded waits (polling an API, an element in the page),
// the percentiles the checks compare with, and the docs' screenshots.

import { writeFileSync } from "node:fs";
import { smallPNG } from "./pngsmall.mjs";

/** STEP_TIMEOUT_MS bounds every request and every wait of one step. */
export const STEP_TIMEOUT_MS = 15_000;

/** post sends body as JSON (unless headers say otherwise) and returns the answer's text; a non-2xx status throws. */
export async function post(url, body, headers = {}) {
  const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(STEP_TIMEOUT_MS) });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${text}`);
  return text;
}

/** getJSON reads a lookout API answer. */
export async function getJSON(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** eventually polls check (which returns a truthy value when done) for at most STEP_TIMEOUT_MS. */
export async function eventually(what, check) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let last;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${STEP_TIMEOUT_MS / 1000}s` + (last ? ` (${last.message})` : ""));
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** see waits until an element of page matching selector and containing text is visible. */
export async function see(page, selector, text) {
  const loc = text === undefined ? page.locator(selector).first() : page.locator(selector, { hasText: text }).first();
  await loc.waitFor({ state: "visible", timeout: STEP_TIMEOUT_MS });
  return loc;
}

/** quantileCont is DuckDB's quantile_cont(q) (the query API's percentiles): linear interpolation at rank q·(n−1). */
export function quantileCont(values, q) {
  const v = [...values].sort((a, b) => a - b);
  const pos = q * (v.length - 1);
  const lo = Math.floor(pos);
  return v[lo] + (v[Math.min(lo + 1, v.length - 1)] - v[lo]) * (pos - lo);
}

/** nearestRank is the service map's percentile: the smallest value with at least q·n values at or below it. */
export function nearestRank(values, q) {
  const v = [...values].sort((a, b) => a - b);
  return v[Math.max(0, Math.ceil(q * v.length) - 1)];
}

/** near reports whether a equals b to a millionth (of b). */
export const near = (a, b) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

/**
 * shoot saves a screenshot of the page as it is (the viewport, 1440×900)
 * to <t.shots>/<name>.png when the test runs with --screenshots, with a
 * palette of 256 colours (pngsmall.mjs); else it does nothing.
 */
export async function shoot(t, name) {
  if (!t.shots) return;
  await t.page.mouse.move(0, 0); // no hover highlight
  await t.page.waitForTimeout(150);
  const path = `${t.shots}/${name}.png`;
  const png = smallPNG(await t.page.screenshot({ timeout: STEP_TIMEOUT_MS }));
  writeFileSync(path, png);
  t.log("screenshot", path, `${Math.round(png.length / 1024)} KiB`);
}
