// One Rollbar item: its status actions, occurrences over time, and its
// occurrences a page at a time (the API's 20), one of them drawn in full:
// stack trace, request, person, the stored payload.

import "../pages.css";
import { rollbar, type Instance, type Item, type QueryResult } from "../api";
import { errorBox, h, loading, mount, plural, time } from "../dom";
import { href } from "../router";
import { groups, lineChart } from "./query_charts";
import { personPanel, requestPanel, stackTrace, summary } from "./error_stack";
import { STATUSES, tokenBox } from "./errors";

/** PER_PAGE is the instances API's page size. */
const PER_PAGE = 20;
/** CHART_PAGES bounds the pages read for the chart (CHART_PAGES × PER_PAGE occurrences, newest). */
const CHART_PAGES = 50;

const when = (sec: number | null) => (sec ? time(new Date(sec * 1000)) : "–");
const instancesOf = (id: number, page: number) => rollbar<{ instances: Instance[] | null }>(`/api/1/item/${id}/instances`, { page: String(page) }).then((r) => r.instances ?? []);

/** traceOf finds the trace id a stored Rollbar payload carries (as the server does). */
export function traceOf(data: Record<string, unknown>): string {
  const req = (data.request ?? {}) as { headers?: Record<string, string> };
  const hdr = Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const tp = hdr["traceparent"]?.split("-");
  if (tp?.length === 4 && tp[1].length === 32) return tp[1];
  const root = /Root=(1-[0-9a-f]{8}-[0-9a-f]{24})/i.exec(hdr["x-amzn-trace-id"] ?? "");
  if (root) return root[1];
  const custom = (data.custom ?? {}) as Record<string, unknown>;
  const c = custom.trace_id ?? custom.traceId;
  return typeof c === "string" ? c : "";
}

/**
 * occurrenceChart counts timestamps (unix seconds) in about 40 buckets
 * from the first to the last (at least a minute), drawn as the query
 * page's line chart.
 */
