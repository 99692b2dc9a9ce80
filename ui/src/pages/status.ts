import { getJSON, type Status, type StreamStatus } from "../api";
import { ago, bytes, h, loading, mount, plural, table, time } from "../dom";
import { autoRefresh, refreshControl, since } from "../refresh";
import { href, serviceHref } from "../router";

const SILENT_WARN_SECONDS = 15 * 60;

/** statusPage: disk use against the budget, partitions, and per-service arrivals and rejections; reloaded every refresh interval, its relative times ticking. */
export async function statusPage(root: HTMLElement, params: URLSearchParams, alive: () => boolean): Promise<void> {
  const body = h("div", { id: "status-body" }, loading());
  const stamp = h("span", { class: "muted small", id: "refreshed" });
  mount(root, h("h1", null, "Status"), h("div", { class: "toolbar" }, refreshControl(params), stamp), body);
  const load = async () => {
    const s = await getJSON<Status>("/api/status");
    if (alive()) mount(body, statusBody(s, Date.now()));
  };
  await load();
  autoRefresh(params, alive, load, stamp);
}

/** statusBody draws a status answer read at fetched (ms since the epoch). */
function statusBody(s: Status, fetched: number): HTMLElement[] {
  const streams = s.streams ?? [];
  const parts = s.partitions ?? [];
  const used = s.budgetBytes ? s.storeBytes / s.budgetBytes : 0;
  const byKind = new Map<string, number>();
  for (const st of streams) byKind.set(st.kind, (byKind.get(st.kind) ?? 0) + st.storedBytes);
  const rejecting = streams.filter((st) => Object.keys(st.rejected ?? {}).length);
  const silent = streams.filter((st) => (st.silentForSeconds ?? 0) > SILENT_WARN_SECONDS);
  const names = (sts: StreamStatus[]) => sts.map((st) => `${st.service || "?"} (${st.kind})`).join(", ");
  return [
    h(
      "div",
      { class: "summary" },
      h("span", null, "version ", h("b", null, s.version)),
      h("span", null, "up since ", h("b", null, time(new Date(s.startedAt)))),
      h("span", null, "retention ", h("b", null, s.retention)),
      h("span", null, "store ", h("b", null, bytes(s.storeBytes)), s.budgetBytes ? [" of ", h("b", null, bytes(s.budgetBytes)), ` budget (${(used * 100).toFixed(1)}%)`] : " (no budget)"),
      [...byKind].map(([k, b]) => h("span", null, k, " ", h("b", null, bytes(b)))),
    ),
    s.budgetBytes ? h("div", { class: "meter" + (used > 0.9 ? " hot" : "") }, h("div", { style: `width:${Math.min(100, used * 100)}%` })) : null,
    rejecting.length ? h("div", { class: "alert error" }, `${plural(rejecting.length, "stream")} had items rejected since start: `, names(rejecting)) : null,
    silent.length ? h("div", { class: "alert warn" }, `${plural(silent.length, "stream")} silent for more than ${ago(SILENT_WARN_SECONDS)}: `, names(silent)) : null,
    h("h2", null, "Per service"),
    streams.length ? table(["Project", "Kind", "Service", "Rows", "Stored", "Newest item", "Accepted since start", "Last arrival", "Rejected"], streams.map((st) => streamRow(st, fetched)), "status") : h("p", { class: "empty" }, "Nothing stored yet."),
    h("h2", null, "Partitions"),
    parts.length
      ? table(["Partition", "From", "To", "Bytes"], parts.map((p) => h("tr", null, h("td", { class: "mono" }, p.name), h("td", null, time(new Date(p.start))), h("td", null, time(new Date(p.end))), h("td", { class: "num" }, bytes(p.bytes)))))
      : h("p", { class: "empty" }, "No partitions."),
  ].filter((x): x is HTMLElement => x !== null);
}

/** streamRow: one project, kind and service; its relative times tick from fetched, when the answer was read. */
function streamRow(st: StreamStatus, fetched: number): HTMLElement {
  const silentFor = st.silentForSeconds;
  const rejected = Object.entries(st.rejected ?? {});
  const svcLink =
    st.kind === "spans" ? href("traces", { service: st.service, run: "1" }) : st.kind === "logs" ? href("logs", { service: st.service }) : "";
  return h(
    "tr",
    { class: "stream-row" + (rejected.length ? " err" : "") },
    h("td", null, st.project),
    h("td", null, st.kind),
    h(
      "td",
      { class: "service nowrap" },
      // The name opens the service's health page; the small link its spans or logs.
      svcLink && st.service ? h("a", { class: "service-link", href: serviceHref(st.service), title: "lint findings, refused documents, segment names" }, st.service) : st.service || "(none)",
      svcLink ? [" ", h("a", { class: "small", href: svcLink }, st.kind + " →")] : null,
    ),
    h("td", { class: "num" }, st.storedRows),
    h("td", { class: "num" }, bytes(st.storedBytes)),
    h(
      "td",
      { class: "nowrap" },
      st.newestItem ? [time(new Date(st.newestItem)), h("span", { class: "muted" }, " (", since(Date.parse(st.newestItem), "{} ago"), ")")] : "–",
    ),
    h("td", { class: "num" }, st.acceptedSinceStart),
    h("td", { class: "nowrap silent-for" }, silentFor !== undefined ? since(fetched - silentFor * 1000, "silent for {}", SILENT_WARN_SECONDS) : h("span", { class: "muted" }, "nothing since start")),
    h(
      "td",
      null,
      rejected.map(([reason, r]) => h("div", { class: "small" }, h("span", { class: "badge error" }, `${reason} × ${r.count}`), " ", r.lastMessage, h("span", { class: "muted" }, ` (last ${time(new Date(r.last))})`))),
    ),
  );
}
