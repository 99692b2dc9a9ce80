// The trace page's waterfall: spans in tree order on a common time axis,
// subtrees that collapse, a find box, a URL per selected span (the hash's
// "span", replaced without a reload), HTTP method, URL and status on
// request spans (X-Ray segments, whose name is only the service's), and
// duration labels placed beside their bar, never over another's.

import type { LintFinding } from "../api";
import { h, mount, ms, nanoTime, time } from "../dom";
import { anyValue, attr, KINDS, type Row } from "../otlp";
import { href } from "../router";

/** httpSummary is "GET http://host/path 500" of a request span, or "" when it has no HTTP attributes. */
export function httpSummary(r: Row): string {
  const a = r.span.attributes;
  const method = attr(a, "http.request.method") ?? attr(a, "http.method");
  const url = attr(a, "url.full") ?? attr(a, "http.url") ?? attr(a, "http.route") ?? attr(a, "url.path") ?? attr(a, "http.target");
  const status = attr(a, "http.response.status_code") ?? attr(a, "http.status_code");
  if (!method && !status) return "";
  return [method, url, status].filter(Boolean).join(" ");
}

/** durLabel places a bar's duration: after the bar, else before it, else (a bar across the track) inside it. */
export function durLabel(startPct: number, durPct: number): { cls: string; style: string } {
  const end = startPct + durPct;
  if (end <= 82) return { cls: "after", style: `left:${end}%` };
  if (startPct >= 18) return { cls: "before", style: `right:${100 - startPct}%` };
  return { cls: "inside", style: `left:${startPct}%;width:${Math.max(durPct, 0.2)}%` };
}

/** matches tells whether a span's name, service, ids, attributes or events hold term (lower case). */
function matches(r: Row, term: string): boolean {
  const s = r.span;
  const texts = [s.name, r.service, s.spanId, ...(s.attributes ?? []).flatMap((a) => [a.key, anyValue(a.value)]), ...(s.events ?? []).map((e) => e.name)];
  return texts.some((t) => t.toLowerCase().includes(term));
}

export interface WaterfallOptions {
  traceId: string;
  rows: Row[];
  totalMs: number;
  bySpan: Map<string, LintFinding[]>;
  detail: HTMLElement;
  /** the span to select first (the hash's "span") */
  selected?: string;
}

