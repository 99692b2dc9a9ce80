// Browser checks of the query builder's WHERE: a line it cannot read
// exactly is refused before anything is sent, with the token marked and
// selected; durations with units on duration_ms count what the number in
// milliseconds counts.
//
// whereChecks takes t (see checks_pages.mjs) and every duration sent (ms).

import { see, STEP_TIMEOUT_MS } from "./common.mjs";

/** whereChecks: typos in WHERE are refused at their token with no query sent; "duration_ms > 1s" counts as "duration_ms > 1000". */
export async function whereChecks({ page, base, log }, durations) {
  let posts = 0;
  page.on("request", (r) => r.method() === "POST" && r.url().includes("/api/query") && posts++);
  await page.goto(`${base}/#/query`);
  await see(page, "#query-results tr.query-row");

  for (const [where, token, line, why] of [
    ["service.name = qt-checkout\nhttp.route == /items", "==", 2, '"==" is not an operator'],
    ["duration_ms >>= 5", ">>=", 1, '">>=" is not an operator'],
    ["duration_ms > fast", "fast", 1, "duration_ms is a number"],
    ["http.route = = /items", "=", 1, "a doubled operator"],
    ["retry.after = 30s", "30s", 1, "has no unit in its name"],
  ]) {
    const before = posts;
    const hash = await page.evaluate(() => location.hash);
    await page.fill("#query-form textarea[name=where]", where);
    await page.click("#query-form button[type=submit]");
    await see(page, "#query-error .spec-at", `line ${line}`);
    await see(page, "#query-error", why);
    const marked = await page.locator("#query-error mark.spec-token").textContent();
    if (marked !== token) throw new Error(`where "${where}": marked "${marked}", want "${token}"`);
    const selected = await page.$eval("#query-form textarea[name=where]", (el) => el.value.slice(el.selectionStart, el.selectionEnd));
    if (selected !== token) throw new Error(`where "${where}": selected "${selected}", want "${token}"`);
    await page.waitForTimeout(300);
    if (posts !== before || (await page.evaluate(() => location.hash)) !== hash) throw new Error(`where "${where}": a query was sent or the URL changed`);
  }
  log("query: WHERE typos refused at their token, nothing sent");

  // A duration with a unit counts what its number in milliseconds counts, and what was sent.
  const count = async (where) => {
    await page.evaluate(() => document.querySelector("#query-out")?.replaceChildren());
    await page.fill("#query-form textarea[name=where]", where);
    await page.fill("#query-form input[name=group]", "");
    await page.fill("#query-form input[name=calcs]", "COUNT");
    await page.click("#query-form button[type=submit]");
    await page.waitForSelector("#query-results, #query-out .empty", { timeout: STEP_TIMEOUT_MS });
    if ((await page.locator("#query-error .alert").count()) !== 0) throw new Error(`where "${where}": ${await page.locator("#query-error").textContent()}`);
    const cells = await page.locator('#query-results td[data-calc="COUNT"]').evaluateAll((els) => els.map((e) => Number(e.dataset.value)));
    return cells.reduce((a, b) => a + b, 0);
  };
  for (const [withUnit, inMs] of [["duration_ms > 1s", "duration_ms > 1000"], ["duration_ms >= 0.7s", "duration_ms >= 700"], ["duration_ms < 1.5m", "duration_ms < 90000"]]) {
    const ms = Number(inMs.split(" ").pop());
    const sent = durations.filter((d) => (inMs.includes(">=") ? d >= ms : inMs.includes(">") ? d > ms : d < ms)).length;
    const [a, b] = [await count(withUnit), await count(inMs)];
    if (a !== b || a !== sent) throw new Error(`query: "${withUnit}" counts ${a}, "${inMs}" ${b}, sent ${sent}`);
    log(`query: "${withUnit}" counts ${a} spans, as "${inMs}"`);
  }
}
