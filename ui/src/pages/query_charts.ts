// Query results: the groups table and one SVG line chart per calculation,
// drawn by hand (no chart library). Groups keep one colour in the table and
// in every chart.

import type { QueryData, QueryResult, Scalar } from "../api";
import { h, ms, svg, table, time } from "../dom";

export const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
/** MAX_LINES groups at most are drawn; the table lists them all. */
export const MAX_LINES = PALETTE.length;

/** Chart geometry in SVG units (the SVG scales to the page width). */
export const W = 900;
export const M = { l: 70, r: 14, t: 10, b: 24 };

export interface Group {
  key: string;
  label: string;
  data: QueryData;
  /** colour when the group is drawn (the first MAX_LINES) */
  color?: string;
}

export const groupKey = (r: QueryResult, d: QueryData): string => JSON.stringify(r.query.breakdowns.map((b) => d[b] ?? null));

export function groups(r: QueryResult): Group[] {
  return r.results.map(({ data }, i) => ({
    key: groupKey(r, data),
    label: r.query.breakdowns.length ? r.query.breakdowns.map((b) => (data[b] === null || data[b] === undefined ? "(none)" : String(data[b]))).join(", ") : "all spans",
    data,
    color: i < MAX_LINES ? PALETTE[i] : undefined,
  }));
}

/** buckets: the number of time buckets and the index of a series row's time. */
export function buckets(r: QueryResult): { n: number; index: (t: string) => number } {
  const { start_time: t0, end_time: t1, granularity: g } = r.query;
  return { n: Math.max(1, Math.ceil((t1 - t0) / g)), index: (t) => Math.round((Date.parse(t) / 1000 - t0) / g) };
}