/** waterfall draws the rows with the find bar; selecting a row fills detail. */
export function waterfall(o: WaterfallOptions): HTMLElement {
  const total = o.totalMs || 1;
  const services = [...new Set(o.rows.map((r) => r.service))];
  const color = (s: string) => `c${services.indexOf(s) % 8}`;
  // A row's subtree is the rows after it that are deeper.
  const subtree = o.rows.map((r, i) => {
    let j = i + 1;
    while (j < o.rows.length && o.rows[j].depth > r.depth) j++;
    return j - i - 1;
  });
  const collapsed = new Set<number>();
  const els: HTMLElement[] = [];
  const toggles: HTMLButtonElement[] = [];

  /** layout hides the rows under a collapsed one and says how many each collapsed row hides. */
  const layout = () => {
    let hideUntil = -1;
    o.rows.forEach((_, i) => {
      els[i].hidden = i < hideUntil;
      if (!els[i].hidden && collapsed.has(i)) hideUntil = i + 1 + subtree[i];
      const t = toggles[i];
      if (t) {
        t.textContent = collapsed.has(i) ? `▸ ${subtree[i]}` : "▾";
        t.setAttribute("aria-expanded", String(!collapsed.has(i)));
        t.title = collapsed.has(i) ? `show the ${subtree[i]} span(s) below` : "hide the spans below";
      }
    });
  };
  /** reveal expands every collapsed ancestor of row i. */
  const reveal = (i: number) => {
    for (const c of [...collapsed]) if (c < i && i <= c + subtree[c]) collapsed.delete(c);
    layout();
  };
  const select = (i: number, scroll: boolean) => {
    for (const x of els) x.classList.remove("sel");
    reveal(i);
    els[i].classList.add("sel");
    mount(o.detail, spanDetail(o.rows[i], o.bySpan.get(o.rows[i].span.spanId) ?? []));
    // The span's own URL, without a reload (replaceState fires no hashchange).
    history.replaceState(null, "", href("trace/" + o.traceId, { span: o.rows[i].span.spanId }));
    if (scroll) els[i].scrollIntoView({ block: "nearest" });
  };

  o.rows.forEach((r, i) => {
    const flagged = o.bySpan.get(r.span.spanId) ?? [];
    const isErr = r.span.status?.code === 2;
    const startPct = (100 * r.startMs) / total;
    const durPct = Math.max(0.2, (100 * r.durMs) / total);
    const lbl = durLabel(startPct, durPct);
    const http = r.depth === 0 || r.span.kind === 2 ? httpSummary(r) : "";
    const toggle = subtree[i]
      ? h("button", { type: "button", class: "wf-toggle", onclick: (e: Event) => (e.stopPropagation(), collapsed.has(i) ? collapsed.delete(i) : collapsed.add(i), layout()) })
      : null;
    if (toggle) toggles[i] = toggle;
    const row = h(
      "div",
      { class: "wf-row" + (isErr ? " err" : "") + (flagged.length ? " flagged" : ""), "data-span": r.span.spanId, tabindex: 0 },
      h(
        "div",
        { class: "wf-label", style: `padding-left:${r.depth * 14 + 4}px`, title: [r.service, r.span.name, http].filter(Boolean).join(" · ") },
        toggle ?? h("span", { class: "wf-toggle-space" }),
        h("span", { class: "svc " + color(r.service) }, r.service || "?"),
        " ",
        h("span", { class: "wf-name" }, r.span.name),
        http ? h("span", { class: "wf-http mono" }, http) : null,
        r.orphan ? h("span", { class: "badge warning", title: "parent never arrived" }, "orphan") : null,
        flagged.filter((f) => f.rule !== "orphan").map((f) => h("span", { class: "badge " + f.severity, title: f.message }, f.rule)),
        isErr ? h("span", { class: "badge error" }, "error") : null,
      ),
      h(
        "div",
        { class: "wf-track" },
        h("div", { class: "wf-bar " + color(r.service), style: `left:${startPct}%;width:${durPct}%` }),
        h("span", { class: "wf-dur " + lbl.cls, style: lbl.style }, ms(r.durMs)),
      ),
    );
    row.addEventListener("click", () => select(i, false));
    row.addEventListener("keydown", (e) => e.key === "Enter" && select(i, false));
    els.push(row);
  });
  layout();

  // Find: matching rows are marked (their subtrees opened); Enter selects the next one.
  const find = h("input", { id: "wf-find", type: "search", size: 28, placeholder: "find: name, service, attribute, id" });
  const count = h("span", { class: "muted small", id: "wf-find-count" });
  let hits: number[] = [];
  let at = -1;
  find.addEventListener("input", () => {
    const term = find.value.trim().toLowerCase();
    hits = term ? o.rows.flatMap((r, i) => (matches(r, term) ? [i] : [])) : [];
    at = -1;
    els.forEach((el, i) => el.classList.toggle("match", hits.includes(i)));
    for (const i of hits) reveal(i);
    count.textContent = term ? `${hits.length} of ${o.rows.length} spans match` : "";
  });
  find.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" || !hits.length) return;
    e.preventDefault();
    at = (at + 1) % hits.length;
    select(hits[at], true);
  });
  const all = (c: boolean) => {
    collapsed.clear();
    if (c) subtree.forEach((n, i) => n && o.rows[i].depth > 0 && collapsed.add(i));
    layout();
  };
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => h("span", { style: `left:${f * 100}%` }, ms(f * o.totalMs)));
  const el = h(
    "div",
    null,
    h(
      "div",
      { class: "toolbar chips", id: "wf-tools" },
      find,
      count,
      h("button", { type: "button", id: "wf-collapse", onclick: () => all(true) }, "Collapse all"),
      h("button", { type: "button", id: "wf-expand", onclick: () => all(false) }, "Expand all"),
    ),
    h("div", { class: "waterfall", id: "waterfall" }, h("div", { class: "wf-row wf-head" }, h("div", { class: "wf-label" }, "Service · span"), h("div", { class: "wf-track ticks" }, ticks)), els),
  );
  const first = o.rows.findIndex((r) => r.span.spanId === o.selected);
  if (first >= 0) queueMicrotask(() => select(first, true));
  return el;
}

