// Live tail of the Logs page (CloudWatch's Live Tail): the newest lines of
// the page's filter, then every line that arrives, newest at the top, until
// paused. It polls GET /api/logs from just before the newest line seen (the
// API has no stream), so lines stamped a little late are still caught;
// lines already shown are recognised and skipped.

import { getJSON, type LogLine } from "../api";
import { errorBox, h, mount, plural } from "../dom";

/** POLL_MS: how often the tail asks for new lines. */
const POLL_MS = 2000;
/** SLACK_NS: how far before the newest line seen each poll reads again (late or out-of-order lines). */
const SLACK_NS = 30_000_000_000n;
/** KEEP: the lines kept on the page; older ones drop off the bottom. */
const KEEP = 1000;

/** lineKey tells lines apart: two lines alike in every one of these are shown once. */
const lineKey = (l: LogLine) => JSON.stringify([l.timeUnixNano, l.observedTimeUnixNano, l.service, l.logGroup, l.logStream, l.spanID, l.body]);

/**
 * liveTail fills into with the tail of the logs the filter selects (GET
 * /api/logs parameters without start, end, order and limit); rows draws
 * the lines. It polls while alive() and stops by itself afterwards.
 */
export function liveTail(into: HTMLElement, filter: Record<string, string>, rows: (l: LogLine[]) => HTMLElement, alive: () => boolean): void {
  let lines: LogLine[] = [];
  const seen = new Set<string>();
  let cursor = BigInt(Date.now()) * 1_000_000n - SLACK_NS;
  let paused = false;
  let arrived = 0;
  const status = h("span", { class: "muted small", id: "tail-status" });
  const toggle = h("button", { type: "button", id: "tail-toggle" }, "Pause");
  const list = h("div", { id: "tail-lines" });
  toggle.addEventListener("click", () => {
    paused = !paused;
    toggle.textContent = paused ? "Resume" : "Pause";
    toggle.classList.toggle("on", paused);
    show(paused ? "paused" : "following");
  });
  mount(into, h("div", { class: "toolbar chips", id: "tail-bar" }, h("span", { class: "live-dot" }), toggle, status), list);

  const show = (state: string) =>
    status.replaceChildren(`${state} · ${plural(lines.length, "line")} shown, ${arrived} arrived since the tail began · last read ${new Date().toLocaleTimeString()}`);
  /** add keeps the lines not seen before, newest first, and moves the cursor to the newest. */
  const add = (got: LogLine[], fresh: boolean) => {
    const added = got.filter((l) => !seen.has(lineKey(l)));
    for (const l of added) {
      seen.add(lineKey(l));
      if (BigInt(l.timeUnixNano) > cursor) cursor = BigInt(l.timeUnixNano);
    }
    if (fresh) arrived += added.length;
    lines = [...added, ...lines].sort((a, b) => (BigInt(b.timeUnixNano) > BigInt(a.timeUnixNano) ? 1 : -1)).slice(0, KEEP);
    if (added.length || !list.firstChild) mount(list, lines.length ? rows(lines) : h("p", { class: "empty" }, "Waiting for lines…"));
  };
  const read = (params: Record<string, string>) => getJSON<{ logs: LogLine[] | null }>("/api/logs", { ...filter, ...params }).then((r) => r.logs ?? []);

  const poll = async () => {
    if (!alive()) return;
    if (!paused && !document.hidden) {
      try {
        add(await read({ start: String(cursor - SLACK_NS), order: "asc", limit: "500" }), true);
        if (alive()) show("following");
      } catch (err) {
        if (alive()) mount(list, errorBox(err));
      }
    }
    if (alive()) setTimeout(poll, POLL_MS);
  };
  // The newest lines of the last hour first, so the tail opens with context.
  read({ start: "1h", order: "desc", limit: "50" })
    .then((got) => alive() && (add(got, false), show("following")))
    .catch((err) => alive() && mount(list, errorBox(err)))
    .finally(() => alive() && setTimeout(poll, POLL_MS));
}