export function occurrenceChart(stamps: number[]): SVGSVGElement {
  const t0 = Math.floor(Math.min(...stamps) / 60) * 60;
  const t1 = Math.max(t0 + 60, Math.ceil((Math.max(...stamps) + 1) / 60) * 60);
  const g = Math.max(1, Math.ceil((t1 - t0) / 40));
  const counts = new Map<number, number>();
  for (const s of stamps) {
    const b = t0 + Math.floor((s - t0) / g) * g;
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  const r: QueryResult = {
    query: { dataset: "", start_time: t0, end_time: t1, granularity: g, calculations: ["COUNT"], breakdowns: [] },
    results: [{ data: { COUNT: stamps.length } }],
    series: [...counts].map(([t, n]) => ({ time: new Date(t * 1000).toISOString(), data: { COUNT: n } })),
  };
  const chart = lineChart(r, "COUNT", groups(r).map((x) => ({ ...x, label: "occurrences" })));
  chart.id = "occurrence-chart";
  return chart;
}

/** chartSection reads the item's occurrences (up to CHART_PAGES pages) and draws them over time. */
async function chartSection(item: Item, into: HTMLElement, alive: () => boolean): Promise<void> {
  const stamps: number[] = [];
  let page = 1;
  for (; page <= CHART_PAGES; page++) {
    const got = await instancesOf(item.id, page);
    stamps.push(...got.map((o) => o.timestamp));
    if (got.length < PER_PAGE || !alive()) break;
  }
  if (!alive()) return;
  const capped = page > CHART_PAGES;
  mount(
    into,
    h("h2", null, "Occurrences over time"),
    stamps.length ? occurrenceChart(stamps) : h("p", { class: "empty" }, "No stored occurrences."),
    h("div", { class: "muted small" }, capped ? `the newest ${stamps.length} of ${item.total_occurrences}` : plural(stamps.length, "stored occurrence")),
  );
}

/** occurrenceView draws one occurrence in full. */
function occurrenceView(o: Instance): HTMLElement {
  const t = traceOf(o.data);
  return h(
    "section",
    { id: "occurrence", "data-id": o.id },
    h("h2", null, `Occurrence #${o.id}`),
    h(
      "div",
      { class: "muted small" },
      when(o.timestamp),
      o.data.environment ? ` · ${String(o.data.environment)}` : "",
      o.data.code_version ? ` · version ${String(o.data.code_version)}` : "",
      t ? [" · ", h("a", { href: href("trace/" + t), class: "trace-link" }, "trace " + t.slice(0, 16) + "…")] : null,
    ),
    stackTrace(o.data),
    h("div", { class: "panels" }, requestPanel(o.data), personPanel(o.data)),
    h("details", { class: "payload" }, h("summary", null, "Stored payload (JSON)"), h("pre", null, JSON.stringify(o.data, null, 2))),
  );
}

/** itemPage: one item, its status actions, occurrences over time and, a page at a time, its occurrences. */
export async function itemPage(root: HTMLElement, id: string, params: URLSearchParams, alive: () => boolean): Promise<void> {
  const page = Math.max(1, Number(params.get("page")) || 1);
  mount(root, h("h1", null, "Error item"), loading());
  let item: Item, instances: Instance[];
  try {
    item = await rollbar<Item>(`/api/1/item/${encodeURIComponent(id)}`);
    instances = await instancesOf(item.id, page);
  } catch (err) {
    if (alive()) mount(root, h("h1", null, "Error item"), tokenBox(err) ?? errorBox(err));
    return;
  }
  if (!alive()) return;
  const msg = h("span", { class: "muted" });
  const patch = async (body: Record<string, string>) => {
    msg.textContent = "saving…";
    try {
      await rollbar<Item>(`/api/1/item/${item.id}`, {}, { method: "PATCH", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
      dispatchEvent(new HashChangeEvent("hashchange"));
    } catch (err) {
      msg.textContent = String(err instanceof Error ? err.message : err);
    }
  };
  const version = h("input", { size: 12, placeholder: "resolved in version" });
  const kv = (k: string, v: unknown) => h("tr", null, h("th", null, k), h("td", null, String(v ?? "–")));
  const selected = instances.find((o) => String(o.id) === params.get("occ")) ?? instances[0];
  const link = (p: number, occ?: number) => href("errors/" + item.id, { page: p > 1 ? String(p) : undefined, occ: occ ? String(occ) : undefined });
  const pages = Math.max(1, Math.ceil(item.total_occurrences / PER_PAGE));
  const chart = h("div", { id: "occurrence-chart-box" }, h("h2", null, "Occurrences over time"), loading());
  mount(
    root,
    h("div", { class: "muted" }, h("a", { href: href("errors") }, "← Errors")),
    h("h1", { id: "item-title" }, h("span", { class: "badge " + item.level }, item.level), ` #${item.counter} ${item.title}`),
    h(
      "div",
      { class: "toolbar", id: "item-actions" },
      h("span", null, "Status: ", h("b", { class: "status " + item.status }, item.status)),
      STATUSES.filter((s) => s !== item.status).map((s) =>
        h("button", { onclick: () => patch(s === "resolved" && version.value.trim() ? { status: s, resolved_in_version: version.value.trim() } : { status: s }) }, s === "active" ? "reactivate" : s.replace(/d$/, "")),
      ),
      item.status !== "resolved" ? version : null,
      msg,
    ),
    h(
      "div",
      { class: "item-head" },
      h(
        "table",
        { class: "kv" },
        kv("occurrences", item.total_occurrences),
        kv("first seen", when(item.first_occurrence_timestamp)),
        kv("last seen", when(item.last_occurrence_timestamp)),
        kv("environments", (item.environments ?? [item.environment]).join(", ")),
        kv("level", item.level + (item.level_lock ? " (locked)" : "")),
        kv("notifier level", item.notifier_level ?? "–"),
        kv("resolved in version", item.resolved_in_version ?? "–"),
        kv("last resolved", when(item.last_resolved_timestamp)),
        kv("fingerprint", item.hash ?? "–"),
      ),
      chart,
    ),
    h("h2", null, `Occurrences (page ${page} of ${pages}, newest first)`),
    instances.length
      ? h(
          "table",
          { class: "grid", id: "occurrences" },
          h("tbody", null, instances.map((o) =>
            h(
              "tr",
              { class: "occ-row" + (o === selected ? " selected" : ""), "data-id": o.id },
              h("td", { class: "num" }, h("a", { href: link(page, o.id) }, "#" + o.id)),
              h("td", { class: "nowrap" }, when(o.timestamp)),
              h("td", null, String(o.data.environment ?? "")),
              h("td", { class: "mono small" }, summary(o.data)),
            ),
          )),
        )
      : h("p", { class: "empty" }, "No occurrences on this page."),
    h(
      "div",
      { class: "toolbar", id: "occ-pages" },
      page > 1 ? h("a", { class: "button", href: link(page - 1) }, "← newer") : null,
      page < pages ? h("a", { class: "button", href: link(page + 1) }, "older →") : null,
    ),
    selected ? occurrenceView(selected) : null,
  );
  chartSection(item, chart, alive).catch((err) => alive() && mount(chart, errorBox(err)));
}
