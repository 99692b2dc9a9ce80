// Live pages: an auto-refresh toggle kept in the URL hash ("refresh=10s",
// off when absent) that reloads a page's data without redrawing its form,
// and relative times ("silent for 3m 20s") that tick every second.

import { ago, field, h } from "./dom";
import { current, href } from "./router";

/** REFRESH_CHOICES: the intervals offered, as kept in the hash; "" is off. */
export const REFRESH_CHOICES = ["", "5s", "10s", "30s", "1m", "5m"];

const SECONDS: Record<string, number> = { "5s": 5, "10s": 10, "30s": 30, "1m": 60, "5m": 300 };

/** refreshSeconds reads the hash's refresh parameter; 0 when off or unknown. */
export const refreshSeconds = (params: URLSearchParams): number => SECONDS[params.get("refresh") ?? ""] ?? 0;

/**
 * refreshControl is the toggle: changing it rewrites the current hash's
 * refresh parameter (other parameters stay as they are).
 */
export function refreshControl(params: URLSearchParams): HTMLElement {
  const sel = h("select", { name: "refresh", title: "reload this page's data every …" }, REFRESH_CHOICES.map((c) => h("option", { value: c }, c ? `every ${c}` : "off")));
  sel.value = SECONDS[params.get("refresh") ?? ""] ? (params.get("refresh") ?? "") : "";
  sel.addEventListener("change", () => {
    const { parts, params: now } = current();
    const p = Object.fromEntries(now);
    p.refresh = sel.value;
    location.hash = href(parts.map(encodeURIComponent).join("/"), p);
  });
  return field("Auto-refresh", sel);
}

/**
 * autoRefresh calls load every refresh interval of params while the page is
 * alive and visible, one load at a time; stamp (when given) shows when the
 * data was last loaded. It returns at once; the timer stops itself when the
 * page is gone.
 */
export function autoRefresh(params: URLSearchParams, alive: () => boolean, load: () => Promise<void>, stamp?: HTMLElement): void {
  const sec = refreshSeconds(params);
  const mark = () => stamp && stamp.replaceChildren(`updated ${new Date().toLocaleTimeString()}${sec ? `, every ${params.get("refresh")}` : ""}`);
  mark();
  if (!sec) return;
  let busy = false;
  const timer = setInterval(() => {
    if (!alive()) return clearInterval(timer);
    if (busy || document.hidden) return;
    busy = true;
    load()
      .then(mark)
      .catch((err) => stamp && stamp.replaceChildren(`refresh failed at ${new Date().toLocaleTimeString()}: ${err instanceof Error ? err.message : err}`))
      .finally(() => (busy = false));
  }, sec * 1000);
}

/**
 * since is a relative time that ticks: fmt with "{}" replaced by how long
 * ago t (ms since the epoch) was, e.g. since(t, "silent for {}"). With
 * warnAfter (seconds) it gains the class warn-text once that much has passed.
 */
export function since(t: number, fmt: string, warnAfter?: number): HTMLElement {
  const el = h("span", { class: "since", "data-since": t, "data-fmt": fmt, "data-warn-after": warnAfter });
  tickOne(el, Date.now());
  return el;
}

function tickOne(el: HTMLElement, now: number): void {
  const secs = (now - Number(el.dataset.since)) / 1000;
  el.textContent = (el.dataset.fmt ?? "{}").replace("{}", ago(secs));
  if (el.dataset.warnAfter) el.classList.toggle("warn-text", secs > Number(el.dataset.warnAfter));
}

/** startTicking updates every relative time in the document once a second. */
export function startTicking(): void {
  setInterval(() => {
    const now = Date.now();
    for (const el of document.querySelectorAll<HTMLElement>("span.since")) tickOne(el, now);
  }, 1000);
}
