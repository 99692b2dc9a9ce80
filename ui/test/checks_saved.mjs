// Browser check of saved queries and query history on the Query page: a
// query saved under a name is kept by the server (listed after a reload,
// and by the API), opens again from the list, and is deleted from it; the
// queries run are in the history.

import { see, getJSON } from "./common.mjs";

export async function savedQueryChecks({ page, base, log }) {
  const address = `query?calcs=COUNT&where=${encodeURIComponent("http.route = /items")}&group=service.name`;
  await page.goto(`${base}/#/${address}`);
  await see(page, "#query-results tr.query-row");
  await page.fill("#save-name", "items by service");
  await page.click("#save-query");
  await see(page, "#save-msg", 'saved "items by service"');
  const stored = (await getJSON(`${base}/api/saved-queries`)).queries;
  if (stored.length !== 1 || stored[0].name !== "items by service" || !stored[0].address.includes("group=service.name")) throw new Error(`saved: the API keeps ${JSON.stringify(stored)}`);

  // Another query, then the saved one again from the list (after a reload: the server's list).
  await page.goto(`${base}/#/query?calcs=COUNT`);
  await see(page, "#query-results tr.query-row");
  await page.reload();
  await page.click("#saved-queries summary");
  await page.locator("#saved-queries a.saved-link", { hasText: "items by service" }).click();
  await page.waitForFunction(() => location.hash.includes("group=service.name"));
  await see(page, "#query-results tr.query-row", "qt-checkout");
  if ((await page.inputValue("#query-form textarea[name=where]")).trim() !== "http.route = /items") throw new Error("saved: WHERE not restored");

  // Both queries run are in the history, newest first.
  await page.click("#query-history summary");
  const items = await page.locator("#query-history li.history-item a").allTextContents();
  if (!items[0]?.includes("by service.name") || !items.some((t) => t.trim() === "COUNT")) throw new Error(`history: ${JSON.stringify(items)}`);

  await page.click("#saved-queries summary");
  await page.locator("#saved-queries li.saved-query", { hasText: "items by service" }).locator("button.saved-delete").click();
  await see(page, "#saved-list", "No saved queries yet.");
  if ((await getJSON(`${base}/api/saved-queries`)).queries.length) throw new Error("saved: still stored after delete");
  log("query: a saved query kept by the server, reopened and deleted; the history lists the queries run");
}
