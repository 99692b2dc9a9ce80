// What every part of the browser test shares: the per-step bound, HTTP
// calls to lookout, and the bounded waits (polling an API, an element in the page).

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
