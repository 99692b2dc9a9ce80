import { ApiError, columns as listColumns, getJSON, runQuery, type Column, type QueryResult, type QuerySource, type QuerySpec, type Service } from "../api";
import { errorBox, field, h, loading, mount, table, time } from "../dom";
import { BUILDER_DEFAULTS, calculations, pointInTime, spec, SpecError, type Builder } from "../queryspec";
import { href } from "../router";
import { bubbleUpPanel } from "./bubbleup";
import { groups, lineChart, M, MAX_LINES, resultsTable, W } from "./query_charts";
import { heatmap, type Heatmap, type Region } from "./query_heatmap";
import { behindPanel } from "./chart_traces";
import { dragToZoom } from "../timerange";
import { savedBar } from "./query_saved";

/** URL parameter of each builder field (the whole query lives in the hash). */
const PARAM: Record<keyof Builder, string> = {
  source: "source", dataset: "dataset", start: "start", end: "end", granularity: "gran", calcs: "calcs", where: "where",
  combine: "combine", groupBy: "group", orderBy: "order", having: "having", limit: "limit",
};

export function builderFrom(params: URLSearchParams): Builder {
  const b = { ...BUILDER_DEFAULTS };
  for (const k of Object.keys(PARAM) as (keyof Builder)[]) b[k] = params.get(PARAM[k]) ?? b[k];
  return b;
}

export function queryHref(b: Builder): string {
  const p: Record<string, string> = {};
  for (const k of Object.keys(PARAM) as (keyof Builder)[]) {
    const v = b[k].trim();
    if (v && v !== BUILDER_DEFAULTS[k]) p[PARAM[k]] = v;
  }
  // The time range is the shared one (timerange.ts): always named, so that the link keeps this query's.
  p.start = b.start.trim() || "1h";
  p.end = b.end.trim();
  return href("query", p);
}

const CALC_TEMPLATES = ["COUNT", "COUNT_DISTINCT(", "SUM(", "AVG(", "MIN(", "MAX(", "P50(", "P90(", "P95(", "P99(", "P999(", "HEATMAP("];

/**
 * suggest keeps a datalist in step with a comma-list input: the options are
 * the text before the current item followed by each column (or, for
 * VISUALIZE, each operation, then each column inside its parentheses).
 */