/** fmt formats a calculation's value: durations as durations, counts whole, others to 4 digits. */
export function fmt(calc: string, v: Scalar | null | undefined | number[]): string {
  if (v === null || v === undefined) return "–";
  if (typeof v !== "number") return String(v);
  if (/\(duration_ms\)$/.test(calc) && !calc.startsWith("COUNT_DISTINCT")) return ms(v);
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

/** clock labels an axis end: the time of day, with the date when the range spans days. */
export function clock(sec: number, rangeSec: number): string {
  const s = time(new Date(sec * 1000));
  return rangeSec > 86400 ? s.slice(5, 16) : s.slice(11, 19);
}

/** axes draws the plot frame, y labels (top, bottom) and x labels (start, end). */
export function axes(r: QueryResult, height: number, top: string, bottom: string): SVGGElement {
  const { start_time: t0, end_time: t1 } = r.query;
  const yb = height - M.b;
  return svg(
    "g",
    { class: "axes" },
    svg("line", { x1: M.l, y1: M.t, x2: M.l, y2: yb, class: "axis" }),
    svg("line", { x1: M.l, y1: yb, x2: W - M.r, y2: yb, class: "axis" }),
    svg("text", { x: M.l - 4, y: M.t + 8, "text-anchor": "end", class: "y-max" }, top),
    svg("text", { x: M.l - 4, y: yb, "text-anchor": "end", class: "y-min" }, bottom),
    svg("text", { x: M.l, y: height - 6, class: "x-start" }, clock(t0, t1 - t0)),
    svg("text", { x: W - M.r, y: height - 6, "text-anchor": "end", class: "x-end" }, clock(t1, t1 - t0)),
  );
}

/** Calculations whose empty bucket means zero; for the others it is a gap. */
const zeroWhenEmpty = (calc: string) => /^(COUNT|COUNT_DISTINCT|SUM)\b/.test(calc);

/**
 * lineChart draws one calculation over time, a line per drawn group, with a
 * hover title per bucket; onBucket (when given) gets the [start, end) of a
 * clicked bucket (unix seconds).
 */
export function lineChart(r: QueryResult, calc: string, gs: Group[], onBucket?: (start: number, end: number) => void): SVGSVGElement {
  const H = 170;
  const { n, index } = buckets(r);
  const drawn = gs.filter((g) => g.color);
  const row = new Map(drawn.map((g, i) => [g.key, i]));
  const grid: (number | null)[][] = drawn.map(() => new Array<number | null>(n).fill(zeroWhenEmpty(calc) ? 0 : null));
  for (const s of r.series) {
    const i = row.get(groupKey(r, s.data));
    const b = index(s.time);
    const v = s.data[calc];
    if (i !== undefined && b >= 0 && b < n) grid[i][b] = typeof v === "number" ? v : null;
  }
  const all = grid.flat().filter((v): v is number => v !== null);
  const lo = Math.min(0, ...all);
  const hi = all.length ? Math.max(...all) : 1;
  const span = hi - lo || 1;
  const pw = W - M.l - M.r;
  const ph = H - M.t - M.b;
  const x = (b: number) => M.l + ((b + 0.5) / n) * pw;
  const y = (v: number) => M.t + ph - ((v - lo) / span) * ph;

  const lines = grid.map((vals, i) => {
    let d = "";
    const dots: SVGCircleElement[] = [];
    vals.forEach((v, b) => {
      if (v === null) return;
      const joined = b > 0 && vals[b - 1] !== null;
      d += `${joined ? "L" : "M"}${x(b).toFixed(1)},${y(v).toFixed(1)}`;
      if (!joined && (b === n - 1 || vals[b + 1] === null)) dots.push(svg("circle", { cx: x(b).toFixed(1), cy: y(v).toFixed(1), r: 2.2, fill: drawn[i].color }));
    });
    return svg(
      "g",
      { class: "series", "data-group": drawn[i].key },
      svg("path", { d, stroke: drawn[i].color, fill: "none", "stroke-width": 1.6 }),
      dots,
      svg("title", null, drawn[i].label),
    );
  });
  const hover = Array.from({ length: n }, (_, b) => {
    const t = r.query.start_time + b * r.query.granularity;
    const vals = drawn.map((g, i) => `${g.label}: ${fmt(calc, grid[i][b])}`);
    const col = svg(
      "rect",
      { class: "hover-col", x: (M.l + (b / n) * pw).toFixed(1), y: M.t, width: (pw / n).toFixed(2), height: ph, "data-start": t, "data-pick": onBucket ? 1 : undefined },
      svg("title", null, [time(new Date(t * 1000)), ...vals, ...(onBucket ? ["(click: the traces behind)"] : [])].join("\n")),
    );
    if (onBucket) col.addEventListener("click", () => onBucket(t, Math.min(r.query.end_time, t + r.query.granularity)));
    return col;
  });
  return svg(
    "svg",
    { class: "chart line-chart", viewBox: `0 0 ${W} ${H}`, "data-calc": calc, role: "img", "aria-label": `${calc} over time` },
    axes(r, H, fmt(calc, hi), fmt(calc, lo)),
    svg("g", null, hover),
    lines,
  );
}

/** sparkHist draws a group's HEATMAP counts as a tiny histogram for the table. */
function sparkHist(counts: number[]): SVGSVGElement {
  const max = Math.max(1, ...counts);
  const w = 2;
  return svg(
    "svg",
    { class: "spark", viewBox: `0 0 ${counts.length * w} 16`, width: counts.length * w, height: 16, "aria-hidden": "true" },
    counts.map((c, i) => {
      const ht = Math.max(2, (16 * c) / max);
      return c ? svg("rect", { x: i * w, y: 16 - ht, width: w - 0.3, height: ht }) : null;
    }),
  );
}

/** resultsTable lists every group: a colour swatch, the breakdown values and each calculation. */
export function resultsTable(r: QueryResult, gs: Group[]): HTMLElement {
  const bds = r.query.breakdowns;
  const calcs = r.query.calculations;
  const rows = gs.map((g) => {
    const tr = h(
      "tr",
      { class: "query-row", "data-group": g.key },
      h("td", { class: "swatch-cell" }, g.color ? h("span", { class: "swatch", style: `background:${g.color}` }) : null),
      bds.length ? bds.map((b) => h("td", { class: "bd", "data-column": b }, g.data[b] === null || g.data[b] === undefined ? h("span", { class: "muted" }, "(none)") : String(g.data[b]))) : h("td", { class: "bd" }, r.query.source === "logs" ? "all log events" : "all spans"),
      calcs.map((c) => {
        const v = g.data[c];
        if (Array.isArray(v)) return h("td", { class: "calc", "data-calc": c, title: `${v.reduce((a, b) => a + b, 0)} values` }, sparkHist(v));
        return h("td", { class: "num calc", "data-calc": c, "data-value": v === null || v === undefined ? "" : String(v) }, fmt(c, v));
      }),
    );
    // Hovering a row highlights its line in every chart.
    tr.addEventListener("mouseenter", () => highlight(g.key));
    tr.addEventListener("mouseleave", () => highlight(null));
    return tr;
  });
  const t = table(["", ...(bds.length ? bds : ["group"]), ...calcs], rows, "query-results");
  t.id = "query-results";
  return t;
}

function highlight(key: string | null): void {
  for (const el of document.querySelectorAll<SVGGElement>(".line-chart g.series")) {
    el.classList.toggle("dim", key !== null && el.dataset.group !== key);
  }
}
