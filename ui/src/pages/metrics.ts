// Metrics: one OTLP metric over the page's time range, through the query
// API's metrics source (docs/query.md): pick a metric, the aggregation its
// type answers (a counter's rate or increase, a gauge's average, a
// histogram's percentiles) and an attribute to break it down by; the chart
// and the groups table are Query's. Below, the exemplars the points carry
// link to their traces.

import { columns, getJSON, runQuery, type Column, type QueryResult } from "../api";
import { errorBox, field, h, loading, mount, nanoTime, table, time } from "../dom";
import { autoRefresh, refreshControl } from "../refresh";
import { go, href } from "../router";
import { timeSpec } from "../queryspec";
import { groups, lineChart, resultsTable } from "./query_charts";

/** MetricColumn is a metric as /api/columns?source=metrics lists it. */
interface MetricColumn extends Column {
  metric_type?: string;
  unit?: string;
  ops?: string[];
}

interface Exemplar {
  timeUnixNano: string;
  value: number | null;
  traceID?: string;
  spanID?: string;
  attributes?: Record<string, unknown>;
}

interface Point {
  service: string;
  attributes: Record<string, unknown>;
  exemplars?: Exemplar[];
}

/** MAX_EXEMPLARS: the newest exemplars listed. */
const MAX_EXEMPLARS = 20;

/** defaultOp is the aggregation a metric opens with: a counter's rate, a histogram's P99, else the average. */
function defaultOp(m: MetricColumn): string {
  const ops = m.ops ?? [];
  for (const op of ["RATE_SUM", "P99", "AVG"]) if (ops.includes(op)) return op;
  return ops[0] ?? "";
}

export async function metricsPage(root: HTMLElement, params: URLSearchParams, alive: () => boolean): Promise<void> {
  const p = (k: string, d = "") => params.get(k) ?? d;
  const start = p("start", "1h");
  const end = p("end");
  mount(root, h("h1", null, "Metrics"), loading());
  const cols = (await columns("all", start, end, "metrics")) as MetricColumn[];
  if (!alive()) return;
  const metrics = cols.filter((c) => c.source === "metric");
  const attrs = cols.filter((c) => c.source !== "metric");
  if (!metrics.length) {
    mount(root, h("h1", null, "Metrics"), h("p", { class: "empty", id: "metrics-empty" }, "No metrics in this time range. Point an OpenTelemetry SDK's metric exporter at Lookout's OTLP port."));
    return;
  }
  const chosen = metrics.find((m) => m.name === p("metric")) ?? metrics[0];
  const metric = h("select", { name: "metric" }, metrics.map((m) => h("option", { value: m.name, title: m.description ?? "" }, `${m.name} (${m.metric_type ?? "?"}${m.unit ? ", " + m.unit : ""})`)));
  metric.value = chosen.name;
  const op = h("select", { name: "op" });
  const fillOps = (m: MetricColumn, want: string) => {
    op.replaceChildren(...(m.ops ?? []).map((o) => h("option", { value: o }, o)));
    op.value = (m.ops ?? []).includes(want) ? want : defaultOp(m);
  };
  fillOps(chosen, p("op"));
  metric.addEventListener("change", () => fillOps(metrics.find((m) => m.name === metric.value) ?? chosen, op.value));
  const by = h("select", { name: "by" }, h("option", { value: "" }, "(none)"), attrs.map((a) => h("option", { value: a.name }, a.name)));
  by.value = attrs.some((a) => a.name === p("by")) ? p("by") : "";
  const form = h(
    "form",
    {
      id: "metrics-form",
      class: "toolbar",
      onsubmit: (e: Event) => {
        e.preventDefault();
        go("metrics", { metric: metric.value, op: op.value, by: by.value, start: p("start"), end: p("end"), refresh: p("refresh") });
      },
    },
    field("Metric", metric),
    field("Aggregation", op),
    field("Break down by", by),
    h("button", { type: "submit" }, "Show"),
    refreshControl(params),
  );
  const about = h("p", { class: "muted small", id: "metric-about" }, chosen.description ?? "");
  const chart = h("div", { id: "metric-chart" }, loading());
  const exemplars = h("div", { id: "metric-exemplars" });
  mount(root, h("h1", null, "Metrics"), form, about, chart, h("h2", null, "Exemplars"), exemplars);

  const calc = { op: op.value, column: chosen.name };
  const breakdown = by.value;
  const load = async () => {
    const r = await runQuery("all", { ...timeSpec(start, end, Date.now() / 1000), calculations: [calc], breakdowns: breakdown ? [breakdown] : [] }, "metrics");
    if (!alive()) return;
    mount(chart, metricChart(r, chosen.name));
    const pts = await getJSON<{ points: Point[] | null }>(`/api/metrics/${encodeURIComponent(chosen.name)}/points`, { start, end, limit: "1000" });
    if (!alive()) return;
    mount(exemplars, exemplarTable(pts.points ?? [], breakdown));
  };
  try {
    await load();
  } catch (err) {
    if (alive()) mount(chart, errorBox(err));
  }
  autoRefresh(params, alive, load);
}

/** metricChart is Query's chart and groups table for the one calculation; without a breakdown the group is the metric. */
function metricChart(r: QueryResult, name: string): HTMLElement {
  const calc = r.query.calculations[0];
  const gs = groups(r).map((g) => (r.query.breakdowns.length ? g : { ...g, label: name }));
  if (!gs.length) return h("p", { class: "empty" }, "No points of this metric in the time range.");
  const t = resultsTable(r, gs);
  if (!r.query.breakdowns.length) for (const td of t.querySelectorAll("td.bd")) td.textContent = name;
  return h("div", null, lineChart(r, calc, gs), t);
}

/** exemplarTable lists the newest exemplars with a trace id: time, value, service, the breakdown's value, a link to the trace. */
function exemplarTable(points: Point[], breakdown: string): HTMLElement {
  const rows: { p: Point; e: Exemplar }[] = [];
  for (const p of points) for (const e of p.exemplars ?? []) if (e.traceID) rows.push({ p, e });
  rows.sort((a, b) => (BigInt(b.e.timeUnixNano) > BigInt(a.e.timeUnixNano) ? 1 : -1));
  if (!rows.length) return h("p", { class: "empty" }, "No exemplars with a trace id: an SDK records them for measurements taken within a sampled span.");
  const shown = (v: unknown) => (v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v));
  return table(
    ["Time", "Value", "Service", ...(breakdown ? [breakdown] : []), "Trace"],
    rows.slice(0, MAX_EXEMPLARS).map(({ p, e }) =>
      h(
        "tr",
        { class: "exemplar" },
        h("td", { class: "nowrap mono small" }, time(nanoTime(e.timeUnixNano))),
        h("td", { class: "num" }, e.value === null ? "–" : String(e.value)),
        h("td", null, p.service),
        breakdown ? h("td", null, shown(p.attributes?.[breakdown])) : null,
        h("td", { class: "mono small" }, h("a", { class: "trace-link", href: href("trace/" + e.traceID) }, e.traceID!.slice(0, 16) + "…")),
      ),
    ),
    "exemplars",
  );
}
