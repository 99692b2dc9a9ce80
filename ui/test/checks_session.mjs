// Browser checks of a login session (session.ts): a second lookout with
// --api-keys sends the browser to /login; after logging in with a key for
// every project the header offers the projects, choosing one makes the UI
// read it, and logging out ends the session.

import { mkdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { startLookout } from "./lookout.mjs";
import { see } from "./common.mjs";

const OPERATOR = "browser-operator-key-0123456789";
const SHOP = "browser-shop-key-0123456789";

/** sessionChecks logs in, chooses a project and logs out; held.keyed is the second server, for the cleanup. */
export async function sessionChecks(t, held) {
  const { log } = t;
  const tmp = join(held.tmp, "keyed");
  mkdirSync(tmp, { recursive: true });
  const built = join(held.tmp, "lookout");
  const addrs = await startLookout({
    tmp, log, bin: existsSync(built) ? built : undefined, extra: ["--api-keys", `${OPERATOR}:*,${SHOP}:shop`],
    onSpawn: (server) => (held.keyed = server),
  });
  const base = `http://${addrs.http}`;
  const page = await held.context.newPage();
  try {
    await page.goto(`${base}/#/traces`);
    await page.waitForURL(/\/login\?next=/);
    await page.fill("input[name=key]", OPERATOR);
    await page.click("button[type=submit]");
    const select = await see(page, "#session-project");
    const options = await select.locator("option").allTextContents();
    if (options.join(",") !== "default,shop") throw new Error(`projects offered: ${options}`);
    if ((await select.inputValue()) !== "default") throw new Error(`project shown: ${await select.inputValue()}`);

    await Promise.all([page.waitForEvent("load"), select.selectOption("shop")]);
    await see(page, "#session-project");
    if ((await page.locator("#session-project").inputValue()) !== "shop") throw new Error("the choice of shop is not shown after the reload");
    const view = await page.evaluate(() => fetch("/api/session").then((r) => r.json()));
    if (view.project !== "shop") throw new Error(`/api/session after choosing shop: ${JSON.stringify(view)}`);
    log("session: logged in, chose project shop");

    await Promise.all([page.waitForURL(/\/login$/), page.click("#session-logout button")]);
    const after = await page.evaluate(() => fetch("/api/session").then((r) => r.status));
    if (after !== 401) throw new Error(`/api/session after logging out: ${after}`);
    log("session: logged out");
  } finally {
    await page.close();
  }
}
