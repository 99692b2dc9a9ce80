// BubbleUp: compare a heatmap region (time range × value range of the
// heatmap's column) with the rest of the query's spans, column by column.
// The region comes from a drag on the heatmap or from the form (keyboard).

import { bubbleUp, type BubbleUpColumn, type BubbleUpResult, type BubbleUpValue, type Filter, type QuerySpec, type Selection } from "../api";
import { errorBox, field, h, loading, mount, ms, time } from "../dom";
import { filterLine, pointInTime, SpecError } from "../queryspec";
import type { Region } from "./query_heatmap";

export interface BubbleUpOptions {
  dataset: string;
  /** the query whose spans are compared (its time range and filters) */
  query: QuerySpec;
  /** the columns of the query's heatmaps */
  columns: string[];
  /** outline a region on the heatmap of column */
  onRegion(column: string, reg: Region | null): void;
  /** add WHERE lines to the query and run it */
  onFilter(lines: string[]): void;
}

export interface BubbleUpPanel {
  el: HTMLElement;
  /** select fills the form with a region and runs BubbleUp */
  select(column: string, reg: Region): void;
}

/** iso writes unix seconds as local RFC 3339 with its offset (whole seconds), which the form reads back. */
function iso(sec: number): string {
  const d = new Date(sec * 1000);
  const off = -d.getTimezoneOffset();
  const pad = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  return time(d).slice(0, 19).replace(" ", "T") + (off ? `${off < 0 ? "-" : "+"}${pad(off / 60)}:${pad(off % 60)}` : "Z");
}
/** round drops the floating-point noise of bucket bounds (466.6199999 → 466.62). */
const round = (v: number) => Number(v.toPrecision(6));
const pct = (f: number) => (f * 100).toFixed(f > 0 && f < 0.1 ? 1 : 0) + "%";

export function bubbleUpPanel(o: BubbleUpOptions): BubbleUpPanel {
  const column = h("select", { name: "column" }, o.columns.map((c) => h("option", { value: c }, c)));
  const min = h("input", { name: "min", size: 8, placeholder: "any", inputmode: "decimal" });
  const max = h("input", { name: "max", size: 8, placeholder: "any", inputmode: "decimal" });
  const from = h("input", { name: "from", size: 20, placeholder: "query start" });
  const to = h("input", { name: "to", size: 20, placeholder: "query end" });
  const out = h("div", { id: "bubbleup-results" });
  const form = h(
    "form",
    { class: "toolbar", id: "bubbleup-form", onsubmit: (e: Event) => (e.preventDefault(), void run()) },
    field("Column", column),
    field("Value ≥", min),
    field("Value ≤", max),
    field("From (RFC 3339, now-10m)", from),
    field("To", to),
    h("button", { type: "submit" }, "BubbleUp"),
  );

  const num = (label: string, s: string): number | undefined => {
    s = s.trim();
    if (!s) return undefined;
    const v = Number(s);
    if (!Number.isFinite(v)) throw new SpecError(`${label}: "${s}" is not a number`);
    return v;
  };

  async function run(): Promise<void> {
    let sel: Selection;
    const now = Date.now() / 1000;
    try {
      sel = { column: column.value, min: num("Value ≥", min.value), max: num("Value ≤", max.value) };
      if (from.value.trim()) sel.start_time = Math.floor(pointInTime("From", from.value, now));
      if (to.value.trim()) sel.end_time = Math.ceil(pointInTime("To", to.value, now));
      if (sel.min === undefined && sel.max === undefined && sel.start_time === undefined && sel.end_time === undefined) {
        throw new SpecError("Select a region: drag a rectangle on the heatmap, or give a value or time range.");
      }
    } catch (err) {
      mount(out, errorBox(err));
      return;
    }
    if (sel.min === undefined && sel.max === undefined) delete sel.column;
    const t0 = o.query.start_time ?? now, t1 = o.query.end_time ?? now;
    o.onRegion(column.value, { start: sel.start_time ?? t0, end: sel.end_time ?? t1, min: sel.min ?? -Infinity, max: sel.max ?? Infinity });
    mount(out, loading());
    try {
      const r = await bubbleUp(o.dataset, o.query, sel);
      mount(out, results(r, o.onFilter));
    } catch (err) {
      mount(out, errorBox(err));
    }
  }

  const select = (col: string, reg: Region) => {
    column.value = col;
    min.value = String(round(reg.min));
    max.value = String(round(reg.max));
    from.value = iso(reg.start);
    to.value = iso(reg.end);
    void run();
  };

  const el = h(
    "section",
    { id: "bubbleup" },
    h("h2", null, "BubbleUp"),
    h("p", { class: "muted small" }, "What is different about the selected spans? Drag a rectangle on a heatmap, or give the region here. Click a value to add it to WHERE."),
    form,
    out,
  );
  return { el, select };
}