/** jsonBlock shows a string attribute holding a JSON object or array formatted; null for any other value. */
function jsonBlock(v: string): HTMLElement | null {
  if (!/^\s*[[{]/.test(v)) return null;
  try {
    return h("pre", { class: "json" }, JSON.stringify(JSON.parse(v), null, 2));
  } catch {
    return null;
  }
}

function spanDetail(r: Row, findings: LintFinding[]): HTMLElement {
  const s = r.span;
  const kv = (k: string, v: unknown) => {
    const text = String(v ?? "");
    return h("tr", null, h("th", null, k), h("td", { class: "mono" }, jsonBlock(text) ?? text));
  };
  return h(
    "div",
    null,
    h("h3", null, s.name),
    findings.map((f) => h("div", { class: "alert " + (f.severity === "error" ? "error" : "warn") }, h("b", null, f.rule), " ", f.message)),
    h(
      "table",
      { class: "kv" },
      kv("service", r.service),
      kv("duration", ms(r.durMs)),
      kv("start", time(nanoTime(s.startTimeUnixNano))),
      kv("kind", KINDS[s.kind ?? 0] ?? s.kind),
      kv("status", ["unset", "ok", "error"][s.status?.code ?? 0] + (s.status?.message ? `: ${s.status.message}` : "")),
      kv("span id", s.spanId),
      kv("parent id", (s.parentSpanId ?? "") + (r.orphan ? " (never arrived)" : "")),
      kv("scope", r.scope),
    ),
    h("h4", null, "Attributes"),
    h("table", { class: "kv" }, (s.attributes ?? []).map((a) => kv(a.key, anyValue(a.value)))),
    s.events?.length
      ? [h("h4", null, "Events"), h("table", { class: "kv" }, s.events.map((e) => kv(e.name, (e.attributes ?? []).map((a) => `${a.key}=${anyValue(a.value)}`).join(" "))))]
      : null,
    h("h4", null, "Resource"),
    h("table", { class: "kv" }, r.resource.map((a) => kv(a.key, anyValue(a.value)))),
  );
}

const WIDTH_KEY = "lookout.spanDetailWidth";

/**
 * splitPane puts the waterfall and the span detail side by side with a
 * handle between them: dragging it (or the arrow keys on it) sets the
 * detail's width, kept in this browser for the next trace.
 */
export function splitPane(main: HTMLElement, detail: HTMLElement): HTMLElement {
  const stored = Number(localStorage.getItem(WIDTH_KEY));
  const handle = h("div", { class: "split-handle", id: "detail-handle", role: "separator", "aria-orientation": "vertical", tabindex: 0, title: "drag to resize the span details" });
  const pane = h("div", { class: "trace-split" }, main, handle, detail);
  const setWidth = (w: number) => {
    const max = Math.max(300, pane.clientWidth * 0.75);
    const v = Math.round(Math.min(max, Math.max(260, w)));
    pane.style.setProperty("--detail-w", v + "px");
    localStorage.setItem(WIDTH_KEY, String(v));
  };
  if (stored) pane.style.setProperty("--detail-w", stored + "px");
  handle.addEventListener("mousedown", (e) => {
    e.preventDefault();
    const [x0, w0] = [e.clientX, detail.getBoundingClientRect().width];
    const move = (ev: MouseEvent) => setWidth(w0 + x0 - ev.clientX);
    const up = () => (removeEventListener("mousemove", move), removeEventListener("mouseup", up));
    addEventListener("mousemove", move);
    addEventListener("mouseup", up);
  });
  handle.addEventListener("keydown", (e) => {
    const w = detail.getBoundingClientRect().width;
    if (e.key === "ArrowLeft") setWidth(w + 40);
    if (e.key === "ArrowRight") setWidth(w - 40);
  });
  return pane;
}
