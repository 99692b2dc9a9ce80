// The service page's RED: rate, errors and duration of a service's requests
// over the time range, for every source (OpenTelemetry SERVER and CONSUMER
// spans and X-Ray segments alike), in total and per operation (span name,
// http.route or url.path), from four queries of the query API.

import { runQuery, type Filter, type QueryData, type QueryResult, type QuerySpec } from "../api";
import { h, ms, plural, table } from "../dom";
import { timeSpec } from "../queryspec";
import { href } from "../router";
import { dragToZoom } from "../timerange";
import { groups, lineChart, M, W } from "./query_charts";
import { behindPanel } from "./chart_traces";

/** OP_COLUMNS: what an operation is, as offered (the hash's "op"). */
export const OP_COLUMNS = ["name", "http.route", "url.path"];

const CALCS = [{ op: "COUNT" }, { op: "P50", column: "duration_ms" }, { op: "P95", column: "duration_ms" }, { op: "P99", column: "duration_ms" }];
const ENTRY: Filter = { column: "span.kind", op: "in", value: ["server", "consumer"] };
const ERROR: Filter = { column: "error", op: "=", value: true };

/** XRAY_SCOPE is the library.name of spans made from X-Ray segment documents. */
export const XRAY_SCOPE = "lookout/receiver/xray";
/** SOURCES: what the RED may count (the hash's "src"). */
const SOURCES: Record<string, { label: string; filter?: Filter }> = {
  all: { label: "OpenTelemetry and X-Ray" },
  otel: { label: "OpenTelemetry", filter: { column: "library.name", op: "!=", value: XRAY_SCOPE } },
  xray: { label: "X-Ray", filter: { column: "library.name", op: "=", value: XRAY_SCOPE } },
};

export interface RedOptions {
  service: string;
  start: string;
  end: string;
  /** the operation column, one of OP_COLUMNS */
  op: string;
  /** every span rather than the entry spans (SERVER, CONSUMER) */
  allSpans: boolean;
  /** the source chosen ("otel", "xray", "all"); undefined: OpenTelemetry when both record requests, else all */
  source?: string;
}

/** serviceLink links the service page with o's choices changed by c. */
function serviceLink(o: RedOptions, c: Partial<RedOptions>): string {
  const n = { ...o, ...c };
  return href("service/" + encodeURIComponent(n.service), { start: n.start, end: n.end, op: n.op === "name" ? undefined : n.op, spans: n.allSpans ? "all" : undefined, src: n.source });
}

/** Red is what the queries answered: the requests per source, and the four RED queries of the source used. */
interface Red {
  counts: { otel: number; xray: number };
  source: string;
  total: QueryResult;
  errors: QueryResult;
  ops: QueryResult;
  opErrors: QueryResult;
  /** the filters of the requests counted */
  where: Filter[];
}

async function load(o: RedOptions): Promise<Red> {
  const base: QuerySpec = timeSpec(o.start, o.end, Date.now() / 1000);
  // About 40 buckets, in whole minutes past 40 minutes: sparse requests still draw a line.
  const secs = base.time_range ?? (base.end_time ?? 0) - (base.start_time ?? 0);
  base.granularity = secs >= 2400 ? 60 * Math.max(1, Math.round(secs / 40 / 60)) : Math.max(1, Math.round(secs / 40));
  const q = (extra: QuerySpec) => runQuery(o.service, { ...base, ...extra });
  // Which sources record the requests: with both, the same requests may be counted twice.
  const entry = o.allSpans ? [] : [ENTRY];
  const bySource = await q({ calculations: [{ op: "COUNT" }], filters: entry, breakdowns: ["library.name"], limit: 1000 });
  const counts = { otel: 0, xray: 0 };
  for (const { data } of bySource.results) counts[data["library.name"] === XRAY_SCOPE ? "xray" : "otel"] += num(data, "COUNT") ?? 0;
  const source = o.source !== undefined && o.source in SOURCES ? o.source : counts.otel && counts.xray ? "otel" : "all";
  const where = [...entry, ...(SOURCES[source].filter ? [SOURCES[source].filter!] : [])];
  const [total, errors, ops, opErrors] = await Promise.all([
    q({ calculations: CALCS, filters: where }),
    q({ calculations: [{ op: "COUNT" }], filters: [...where, ERROR] }),
    q({ calculations: CALCS, filters: where, breakdowns: [o.op], limit: 200 }),
    q({ calculations: [{ op: "COUNT" }], filters: [...where, ERROR], breakdowns: [o.op], limit: 1000 }),
  ]);
  // The error series follow the totals' buckets: one time spec for all four.
  return { counts, source, total, errors, ops, opErrors, where };
}

const num = (d: QueryData | undefined, k: string): number | null => (typeof d?.[k] === "number" ? (d[k] as number) : null);

