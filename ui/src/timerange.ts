// One time range for every page that reads one: "start" and "end" in the
// URL hash (start a duration such as 1h, now-2h, unix seconds or RFC 3339;
// end empty for now), set by the bar in the header (presets and a custom
// range) or by dragging over a chart, and carried by links and the nav to
// the other range pages (router.ts: href, carriedRange).

import { h } from "./dom";
import { carriedRange, current, DEFAULT_START, href, rememberRange, type Range } from "./router";

/** PRESETS: label → start (Go durations: 7 days is 168h). */
export const PRESETS: [string, string][] = [["15m", "15m"], ["1h", "1h"], ["6h", "6h"], ["24h", "24h"], ["7d", "168h"]];

/**
 * rangeOf reads a range page's range from its hash parameters; a page
 * opened without one takes the carried range (the last one shown). The
 * answer is remembered for the session.
 */
export function rangeOf(params: URLSearchParams): Range {
  const r = params.has("start") || params.has("end") ? { start: params.get("start") || DEFAULT_START, end: params.get("end") ?? "" } : carriedRange();
  rememberRange(r);
  return r;
}

/** setRange rewrites the current hash's start and end, keeping its other parameters. */
export function setRange(r: Range): void {
  const { parts, params } = current();
  const p = Object.fromEntries(params);
  p.start = r.start;
  p.end = r.end;
  location.hash = href(parts.map(encodeURIComponent).join("/"), p);
}

/** rangeLabel describes a range: "last 1h", "last 7d", "2025-03-10T10:00:00Z – now". */
export function rangeLabel(r: Range): string {
  const preset = PRESETS.find(([, v]) => v === r.start);
  if (!r.end && preset) return `last ${preset[0]}`;
  if (!r.end && /^(now-)?\d+(\.\d+)?[a-zµ]+$/.test(r.start)) return `last ${r.start.replace(/^now-/, "")}`;
  const show = (s: string) => (/^\d{9,11}$/.test(s) ? new Date(Number(s) * 1000).toLocaleString() : s);
  return `${show(r.start)} – ${r.end ? show(r.end) : "now"}`;
}

/**
 * rangeBar is the header's control: a button per preset (the one in use
 * pressed) and a custom From/To. It edits the current hash.
 */
export function rangeBar(r: Range): HTMLElement {
  const from = h("input", { name: "range-start", value: r.start, size: 11, title: "From: 1h, now-2h, unix seconds or RFC 3339" });
  const to = h("input", { name: "range-end", value: r.end, size: 11, placeholder: "now", title: "To: empty for now" });
  return h(
    "form",
    { id: "range", class: "range-bar", onsubmit: (e: Event) => (e.preventDefault(), setRange({ start: from.value.trim() || DEFAULT_START, end: to.value.trim() })) },
    PRESETS.map(([label, start]) =>
      h("button", { type: "button", class: "preset" + (!r.end && r.start === start ? " on" : ""), "data-start": start, title: `the last ${label}`, onclick: () => setRange({ start, end: "" }) }, label),
    ),
    h("span", { class: "range-custom" }, from, h("span", { class: "muted" }, "→"), to, h("button", { type: "submit", title: "show this range" }, "Apply")),
  );
}

/**
 * dragToZoom lets a drag across a time chart set the range to the dragged
 * span (as unix seconds). The chart's plot runs from x0 to x1 in a viewBox
 * viewWidth wide and covers [t0, t1) (unix seconds).
 */
export function dragToZoom(chart: SVGSVGElement, t0: number, t1: number, x0: number, x1: number, viewWidth: number): void {
  const NS = "http://www.w3.org/2000/svg";
  const band = document.createElementNS(NS, "rect");
  band.setAttribute("class", "zoom-band");
  band.setAttribute("y", "0");
  band.setAttribute("height", "100%");
  band.setAttribute("width", "0");
  chart.append(band);
  chart.classList.add("zoomable");
  const toX = (clientX: number) => {
    const box = chart.getBoundingClientRect();
    return Math.min(x1, Math.max(x0, ((clientX - box.left) / box.width) * viewWidth));
  };
  const toT = (x: number) => t0 + ((x - x0) / (x1 - x0)) * (t1 - t0);
  let from: number | null = null;
  chart.addEventListener("mousedown", (e) => {
    if (e.button !== 0) return;
    from = toX(e.clientX);
    e.preventDefault();
  });
  chart.addEventListener("mousemove", (e) => {
    if (from === null) return;
    const to = toX(e.clientX);
    band.setAttribute("x", String(Math.min(from, to)));
    band.setAttribute("width", String(Math.abs(to - from)));
  });
  const done = (e: MouseEvent) => {
    if (from === null) return;
    const to = toX(e.clientX);
    const [a, b] = [Math.min(from, to), Math.max(from, to)];
    from = null;
    band.setAttribute("width", "0");
    if (b - a < 3) return; // a click, not a drag
    setRange({ start: String(Math.floor(toT(a))), end: String(Math.ceil(toT(b))) });
  };
  chart.addEventListener("mouseup", done);
  chart.addEventListener("mouseleave", () => ((from = null), band.setAttribute("width", "0")));
}
