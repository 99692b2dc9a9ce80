// The Logs page's log-group view: how many events a CloudWatch Logs group
// holds per stream and severity. GET /api/logs has no log-group parameter,
// so the counts come from the query API over log events (log.group = name).

import { runQuery, type Filter, type QueryResult, type QuerySpec } from "../api";
import { errorBox, h, loading, mount, table } from "../dom";
import { timeSpec } from "../queryspec";
import { href } from "../router";
import { dragToZoom } from "../timerange";
import { behindPanel } from "./chart_traces";
import { groups, lineChart, M, W } from "./query_charts";

const STREAM = "log.stream";
const SEVERITY = "severity_text";

/**
 * groupCounts shows the group's event counts per stream and severity in the
 * window [start, end) (the Logs page's fields), in box: a new one, or the
 * one it returned before, whose counts stay until the new ones arrive.
 */
export function groupCounts(group: string, start: string, end: string, box = h("section", { id: "group-counts" }, h("h2", null, "Events per stream and severity"), loading())): HTMLElement {
  const filters = [{ column: "log.group", op: "=", value: group }];
  let spec: QuerySpec;
  try {
    spec = { ...timeSpec(start, end, Date.now() / 1000), calculations: [{ op: "COUNT" }], filters, breakdowns: [STREAM, SEVERITY], orders: [{ column: STREAM, order: "ascending" }, { column: SEVERITY, order: "ascending" }], limit: 1000 };
  } catch (err) {
    mount(box, errorBox(err));
    return box;
  }
  runQuery("all", spec, "logs")
    .then((r) => mount(box, h("h2", null, "Events per stream and severity"), countsTable(group, r, start, end)))
    .catch((err) => mount(box, h("h2", null, "Events per stream and severity"), errorBox(err)));
  return box;
}

function countsTable(group: string, r: QueryResult, start: string, end: string): HTMLElement {
  const rows = r.results.map((x) => x.data);
  if (!rows.length) return h("p", { class: "empty" }, "No events of this group in this window.");
  const text = (v: unknown) => (v === null || v === undefined || v === "" ? "" : String(v));
  const total = rows.reduce((a, d) => a + Number(d.COUNT ?? 0), 0);
  const streams = new Set(rows.map((d) => text(d[STREAM])));
  // The same counts as a query, to refine (by time, by a field of the body...).
  const query = href("query", {
    source: "logs", start, end, calcs: "COUNT", where: `log.group = ${JSON.stringify(group)}`, group: `${STREAM}, ${SEVERITY}`,
  });
  return h(
    "div",
    null,
    h("div", { class: "muted small", id: "group-total" }, `${total} event${total === 1 ? "" : "s"} in ${streams.size} stream${streams.size === 1 ? "" : "s"} · `, h("a", { href: query }, "open as a query →")),
    table(
      ["Stream", "Severity", "Events"],
      rows.map((d) =>
        h(
          "tr",
          { class: "group-count", "data-stream": text(d[STREAM]), "data-severity": text(d[SEVERITY]) },
          h("td", { class: "mono" }, text(d[STREAM]) ? h("a", { class: "stream-link", href: href("logs", { group, stream: text(d[STREAM]), start, end }), title: "this stream's events" }, text(d[STREAM])) : h("span", { class: "muted" }, "(no stream)")),
          h("td", null, text(d[SEVERITY]) || h("span", { class: "muted" }, "(none)")),
          h("td", { class: "num", "data-count": Number(d.COUNT ?? 0) }, Number(d.COUNT ?? 0)),
        ),
      ),
      "group-counts",
    ),
  );
}

/**
 * groupVolume charts the events of a group (and stream) over the window,
 * a line per severity (about 40 buckets): dragging zooms the range, a
 * point lists the traces its events carry.
 */
export function groupVolume(group: string, stream: string, start: string, end: string, box = h("section", { id: "group-volume" }, h("h2", null, "Events over time"), loading())): HTMLElement {
  const filters: Filter[] = [{ column: "log.group", op: "=", value: group }, ...(stream ? [{ column: STREAM, op: "=", value: stream }] : [])];
  let spec: QuerySpec;
  try {
    const t = timeSpec(start, end, Date.now() / 1000);
    const secs = t.time_range ?? (t.end_time ?? 0) - (t.start_time ?? 0);
    spec = { ...t, granularity: Math.max(1, Math.round(secs / 40)), calculations: [{ op: "COUNT" }], filters, breakdowns: [SEVERITY], limit: 20 };
  } catch (err) {
    mount(box, errorBox(err));
    return box;
  }
  const head = h("h2", null, "Events over time", h("span", { class: "muted small" }, " · by severity; drag to zoom, click a point for its traces"));
  runQuery("all", spec, "logs")
    .then((r) => {
      if (!r.results.length) return mount(box, head, h("p", { class: "empty" }, "No events in this window."));
      const behind = behindPanel();
      const gs = groups(r).map((g) => ({ ...g, label: g.label === "(none)" ? "no severity" : g.label }));
      const chart = lineChart(r, "COUNT", gs, (s, e) => behind.show({ dataset: "all", source: "logs", filters, start: s, end: e }));
      chart.id = "volume-chart";
      dragToZoom(chart, r.query.start_time, r.query.end_time, M.l, W - M.r, W);
      mount(box, head, chart, behind.el);
    })
    .catch((err) => mount(box, head, errorBox(err)));
  return box;
}