/** rate formats requests per second, as "/s" from 1 a second, else "/min". */
export function rate(perSec: number): string {
  if (perSec >= 1) return `${Number(perSec.toPrecision(3))}/s`;
  return `${Number((perSec * 60).toPrecision(3))}/min`;
}

const pct = (part: number, whole: number) => (whole ? (100 * part) / whole : 0);
const pctText = (v: number) => `${v >= 10 || v === 0 ? v.toFixed(0) : v.toFixed(1)}%`;

/** redSection loads and draws the RED of a service; a query the API refuses shows in its place. */
export async function redSection(o: RedOptions): Promise<HTMLElement> {
  const r = await load(o);
  const { start_time: t0, end_time: t1 } = r.total.query;
  const secs = Math.max(1, t1 - t0);
  const requests = num(r.total.results[0]?.data, "COUNT") ?? 0;
  const errors = num(r.errors.results[0]?.data, "COUNT") ?? 0;
  const d = r.total.results[0]?.data;
  const stat = (key: string, label: string, value: number, text: string, extra?: string) =>
    h("div", { class: "stat", "data-red": key, "data-value": String(value) }, h("div", { class: "stat-label" }, label), h("div", { class: "stat-value" }, text), extra ? h("div", { class: "muted small" }, extra) : null);
  const summary = h(
    "div",
    { class: "stats", id: "red-summary" },
    stat("requests", "Requests", requests, String(requests)),
    stat("rate", "Rate", requests / secs, rate(requests / secs)),
    stat("errors", "Errors", errors, String(errors), `${pctText(pct(errors, requests))} of requests`),
    stat("error-rate", "Error rate", pct(errors, requests), pctText(pct(errors, requests))),
    ...(["P50", "P95", "P99"] as const).map((p) => {
      const v = num(d, `${p}(duration_ms)`);
      return stat(p.toLowerCase(), `${p} duration`, v ?? NaN, v === null ? "–" : ms(v));
    }),
  );
  const what = o.allSpans ? "spans" : "requests (SERVER and CONSUMER spans, X-Ray segments)";
  if (!requests) {
    return h(
      "section",
      { id: "red" },
      summary,
      h(
        "p",
        { class: "empty", id: "red-empty" },
        `No ${what} of ${o.service} in this range.`,
        o.allSpans ? null : [" ", h("a", { href: serviceLink(o, { allSpans: true }) }, "Count every span instead")],
      ),
    );
  }
  const both = r.counts.otel > 0 && r.counts.xray > 0;
  // A clicked point lists the requests' traces of its bucket.
  const behind = behindPanel();
  const pick = (start: number, end: number) => behind.show({ dataset: o.service, source: "spans", filters: r.where, start, end });
  return h(
    "section",
    { id: "red" },
    h("div", { class: "muted small" }, `Counting ${what}; an error is a span with error status (an HTTP 5xx, an exception, an X-Ray fault).`),
    both || o.source !== undefined ? sourceChoice(o, r) : null,
    summary,
    h("div", { class: "red-charts" }, chartBox("Requests and errors", countChart(r, pick)), chartBox("Duration (P50, P95, P99)", latencyChart(r.total, pick))),
    behind.el,
    opsTable(o, r, secs),
  );
}

/** sourceChoice says which sources record the service's requests and picks the one counted. */
function sourceChoice(o: RedOptions, r: Red): HTMLElement {
  const n: Record<string, number> = { all: r.counts.otel + r.counts.xray, otel: r.counts.otel, xray: r.counts.xray };
  const sel = h("select", { name: "src" }, Object.entries(SOURCES).map(([k, s]) => h("option", { value: k }, `${s.label} (${n[k]})`)));
  sel.value = r.source;
  sel.addEventListener("change", () => (location.hash = serviceLink(o, { source: sel.value })));
  return h(
    "div",
    { class: "toolbar chips", id: "red-source", "data-source": r.source, "data-otel": r.counts.otel, "data-xray": r.counts.xray },
    h("label", { class: "small" }, "Count ", sel),
    r.counts.otel && r.counts.xray
      ? h("span", { class: "muted small" }, `Both OpenTelemetry (${r.counts.otel}) and the X-Ray SDK (${r.counts.xray}) record requests of this service: where both instrument the same requests, counting both counts them twice.`)
      : null,
  );
}

function chartBox(title: string, chart: SVGSVGElement): HTMLElement {
  return h("div", { class: "chart-box" }, h("h4", null, title, h("span", { class: "muted small" }, " · drag to zoom, click for traces")), chart);
}

/** zoomable: a RED chart sets the shared range when dragged across. */
function zoomable(chart: SVGSVGElement, r: QueryResult): SVGSVGElement {
  // The time the plot covers, for a reader of the page (and its test): unix seconds.
  chart.dataset.t0 = String(r.query.start_time);
  chart.dataset.t1 = String(r.query.end_time);
  dragToZoom(chart, r.query.start_time, r.query.end_time, M.l, W - M.r, W);
  return chart;
}

