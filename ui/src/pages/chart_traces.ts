// From a chart to its traces: the traces behind a point of a time series
// (one bucket of time) or a heatmap region (time × a range of a column's
// values), read with the chart's own query — its dataset, source and
// filters — grouped by trace.trace_id, so the list holds exactly the spans
// (or log events) the chart counted there.

import { runQuery, type Filter, type QuerySource, type QuerySpec } from "../api";
import { errorBox, h, loading, mount, ms, plural, time } from "../dom";
import { href } from "../router";
import { setRange } from "../timerange";

/** LIMIT: the traces listed, the slowest first. */
const LIMIT = 20;

/** Behind is what a chart point stands for. */
export interface Behind {
  dataset: string;
  source: QuerySource;
  filters?: Filter[];
  combination?: "AND" | "OR";
  /** [start, end) in unix seconds */
  start: number;
  end: number;
  /** a value range of column (a heatmap region), both ends included */
  column?: string;
  min?: number;
  max?: number;
}

export interface BehindPanel {
  el: HTMLElement;
  show(b: Behind): void;
}

/** round drops the floating-point noise of bucket bounds (117.80000000000001 → 117.8) for display. */
const round = (v: number) => Number(v.toPrecision(6));
const clock = (sec: number) => time(new Date(sec * 1000)).slice(0, 19);

/** spec is the query of the traces behind b; with OR filters a value range cannot be added, so it is left out (said in the panel). */
function spec(b: Behind): { q: QuerySpec; ranged: boolean } {
  const ranged = b.column !== undefined && (b.combination !== "OR" || !b.filters?.length);
  const range: Filter[] = ranged ? [{ column: b.column!, op: ">=", value: b.min! }, { column: b.column!, op: "<=", value: b.max! }] : [];
  const spans = b.source === "spans";
  return {
    ranged,
    q: {
      start_time: b.start,
      end_time: b.end,
      calculations: spans ? [{ op: "COUNT" }, { op: "MAX", column: "duration_ms" }] : [{ op: "COUNT" }],
      filters: [...(b.filters ?? []), ...range, { column: "trace.trace_id", op: "exists" }],
      filter_combination: range.length ? "AND" : b.combination,
      breakdowns: ["trace.trace_id"],
      orders: [spans ? { op: "MAX", column: "duration_ms", order: "descending" } : { op: "COUNT", order: "descending" }],
      limit: LIMIT,
    },
  };
}

/** behindPanel is the list under a page's charts; show fills it for a point or region. */
export function behindPanel(): BehindPanel {
  const el = h("section", { id: "chart-traces", hidden: true });
  const show = async (b: Behind) => {
    el.hidden = false;
    const { q, ranged } = spec(b);
    const what = `${clock(b.start)} – ${clock(b.end)}` + (b.column !== undefined ? ` · ${b.column} ${round(b.min!)} – ${round(b.max!)}` : "");
    const head = h(
      "div",
      { class: "toolbar chips" },
      h("h2", null, "Traces behind ", h("span", { class: "muted", id: "chart-traces-what" }, what)),
      h("button", { type: "button", id: "chart-traces-zoom", onclick: () => setRange({ start: String(Math.floor(b.start)), end: String(Math.ceil(b.end)) }) }, "Zoom the range to this time"),
      h("button", { type: "button", class: "link", onclick: () => (el.hidden = true) }, "close"),
    );
    mount(el, head, loading());
    el.scrollIntoView({ block: "nearest" });
    try {
      const r = await runQuery(b.dataset, q, b.source);
      const rows = r.results.map(({ data }) => {
        const id = String(data["trace.trace_id"] ?? "");
        const max = data["MAX(duration_ms)"];
        return h(
          "tr",
          { class: "behind-row", "data-trace": id, "data-count": String(data.COUNT ?? 0) },
          h("td", { class: "mono" }, h("a", { href: href("trace/" + id), class: "trace-link" }, id)),
          h("td", { class: "num" }, String(data.COUNT ?? 0)),
          b.source === "spans" ? h("td", { class: "num" }, typeof max === "number" ? ms(max) : "–") : null,
        );
      });
      mount(
        el,
        head,
        ranged || b.column === undefined ? null : h("div", { class: "alert warn" }, `The query's filters are OR-ed, so the list is not narrowed to the ${b.column} range.`),
        rows.length
          ? h(
              "table",
              { class: "grid", id: "chart-traces-table" },
              h("thead", null, h("tr", null, h("th", null, "Trace"), h("th", null, b.source === "spans" ? "Spans here" : "Log events here"), b.source === "spans" ? h("th", null, "Slowest") : null)),
              h("tbody", null, rows),
            )
          : h("p", { class: "empty" }, `No ${b.source === "spans" ? "spans" : "log events"} with a trace id here.`),
        rows.length === LIMIT ? h("div", { class: "muted small" }, `the first ${plural(LIMIT, "trace")}, slowest first`) : null,
      );
    } catch (err) {
      mount(el, head, errorBox(err));
    }
  };
  return { el, show: (b) => void show(b) };
}