function suggest(input: HTMLInputElement, dl: HTMLDataListElement, cols: () => Column[], calcs: boolean): () => void {
  const update = () => {
    const v = input.value;
    const cut = v.lastIndexOf(",") + 1;
    const head = v.slice(0, cut) + (cut ? " " : "");
    const cur = v.slice(cut).trim();
    const open = cur.match(/^([A-Za-z0-9_]+)\(/);
    const names = cols().map((c) => c.name);
    const opts = !calcs ? names.map((n) => head + n) : open ? names.map((n) => `${head}${open[1]}(${n})`) : CALC_TEMPLATES.map((t) => head + t);
    dl.replaceChildren(...opts.slice(0, 400).map((o) => h("option", { value: o })));
  };
  input.addEventListener("input", update);
  input.addEventListener("focus", update);
  return update;
}

/** sourceOf reads the builder's source: anything but "logs" is spans. */
export const sourceOf = (b: Builder): QuerySource => (b.source === "logs" ? "logs" : "spans");

/** queryPage: Honeycomb's query builder (VISUALIZE, WHERE, GROUP BY, ORDER BY, LIMIT, HAVING), charts, heatmaps and BubbleUp. */
export async function queryPage(root: HTMLElement, params: URLSearchParams, alive: () => boolean): Promise<void> {
  const b = builderFrom(params);
  const source = h("select", { name: "source" }, h("option", { value: "spans" }, "spans"), h("option", { value: "logs" }, "log events"));
  source.value = sourceOf(b);
  const dataset = h("select", { name: "dataset" }, h("option", { value: "all" }, "all services"));
  if (b.dataset !== "all") dataset.append(h("option", { value: b.dataset }, b.dataset));
  dataset.value = b.dataset;
  const gran = h("input", { name: "gran", value: b.granularity, size: 6, placeholder: "auto" });
  const calcs = h("input", { name: "calcs", value: b.calcs, size: 60, list: "dl-calcs", placeholder: "COUNT, P99(duration_ms), HEATMAP(duration_ms)", autocomplete: "off" });
  const where = h("textarea", { name: "where", rows: Math.max(2, b.where.split("\n").length), cols: 58, placeholder: "one filter a line, e.g.\nhttp.route = /api/orders", spellcheck: "false" });
  where.value = b.where;
  const combine = h("select", { name: "combine" }, h("option", { value: "AND" }, "AND"), h("option", { value: "OR" }, "OR"));
  combine.value = b.combine.toUpperCase() === "OR" ? "OR" : "AND";
  const groupBy = h("input", { name: "group", value: b.groupBy, size: 40, list: "dl-group", placeholder: "service.name, http.route", autocomplete: "off" });
  const orderBy = h("input", { name: "order", value: b.orderBy, size: 40, list: "dl-order", placeholder: "P99(duration_ms) desc", autocomplete: "off" });
  const having = h("input", { name: "having", value: b.having, size: 30, placeholder: "COUNT > 10" });
  const limit = h("input", { name: "limit", value: b.limit, size: 5, placeholder: "100" });
  let cols: Column[] = [];
  const lists = ["dl-calcs", "dl-group", "dl-order"].map((id) => h("datalist", { id }));
  const updates = [
    suggest(calcs, lists[0], () => cols, true),
    suggest(groupBy, lists[1], () => cols, false),
    suggest(orderBy, lists[2], () => [...calculationsOr(calcs.value), ...cols], false),
  ];

  const read = (): Builder => ({
    source: source.value, dataset: dataset.value, start: b.start, end: b.end, granularity: gran.value, calcs: calcs.value, where: where.value,
    combine: combine.value, groupBy: groupBy.value, orderBy: orderBy.value, having: having.value, limit: limit.value,
  });
  const errorSlot = h("div", { id: "query-error" });
  const out = h("div", { id: "query-out" });
  const colBox = h("details", { id: "query-columns", class: "small" }, h("summary", null, "Columns"), loading());

  /** showError shows a refusal next to the form; one in WHERE is pointed at and selected in the field. */
  const showError = (err: unknown, nb: Builder) => {
    mount(errorSlot, builderError(err, nb));
    if (err instanceof SpecError && err.field === "WHERE" && err.at >= 0 && where.value === nb.where) {
      where.focus();
      where.setSelectionRange(err.at, err.at + err.token.length);
    }
  };
  /** submit validates the fields, then puts them in the URL (a new hash renders the page again). */
  const submit = (nb: Builder) => {
    try {
      spec(nb);
    } catch (err) {
      showError(err, nb);
      return;
    }
    const target = queryHref(nb);
    if (location.hash === target) void run(nb);
    else location.hash = target;
  };
  const form = h(
    "form",
    { id: "query-form", class: "qb", onsubmit: (e: Event) => (e.preventDefault(), submit(read())) },
    h("div", { class: "toolbar" }, field("Source", source), field("Dataset", dataset), field("Granularity (60, 1m)", gran)),
    h("div", { class: "qb-row" }, h("span", { class: "qb-label" }, "VISUALIZE"), calcs),
    h("div", { class: "qb-row" }, h("span", { class: "qb-label" }, "WHERE"), where, field("Combine", combine)),
    h("div", { class: "qb-row" }, h("span", { class: "qb-label" }, "GROUP BY"), groupBy),
    h("div", { class: "qb-row" }, h("span", { class: "qb-label" }, "ORDER BY"), orderBy),
    h("div", { class: "qb-row" }, h("span", { class: "qb-label" }, "HAVING"), having, h("span", { class: "qb-label" }, "LIMIT"), limit),
    h("div", { class: "qb-row" }, h("span", { class: "qb-label" }), h("button", { type: "submit" }, "Run query"), colBox),
    lists,
  );
  const saved = savedBar(() => queryHref(read()).slice(2));
  mount(root, h("h1", null, "Query"), form, saved.el, errorSlot, out);

  // Services and columns of the query's window, sent as unix seconds (the form also reads "7d", the API does not).
  const now = Date.now() / 1000;
  let win = ["", ""];
  try {
    win = [String(Math.floor(pointInTime("From", b.start || "1h", now))), b.end ? String(Math.ceil(pointInTime("To", b.end, now))) : ""];
  } catch {
    // run() reports the bad time
  }
  getJSON<{ services: Service[] | null }>("/api/services", { start: win[0], end: win[1] })
    .then((r) => {
      const chosen = dataset.value;
      for (const s of r.services ?? []) if (s.name !== b.dataset) dataset.append(h("option", { value: s.name }, s.name));
      dataset.value = chosen;
    })
    .catch(() => {});
  // The columns follow the source (and dataset) chosen in the form, before it is run.
  let colGen = 0;
  const loadColumns = () => {
    const gen = ++colGen;
    const src = source.value as QuerySource;
    listColumns(dataset.value, win[0], win[1], src)
      .then((cs) => {
        if (gen !== colGen) return;
        cols = cs;
        for (const u of updates) u();
        mount(colBox, h("summary", null, `Columns of ${src} (${cs.length})`), columnTable(cs, src, (name) => {
          where.value = (where.value.trimEnd() + "\n" + name + " ").trimStart();
          where.rows = Math.max(2, where.value.split("\n").length);
          where.focus();
        }));
      })
      .catch((err) => gen === colGen && mount(colBox, h("summary", null, "Columns"), errorBox(err)));
  };
  // Examples in the empty fields follow the source.
  const examples = () => {
    const logs = source.value === "logs";
    calcs.placeholder = logs ? "COUNT, HEATMAP(severity_number)" : "COUNT, P99(duration_ms), HEATMAP(duration_ms)";
    where.placeholder = "one filter a line, e.g.\n" + (logs ? "severity_number >= 17" : "http.route = /api/orders");
    groupBy.placeholder = logs ? "severity_text, service.name" : "service.name, http.route";
    orderBy.placeholder = logs ? "COUNT desc" : "P99(duration_ms) desc";
  };
  examples();
  source.addEventListener("change", examples);
  source.addEventListener("change", loadColumns);
  dataset.addEventListener("change", loadColumns);
  loadColumns();

  async function run(nb: Builder): Promise<void> {
    mount(errorSlot);
    let s: QuerySpec;
    try {
      s = spec(nb);
    } catch (err) {
      showError(err, nb);
      mount(out);
      return;
    }
    mount(out, loading());
    try {
      const r = await runQuery(nb.dataset, s, sourceOf(nb));
      if (!alive()) return;
      saved.ran(queryHref(nb).slice(2));
      mount(out, results(r, nb, s, (lines) => submit({ ...nb, where: [nb.where.trimEnd(), ...lines].filter(Boolean).join("\n") })));
    } catch (err) {
      if (!alive()) return;
      mount(out);
      showError(err, nb);
    }
  }
  await run(b);
}

/**
 * builderError: a refusal of the builder's fields. A WHERE token the parser
 * could not read is shown marked in its line; a 400 naming filters[i] names
 * the WHERE line it came from.
 */
function builderError(err: unknown, b: Builder): HTMLElement {
  const box = errorBox(err);
  if (err instanceof SpecError && err.field === "WHERE" && err.at >= 0) {
    const start = b.where.lastIndexOf("\n", err.at - 1) + 1;
    const stop = b.where.indexOf("\n", err.at);
    const line = b.where.slice(start, stop < 0 ? undefined : stop);
    const at = err.at - start;
    const lineNo = b.where.slice(0, start).split("\n").length;
    box.append(
      h("div", { class: "spec-at mono" }, h("span", { class: "muted" }, `line ${lineNo}: `), line.slice(0, at), h("mark", { class: "spec-token" }, err.token), line.slice(at + err.token.length)),
    );
  }
  const m = err instanceof ApiError && err.message.match(/\bfilters\[(\d+)\]/);
  if (m) {
    const lines = b.where.split("\n").map((l) => l.trim()).filter(Boolean);
    const line = lines[Number(m[1])];
    if (line) box.append(h("div", { class: "spec-at mono" }, h("span", { class: "muted" }, "WHERE: "), h("mark", { class: "spec-token" }, line)));
  }
  return box;
}

/** calculationsOr lists VISUALIZE's calculations as ORDER BY suggestions (none when it does not parse). */
function calculationsOr(s: string): Column[] {
  try {
    return calculations(s).map((c) => ({ name: c.column ? `${c.op}(${c.column})` : c.op, type: "float", source: "span" }));
  } catch {
    return [];
  }
}

function columnTable(cs: Column[], src: QuerySource, pick: (name: string) => void): HTMLElement {
  return table(
    ["Column (click: add to WHERE)", "Type", "Source", src === "logs" ? "Events" : "Spans", "Distinct (recent)"],
    cs.map((c) =>
      h(
        "tr",
        { title: c.description ?? "" },
        h("td", null, h("button", { type: "button", class: "link mono", onclick: () => pick(c.name) }, c.name)),
        h("td", null, c.type),
        h("td", null, c.source),
        h("td", { class: "num" }, c.count ?? ""),
        h("td", { class: "num" }, c.cardinality ?? ""),
      ),
    ),
  );
}

function results(r: QueryResult, b: Builder, s: QuerySpec, onFilter: (lines: string[]) => void): HTMLElement {
  const gs = groups(r);
  const { start_time: t0, end_time: t1, granularity: g } = r.query;
  const summary = h(
    "div",
    { class: "muted small", id: "query-summary" },
    `${gs.length} group${gs.length === 1 ? "" : "s"}`,
    gs.length > MAX_LINES ? ` (the first ${MAX_LINES} drawn)` : "",
    ` · ${time(new Date(t0 * 1000)).slice(0, 19)} – ${time(new Date(t1 * 1000)).slice(0, 19)} · ${g}s buckets`,
  );
  const logs = sourceOf(b) === "logs";
  if (!gs.length) return h("div", null, summary, h("p", { class: "empty" }, logs ? "No log events match." : "No spans match."));

  const heatmaps = new Map<string, Heatmap>();
  const hmCols = s.calculations?.filter((c) => c.op === "HEATMAP").map((c) => c.column ?? "") ?? [];
  // BubbleUp compares the spans of the query as it ran: its time range and filters.
  const buQuery: QuerySpec = { start_time: t0, end_time: t1, filters: s.filters, filter_combination: s.filter_combination };
  // BubbleUp compares spans only: the API answers 400 query.source for logs.
  const bu = hmCols.length && !logs
    ? bubbleUpPanel({ dataset: b.dataset, query: buQuery, columns: [...new Set(hmCols)], onRegion: (col, reg) => heatmaps.get(col)?.show(reg), onFilter })
    : null;
  // A chart's point or region lists the traces behind it, read with this query.
  const behind = behindPanel();
  const point = { dataset: b.dataset, source: sourceOf(b), filters: s.filters, combination: s.filter_combination };
  const charts = r.query.calculations.map((name, i) => {
    const c = s.calculations?.[i];
    if (c?.op !== "HEATMAP") {
      const chart = lineChart(r, name, gs, (start, end) => behind.show({ ...point, start, end }));
      dragToZoom(chart, t0, t1, M.l, W - M.r, W);
      return h("section", { class: "chart-box" }, h("h2", null, name, h("span", { class: "muted small" }, " · click a point for its traces, drag to zoom")), chart);
    }
    const axis = r.heatmaps?.find((x) => x.name === name);
    if (!axis) return h("section", { class: "chart-box" }, h("h2", null, name), h("p", { class: "empty" }, "No numeric values."));
    const onSelect = (reg: Region) => {
      bu?.select(c.column ?? "", reg);
      behind.show({ ...point, start: reg.start, end: reg.end, column: c.column, min: reg.min, max: reg.max });
    };
    const hm = heatmap(r, name, axis, onSelect, bu ? "Drag a rectangle (or click a cell) to BubbleUp and list its traces." : "Drag a rectangle (or click a cell) to list its traces.");
    if (!heatmaps.has(c.column ?? "")) heatmaps.set(c.column ?? "", hm);
    return h("section", { class: "chart-box" }, h("h2", null, name), hm.el);
  });
  return h(
    "div",
    null,
    summary,
    charts,
    behind.el,
    h("h2", null, "Groups"),
    resultsTable(r, gs),
    bu
      ? bu.el
      : h("p", { class: "muted small", id: "bubbleup-hint" }, logs ? "BubbleUp compares spans; it is not available for log events." : "Add HEATMAP(duration_ms) to VISUALIZE to select spans on a heatmap and BubbleUp."),
  );
}