/** synth makes one query result of several single-group ones: each becomes the group `label` with its calc as `as`. */
function synth(base: QueryResult, parts: { r: QueryResult; calc: string; label: string }[], as: string): QueryResult {
  const data = (label: string, v: QueryData[string] | undefined) => ({ series: label, [as]: v ?? null });
  return {
    query: { ...base.query, calculations: [as], breakdowns: ["series"] },
    results: parts.map((p) => ({ data: data(p.label, p.r.results[0]?.data[p.calc]) })),
    series: parts.flatMap((p) => p.r.series.map((s) => ({ time: s.time, data: data(p.label, s.data[p.calc]) }))),
  };
}

function countChart(r: Red, pick: (start: number, end: number) => void): SVGSVGElement {
  const s = synth(r.total, [{ r: r.total, calc: "COUNT", label: "requests" }, { r: r.errors, calc: "COUNT", label: "errors" }], "COUNT");
  const gs = groups(s);
  gs[1].color = "#e15759";
  const chart = lineChart(s, "COUNT", gs, pick);
  chart.id = "red-count-chart";
  return zoomable(chart, s);
}

function latencyChart(total: QueryResult, pick: (start: number, end: number) => void): SVGSVGElement {
  const s = synth(total, ["P50", "P95", "P99"].map((p) => ({ r: total, calc: `${p}(duration_ms)`, label: p.toLowerCase() })), "duration(duration_ms)");
  const gs = groups(s);
  [gs[0].color, gs[1].color, gs[2].color] = ["#59a14f", "#f28e2b", "#b07aa1"];
  const chart = lineChart(s, "duration(duration_ms)", gs, pick);
  chart.id = "red-latency-chart";
  return zoomable(chart, s);
}

/** opsTable lists the operations, most requests first, each linking to its traces. */
function opsTable(o: RedOptions, r: Red, secs: number): HTMLElement {
  const key = (d: QueryData) => JSON.stringify(d[o.op] ?? null);
  const errs = new Map(r.opErrors.results.map(({ data }) => [key(data), num(data, "COUNT") ?? 0]));
  const rows = r.ops.results.map(({ data }) => {
    const v = data[o.op];
    const n = num(data, "COUNT") ?? 0;
    const e = errs.get(key(data)) ?? 0;
    const label = v === null || v === undefined ? null : String(v);
    const tags = label === null ? "" : `${o.op}=${JSON.stringify(label)}`;
    const cell = (k: string, value: number, text: string, cls = "num") => h("td", { class: cls, "data-k": k, "data-value": String(value) }, text);
    return h(
      "tr",
      { class: "red-op" + (e ? " err" : ""), "data-op": label ?? "" },
      h("td", { class: "mono" }, label ?? h("span", { class: "muted" }, `(no ${o.op})`)),
      cell("requests", n, String(n)),
      cell("rate", n / secs, rate(n / secs)),
      cell("errors", e, String(e)),
      cell("error-rate", pct(e, n), pctText(pct(e, n))),
      ...["P50", "P95", "P99"].map((p) => {
        const x = num(data, `${p}(duration_ms)`);
        return cell(p.toLowerCase(), x ?? NaN, x === null ? "–" : ms(x));
      }),
      h("td", { class: "nowrap small" }, label === null ? "" : h("a", { href: href("traces", { service: o.service, tags, start: o.start, end: o.end, run: "1" }) }, "traces →")),
    );
  });
  const choose = h("select", { name: "op", title: "what an operation is" }, OP_COLUMNS.map((c) => h("option", { value: c }, c === "name" ? "span name" : c)));
  choose.value = o.op;
  choose.addEventListener("change", () => (location.hash = serviceLink(o, { op: choose.value, source: r.source })));
  const queryLink = href("query", {
    dataset: o.service, start: o.start, end: o.end, calcs: "COUNT, P50(duration_ms), P95(duration_ms), P99(duration_ms)",
    where: [o.allSpans ? "" : "span.kind in server, consumer", r.source !== "all" ? `library.name ${r.source === "xray" ? "=" : "!="} ${XRAY_SCOPE}` : ""].filter(Boolean).join("\n") || undefined, group: o.op,
  });
  const t = table(["Operation", "Requests", "Rate", "Errors", "Error rate", "P50", "P95", "P99", ""], rows, "red-ops");
  t.id = "red-ops";
  return h(
    "div",
    null,
    h("h2", null, `Operations (${r.ops.results.length})`),
    h("div", { class: "toolbar chips" }, h("label", { class: "small" }, "Operation by ", choose), h("a", { class: "small", href: queryLink }, "open as a query →"), h("span", { class: "muted small" }, plural(r.ops.results.length, "operation") + ", most requests first")),
    t,
  );
}