/** label names a value: its text, a binned range, or (missing). */
function label(c: BubbleUpColumn, v: BubbleUpValue): string {
  if (v.value === null) return "(missing)";
  const f = (x: number) => (c.column === "duration_ms" ? ms(x) : String(Number(x.toPrecision(4))));
  if (c.binned && typeof v.value === "number" && v.max !== undefined) return `${f(v.value)} – ${f(v.max)}`;
  return String(v.value);
}

/** filtersFor: the WHERE lines that select a value. */
export function filtersFor(c: BubbleUpColumn, v: BubbleUpValue): string[] {
  const fs: Filter[] =
    v.value === null
      ? [{ column: c.column, op: "does-not-exist" }]
      : c.binned && typeof v.value === "number" && v.max !== undefined
        ? [{ column: c.column, op: ">=", value: v.value }, { column: c.column, op: "<", value: v.max }]
        : [{ column: c.column, op: "=", value: v.value }];
  return fs.map(filterLine);
}

function results(r: BubbleUpResult, onFilter: (lines: string[]) => void): HTMLElement {
  if (!r.inside) return h("p", { class: "empty" }, `No spans in the selection (${r.outside} outside).`);
  const cols = r.columns.map((c, rank) =>
    h(
      "div",
      { class: "bu-column", "data-column": c.column, "data-rank": rank + 1 },
      h("h3", null, h("span", { class: "bu-name" }, c.column), h("span", { class: "badge", title: "total variation distance: 0 same, 1 disjoint" }, "score ", h("span", { class: "bu-score" }, c.score.toFixed(2)))),
      h(
        "table",
        { class: "bu-values" },
        c.values.map((v) => {
          const lines = filtersFor(c, v);
          return h(
            "tr",
            { class: "bu-value" },
            h("td", { class: "bu-label" }, h("button", { type: "button", class: "bu-add", title: "add to WHERE: " + lines.join(" AND "), onclick: () => onFilter(lines) }, label(c, v))),
            h(
              "td",
              { class: "bu-bars", title: `selection ${v.inside} (${pct(v.inside_fraction)}) · rest ${v.outside} (${pct(v.outside_fraction)})` },
              h("div", { class: "bar inside", style: `width:${(v.inside_fraction * 100).toFixed(1)}%` }),
              h("div", { class: "bar outside", style: `width:${(v.outside_fraction * 100).toFixed(1)}%` }),
            ),
            h("td", { class: "num small" }, h("span", { class: "in-pct" }, pct(v.inside_fraction)), h("span", { class: "muted" }, " vs ", pct(v.outside_fraction))),
          );
        }),
      ),
    ),
  );
  return h(
    "div",
    null,
    h("div", { class: "summary" }, h("span", null, h("span", { class: "legend inside" }), " selection: ", h("b", { id: "bu-inside" }, r.inside), " spans"), h("span", null, h("span", { class: "legend outside" }), " the rest: ", h("b", null, r.outside), " spans"), h("span", { class: "muted" }, "columns most different first")),
    cols.length ? h("div", { class: "bu-grid" }, cols) : h("p", { class: "empty" }, "No columns to compare."),
  );
}
