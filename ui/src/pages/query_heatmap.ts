// A HEATMAP calculation drawn in SVG: x the query's time buckets, y the
// heatmap's value buckets, colour the number of spans (the table's groups
// summed: series rows exist for the kept groups only). Dragging a
// rectangle selects a region for BubbleUp.

import type { HeatmapAxis, QueryResult } from "../api";
import { h, svg, time } from "../dom";
import { M, W, axes, buckets, fmt } from "./query_charts";

/** Region is a heatmap selection: [start, end) in unix seconds × [min, max] of the column. */
export interface Region {
  start: number;
  end: number;
  min: number;
  max: number;
}

const H = 240;
const LOW = [232, 238, 252];
const HIGH = [11, 42, 122];

function colour(f: number): string {
  const c = LOW.map((lo, i) => Math.round(lo + (HIGH[i] - lo) * f));
  return `rgb(${c.join(",")})`;
}

export interface Heatmap {
  el: HTMLElement;
  /** show outlines a region (or clears it with null) */
  show(reg: Region | null): void;
}

/** heatmap draws the HEATMAP calculation calc; onSelect gets the region the user drags. */
export function heatmap(r: QueryResult, calc: string, axis: HeatmapAxis, onSelect: (reg: Region) => void, hint = "Drag a rectangle to BubbleUp."): Heatmap {
  const { n, index } = buckets(r);
  const nv = Math.max(1, axis.buckets);
  const width = axis.bucket_width || 1; // all values equal: one bucket wide
  const counts: number[][] = Array.from({ length: n }, () => new Array<number>(nv).fill(0));
  for (const s of r.series) {
    const b = index(s.time);
    const v = s.data[calc];
    if (b < 0 || b >= n || !Array.isArray(v)) continue;
    v.forEach((c, j) => j < nv && (counts[b][j] += c));
  }
  const max = Math.max(0, ...counts.flat());
  const total = counts.flat().reduce((a, b) => a + b, 0);
  const pw = W - M.l - M.r;
  const ph = H - M.t - M.b;
  const cw = pw / n;
  const ch = ph / nv;
  const { start_time: t0, end_time: t1, granularity: g } = r.query;
  const valueAt = (j: number) => axis.min + j * width;

  const cellsG = svg("g", { class: "hm-cells" });
  const draw = (log: boolean) => {
    const scale = (c: number) => (log ? Math.log1p(c) / Math.log1p(max) : c / max);
    const cells: SVGRectElement[] = [];
    counts.forEach((col, b) =>
      col.forEach((c, j) => {
        if (!c) return;
        const from = t0 + b * g;
        const tip = `${clockOf(from)}–${clockOf(Math.min(t1, from + g))} · ${fmt(calc, valueAt(j))} – ${fmt(calc, j === nv - 1 ? axis.max : valueAt(j + 1))}: ${c} span${c === 1 ? "" : "s"}`;
        cells.push(
          svg(
            "rect",
            { class: "hm-cell", x: (M.l + b * cw).toFixed(2), y: (M.t + ph - (j + 1) * ch).toFixed(2), width: cw.toFixed(2), height: ch.toFixed(2), fill: colour(0.25 + 0.75 * scale(c)), "data-count": c },
            svg("title", null, tip),
          ),
        );
      }),
    );
    cellsG.replaceChildren(...cells);
  };
  draw(false);

  const sel = svg("rect", { class: "hm-selection", visibility: "hidden" });
  const plot = svg("rect", { class: "hm-plot", x: M.l, y: M.t, width: pw, height: ph });
  const root = svg(
    "svg",
    { class: "chart heatmap", viewBox: `0 0 ${W} ${H}`, "data-calc": calc, "data-min": axis.min, "data-max": axis.max, "data-total": total, role: "img", "aria-label": `${calc} heatmap` },
    plot,
    cellsG,
    axes(r, H, fmt(calc, axis.max), fmt(calc, axis.min)),
    sel,
  );

  // Pixel ↔ bucket: a region always covers whole buckets.
  const bucketX = (x: number) => Math.min(n - 1, Math.max(0, Math.floor((x - M.l) / cw)));
  const bucketY = (y: number) => Math.min(nv - 1, Math.max(0, Math.floor((M.t + ph - y) / ch)));
  const region = (x0: number, y0: number, x1: number, y1: number): Region => {
    const [b0, b1] = [bucketX(Math.min(x0, x1)), bucketX(Math.max(x0, x1))];
    const [j0, j1] = [bucketY(Math.max(y0, y1)), bucketY(Math.min(y0, y1))];
    return { start: t0 + b0 * g, end: Math.min(t1, t0 + (b1 + 1) * g), min: valueAt(j0), max: j1 === nv - 1 ? axis.max : valueAt(j1 + 1) };
  };
  const outline = (x0: number, y0: number, x1: number, y1: number) => {
    for (const [k, v] of Object.entries({ x: Math.min(x0, x1), y: Math.min(y0, y1), width: Math.abs(x1 - x0), height: Math.abs(y1 - y0) })) sel.setAttribute(k, v.toFixed(1));
    sel.setAttribute("visibility", "visible");
  };
  const show = (reg: Region | null) => {
    if (!reg) return sel.setAttribute("visibility", "hidden");
    const x = (t: number) => M.l + ((Math.min(Math.max(t, t0), t1) - t0) / g) * cw;
    const y = (v: number) => M.t + ph - ((Math.min(Math.max(v, axis.min), axis.max) - axis.min) / width) * ch;
    outline(x(reg.start), y(reg.min), x(reg.end), y(reg.max));
  };
  const point = (e: MouseEvent) => {
    const m = root.getScreenCTM();
    if (!m) return { x: 0, y: 0 };
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
    return { x: Math.min(W - M.r, Math.max(M.l, p.x)), y: Math.min(M.t + ph, Math.max(M.t, p.y)) };
  };
  root.addEventListener("mousedown", (e) => {
    if (e.button !== 0) return;
    e.preventDefault();
    const p0 = point(e);
    let p1 = p0;
    outline(p0.x, p0.y, p0.x, p0.y);
    const move = (ev: MouseEvent) => {
      p1 = point(ev);
      outline(p0.x, p0.y, p1.x, p1.y);
    };
    const up = () => {
      removeEventListener("mousemove", move);
      removeEventListener("mouseup", up);
      const reg = region(p0.x, p0.y, p1.x, p1.y);
      show(reg);
      onSelect(reg);
    };
    addEventListener("mousemove", move);
    addEventListener("mouseup", up);
  });

  const logBox = h("input", { type: "checkbox", name: "log", onchange: () => draw(logBox.checked) });
  const el = h(
    "div",
    { class: "heatmap-box" },
    h(
      "div",
      { class: "muted small toolbar chips" },
      h("span", null, `${total} spans, ${nv} value buckets of ${fmt(calc, axis.bucket_width)}, darkest ${max}. ${hint}`),
      h("label", null, logBox, " log scale"),
    ),
    root,
  );
  return { el, show };
}

const clockOf = (sec: number) => time(new Date(sec * 1000)).slice(11, 19);
