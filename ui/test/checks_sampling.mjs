// Browser checks of the sampling page (#/sampling) against seed_map.mjs'
// SAMPLING: the rules with what the SDK reported, the findings (the rule
// with the ServiceName mistake, requests sampled but never sent), segment
// names per process, the explain form, and fixing the rule from the page.
//
// Every check takes one object t: { page, base, log, ids, expected, shots } (see checks_pages.mjs).

import { eventually, getJSON, see, shoot } from "./common.mjs";
import { SAMPLING } from "./seed_map.mjs";

/** rowNumbers reads a row's numbers (td[data-k] → data-value), once the row shows. */
async function rowNumbers(page, selector) {
  const row = await see(page, selector);
  return row.locator("td[data-k][data-value]").evaluateAll((els) => Object.fromEntries(els.map((e) => [e.dataset.k, Number(e.dataset.value)])));
}

/** explain asks the page's form which rule decides a request and returns the deciding rule. */
async function explain(page, service, path) {
  await page.fill("#explain-form input[name=service]", service);
  await page.fill("#explain-form input[name=path]", path);
  await page.evaluate(() => document.querySelector("#explain-result").replaceChildren());
  await page.click("#explain-form button[type=submit]");
  return (await see(page, "#explain-decision")).getAttribute("data-rule");
}

/** samplingChecks drives #/sampling through the finding, the explanation and the fix of the mis-written rule. */
export async function samplingChecks(t) {
  const { page, base, log, expected } = t;
  // The server compares reports with arrived segments only once they are a
  // few seconds old (SentSettle: segments may still be on their way), and
  // the page shows what it read when it loaded: open it once the API has
  // settled the comparison.
  await eventually("the sampled-but-never-sent comparison of checkout", async () => {
    const r = await getJSON(`${base}/api/xray/sampling`);
    const rule = (r.rules ?? []).find((x) => x.name === "checkout");
    return (rule?.findings ?? []).some((f) => f.kind === "unsent");
  });
  await page.goto(`${base}/#/sampling`);
  await see(page, "#nav a.active", "Sampling");
  await see(page, "#sampling-rules tr.sampling-rule");
  const names = await page.locator("#sampling-rules tr.sampling-rule").evaluateAll((els) => els.map((e) => e.dataset.rule));
  if (JSON.stringify(names) !== JSON.stringify(["health-check", "checkout", "Shop", "Default"])) throw new Error(`sampling: rules ${names}, want them in evaluation order`);
  for (const [rule, [requests, sampled]] of Object.entries(SAMPLING.reports)) {
    const got = await rowNumbers(page, `#sampling-rules tr.sampling-rule[data-rule="${rule}"]`);
    if (got.requests !== requests || got.sampled !== sampled) throw new Error(`sampling: ${rule} shows ${got.requests} requests, ${got.sampled} sampled; the SDK reported ${requests}, ${sampled}`);
  }
  await see(page, '#sampling-rules tr.sampling-rule[data-rule="health-check"] td[data-k=rate]', "never");
  // The mis-written rule, flagged with its reason; the rule whose requests never arrived.
  const shop = page.locator('#sampling-rules tr.rule-findings[data-rule="Shop"] .sampling-finding[data-kind="unmatched"]');
  await see(page, '#sampling-rules tr.rule-findings[data-rule="Shop"] .sampling-finding[data-kind="unmatched"] .finding-message', 'ServiceName "Shop" matched no segment');
  if (!(await shop.locator(".finding-message").textContent()).includes("ui-test-shop")) throw new Error("sampling: the Shop finding does not name the service seen");
  await see(page, '#sampling-rules tr.rule-findings[data-rule="checkout"] .sampling-finding[data-kind="unsent"]');
  const sent = await rowNumbers(page, '#sampling-sent tr.sent-check[data-rule="checkout"]');
  const [reported, arrived] = [SAMPLING.reports.checkout[1], SAMPLING.arrived.checkout];
  if (sent.sampled !== reported || sent.arrived !== arrived || sent.missing !== reported - arrived) throw new Error(`sampling: checkout sent ${JSON.stringify(sent)}, want ${reported} sampled, ${arrived} arrived`);
  await see(page, "#sampling-alert", "Shop (unmatched)");
  // One process, two names (dynamic naming).
  await see(page, '#sampling-naming tr.naming-process[data-names="2"]', "api.shop.test");
  log("sampling: rules as reported, Shop flagged unmatched with its reason, checkout's 3 requests never sent, a process with 2 names");
  await shoot(t, "sampling");

  // Which rule decides: health checks go to health-check; /cart falls to Default, Shop failing on its ServiceName.
  if ((await explain(page, "ui-test-shop", "/health-check")) !== "health-check") throw new Error("sampling: a health check is not decided by health-check");
  if ((await explain(page, "ui-test-shop", "/cart")) !== "Default") throw new Error("sampling: /cart is not decided by Default");
  await see(page, '#explain-result tr.explain-rule[data-rule="Shop"][data-outcome="failed"] .field-check.fail[data-field="ServiceName"]', "ui-test-shop");

  // A rule the API refuses: its message next to the form.
  expected.allowed = [...(expected.allowed ?? []), "/CreateSamplingRule"];
  await page.click("#new-rule");
  await page.fill("#rule-form input[name=RuleName]", "too-many");
  await page.fill("#rule-form input[name=FixedRate]", "2");
  await page.click("#rule-form button[type=submit]");
  await see(page, "#rule-form .rule-error", "Value '2' at 'SamplingRule.FixedRate' failed to satisfy constraint: Member must have value less than or equal to 1");
  await page.locator("#rule-form button", { hasText: "Cancel" }).click();

  // Fix Shop's ServiceName from the page; the explanation follows.
  await page.locator('#sampling-rules button.edit-rule[data-rule="Shop"]').click();
  await page.fill("#rule-form input[name=ServiceName]", "ui-test-shop");
  await page.click("#rule-form button[type=submit]");
  await see(page, '#sampling-rules tr.sampling-rule[data-rule="Shop"]', "ServiceName ui-test-shop");
  if ((await explain(page, "ui-test-shop", "/cart")) !== "Shop") throw new Error("sampling: after the fix, /cart is not decided by Shop");
  log("sampling: explain form, a refused rule, and Shop fixed from the page");
}
