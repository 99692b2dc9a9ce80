// Browser checks of the trace view's tools: a URL per selected span,
// collapsing a subtree, finding within the trace, the span details'
// resizable panel with a JSON attribute formatted, duration labels that
// keep off the bars, and an X-Ray root showing its method, URL and status.

import { see, getJSON } from "./common.mjs";
import { CART_JSON } from "./seed.mjs";

/** boxesOverlap: two DOMRect-like boxes share some area. */
const boxesOverlap = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

export async function traceViewChecks({ page, base, log, ids }) {
  await page.goto(`${base}/#/trace/${ids.trace}`);
  await see(page, "#waterfall .wf-name", "charge-card");

  // A span's URL: selecting it names it in the hash; a reload selects it again.
  await page.locator(".wf-row", { hasText: "load-cart" }).click();
  await page.waitForFunction((span) => location.hash.endsWith(`span=${span}`), ids.child);
  await page.reload();
  await see(page, ".wf-row.sel", "load-cart");
  await see(page, "#span-detail h3", "load-cart");
  // The JSON attribute is formatted, in a panel that widens when its handle is dragged.
  const json = await (await see(page, "#span-detail pre.json")).textContent();
  if (json !== JSON.stringify(JSON.parse(CART_JSON), null, 2)) throw new Error(`trace: cart.json shown as ${json}`);
  const before = (await page.locator("#span-detail").boundingBox()).width;
  const handle = await page.locator("#detail-handle").boundingBox();
  await page.mouse.move(handle.x + handle.width / 2, handle.y + 20);
  await page.mouse.down();
  await page.mouse.move(handle.x + handle.width / 2 - 150, handle.y + 20, { steps: 5 });
  await page.mouse.up();
  const after = (await page.locator("#span-detail").boundingBox()).width;
  if (Math.abs(after - before - 150) > 2) throw new Error(`trace: the span details went from ${before} to ${after} px wide, want 150 more`);
  log(`trace: a span's URL selects it after a reload; its JSON attribute formatted; details ${before} → ${after} px`);

  // Collapse the root's subtree: only the root (and the orphan, a root of its own) stay.
  const root = page.locator(".wf-row", { hasText: "GET /checkout" });
  await root.locator("button.wf-toggle").click();
  await see(page, ".wf-row button.wf-toggle", "▸ 2");
  const visible = async () => (await page.locator("#waterfall .wf-row:not(.wf-head):visible .wf-name").allTextContents()).join(",");
  if ((await visible()) !== "GET /checkout,late-callback") throw new Error(`trace: collapsed, the rows are ${await visible()}`);
  // Find opens what it finds: the attribute value c-42 is load-cart's.
  await page.fill("#wf-find", "c-42");
  await see(page, "#wf-find-count", "1 of 4 spans match");
  await see(page, ".wf-row.match", "load-cart");
  await page.press("#wf-find", "Enter");
  await page.waitForFunction((span) => location.hash.endsWith(`span=${span}`), ids.child);
  if ((await visible()) !== "GET /checkout,load-cart,charge-card,late-callback") throw new Error(`trace: after find, the rows are ${await visible()}`);
  log("trace: a subtree collapses; find marks and opens the span holding c-42");

  // Duration labels keep off every bar of their row (or sit inside a bar across the track).
  const rows = await page.locator("#waterfall .wf-row:not(.wf-head)").evaluateAll((els) =>
    els.map((e) => ({ bar: e.querySelector(".wf-bar").getBoundingClientRect().toJSON(), dur: e.querySelector(".wf-dur").getBoundingClientRect().toJSON(), inside: e.querySelector(".wf-dur").classList.contains("inside") })),
  );
  for (const r of rows) {
    const contained = r.dur.x >= r.bar.x - 0.5 && r.dur.x + r.dur.width <= r.bar.x + r.bar.width + 0.5;
    if (r.inside ? !contained : boxesOverlap(r.bar, r.dur)) throw new Error(`trace: a duration label overlaps its bar: ${JSON.stringify(r)}`);
  }

  // An X-Ray segment's root: its method, URL and status beside the (service) name.
  const hit = (await getJSON(`${base}/api/search?tags=service.name%3Dapi.shop.test`)).traces?.[0];
  if (!hit) throw new Error("trace: no trace of api.shop.test");
  await page.goto(`${base}/#/trace/${hit.traceID}`);
  await see(page, ".wf-row .wf-http", "GET http://api.shop.test:8080/checkout 200");
  log("trace: duration labels off the bars; an X-Ray root shows GET URL 200");
}
