import { serviceMap, type MapEdge, type MapNode, type MapStats, type ServiceMap } from "../api";
import { errorBox, h, loading, mount, ms, plural, svg, table, time } from "../dom";
import { href, serviceHref } from "../router";
import { rangeLabel } from "../timerange";
import { edgePath, layout, NODE_H, NODE_W, type Placed } from "./servicemap_layout";
import { rate } from "./service_red";

/**
 * serviceMapPage: the services of the range's traces (every source) as
 * nodes and their calls as edges, with requests, failures and durations;
 * a node opens its service page, an edge the traces that hold the call.
 * Tables below give the same numbers.
 */
export async function serviceMapPage(root: HTMLElement, params: URLSearchParams, alive: () => boolean): Promise<void> {
  const start = params.get("start") || "1h";
  const end = params.get("end") ?? "";
  const focus = params.get("focus") ?? "";
  const out = h("div", { id: "map-out" }, loading());
  mount(root, h("h1", null, "Service map ", h("span", { class: "muted small" }, rangeLabel({ start, end }))), out);
  let m: ServiceMap;
  try {
    m = await serviceMap(start, end);
  } catch (err) {
    if (alive()) mount(out, errorBox(err));
    return;
  }
  if (!alive()) return;
  const secs = Math.max(1, (Date.parse(m.end) - Date.parse(m.start)) / 1000);
  mount(
    out,
    h(
      "div",
      { class: "summary", id: "map-summary" },
      h("span", null, h("b", null, m.nodes.filter((n) => !n.client).length), " services"),
      h("span", null, h("b", null, m.edges.length), " calls"),
      h("span", null, "from ", h("b", { "data-traces": m.traces }, m.traces), ` trace${m.traces === 1 ? "" : "s"}`),
      h("span", { class: "muted" }, `${time(new Date(m.start)).slice(0, 19)} – ${time(new Date(m.end)).slice(0, 19)}`),
    ),
    m.truncated ? h("div", { class: "alert warn" }, `The range holds more traces: the map is drawn from the newest ${m.limit}.`) : null,
    m.nodes.length ? drawMap(m, focus) : h("p", { class: "empty" }, "No traces in this range."),
    m.nodes.length ? [h("h2", null, "Services"), nodesTable(m, secs), h("h2", null, "Calls"), edgesTable(m, secs)] : null,
  );
}

/** failed is the share of requests that were not OK (errors, throttles, faults). */
const failed = (s: MapStats) => (s.requests ? (s.requests - s.ok) / s.requests : 0);
const pctText = (f: number) => `${(f * 100).toFixed(f > 0 && f < 0.1 ? 1 : 0)}%`;
/** health colours a node's border or an edge by its failed share. */
const health = (s: MapStats) => (failed(s) >= 0.1 ? "bad" : failed(s) > 0 ? "some" : "good");

/** traceQL selects the traces holding a call from one service to another (a failing one with failing). */
function callQuery(m: ServiceMap, e: MapEdge, failing: boolean): string {
  const from = m.nodes[e.from];
  const to = m.nodes[e.to];
  const err = failing ? " && status = error" : "";
  if (from.client) return `{ resource.service.name = ${JSON.stringify(to.name)} && nestedSetParent < 0${err} }`;
  if (to.inferred) return `{ resource.service.name = ${JSON.stringify(from.name)} && kind = client${err} }`;
  return `{ resource.service.name = ${JSON.stringify(from.name)} } && { resource.service.name = ${JSON.stringify(to.name)}${err} }`;
}

const tracesHref = (m: ServiceMap, e: MapEdge, failing: boolean) => href("traces", { q: callQuery(m, e, failing), run: "1" });
const short = (s: string, n = 24) => (s.length > n ? s.slice(0, n - 1) + "…" : s);

function drawMap(m: ServiceMap, focus: string): SVGSVGElement {
  // Busiest first, so that ties in the layout put them on top.
  const ids = [...m.nodes].sort((a, b) => Number(b.client) - Number(a.client) || b.requests - a.requests || a.name.localeCompare(b.name)).map((n) => n.id);
  const L = layout(ids, m.edges);
  const maxReq = Math.max(1, ...m.edges.map((e) => e.requests));
  const self = new Map(m.edges.filter((e) => e.from === e.to).map((e) => [e.from, e]));
  const edges = m.edges
    .filter((e) => e.from !== e.to)
    .map((e) => {
      const a = L.at.get(e.from)!;
      const b = L.at.get(e.to)!;
      const p = edgePath(a, b, L.back.has(e));
      const label = `${e.requests} · ${pctText(failed(e))}`;
      const w = 1.2 + 3.5 * Math.sqrt(e.requests / maxReq);
      return svg(
        "a",
        { href: tracesHref(m, e, false), class: `map-edge ${health(e)}`, "data-from": m.nodes[e.from].name, "data-to": m.nodes[e.to].name },
        svg("path", { d: p.d, "stroke-width": w.toFixed(1), "marker-end": `url(#arrow-${health(e)})` }),
        svg("rect", { x: p.mx - 36, y: p.my - 9, width: 72, height: 16, rx: 3, class: "edge-label-bg" }),
        svg("text", { x: p.mx, y: p.my + 3, "text-anchor": "middle", class: "edge-label" }, label),
        svg("title", null, `${m.nodes[e.from].name} → ${m.nodes[e.to].name}\n${statLine(e)}\nclick for the traces`),
      );
    });
  const nodes = m.nodes.map((n) => nodeBox(n, L.at.get(n.id)!, n.name === focus, self.get(n.id)));
  const markers = ["good", "some", "bad"].map((k) =>
    svg("marker", { id: `arrow-${k}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: "userSpaceOnUse", orient: "auto", class: `arrow ${k}` }, svg("path", { d: "M0,0 L10,5 L0,10 z" })),
  );
  return svg(
    "svg",
    { id: "service-map", class: "service-map", viewBox: `0 0 ${L.width} ${L.height}`, width: L.width, role: "img", "aria-label": "service map" },
    svg("defs", null, markers),
    svg("g", { class: "edges" }, edges),
    svg("g", { class: "nodes" }, nodes),
  );
}

/** dur formats a percentile: the map keeps response times to the millisecond, so 0 of some requests is under one. */
const dur = (s: MapStats, v: number) => (v === 0 && s.requests ? "< 1 ms" : ms(v));

function statLine(s: MapStats): string {
  return `${s.requests} requests · ${s.errors} errors (4xx) · ${s.throttles} throttled · ${s.faults} faults (5xx) · P50 ${dur(s, s.p50Ms)} · P95 ${dur(s, s.p95Ms)} · P99 ${dur(s, s.p99Ms)}`;
}

function nodeBox(n: MapNode, at: Placed, focused: boolean, self: MapEdge | undefined): SVGElement {
  const kind = n.client ? "client" : n.inferred ? "inferred" : "service";
  const second = n.client ? `${n.requests} requests in` : `${n.requests} req · ${pctText(failed(n))} failed`;
  const third = n.client ? "" : `P95 ${dur(n, n.p95Ms)}${n.inferred ? ` · ${n.type}` : ""}${self ? ` · ↻ ${self.requests}` : ""}`;
  const box = svg(
    "g",
    { class: `map-node ${kind} ${health(n)}${focused ? " focus" : ""}`, "data-name": n.name, transform: `translate(${at.x},${at.y})` },
    svg("rect", { width: NODE_W, height: NODE_H, rx: n.client ? NODE_H / 2 : 6 }),
    svg("text", { x: 10, y: 18, class: "node-name" }, short(n.name)),
    svg("text", { x: 10, y: 34, class: "node-stat" }, second),
    third ? svg("text", { x: 10, y: 49, class: "node-stat" }, third) : null,
    svg("title", null, `${n.name}${n.type ? ` (${n.type})` : ""}${n.inferred ? ", known from its callers only" : ""}\n${statLine(n)}${self ? `\ncalls itself ${self.requests}×: an X-Ray segment inside an OpenTelemetry span of the same service` : ""}`),
  );
  return n.client || n.inferred ? box : svg("a", { href: serviceHref(n.name) }, box);
}

function cells(s: MapStats, secs: number): HTMLElement[] {
  const td = (k: string, v: number, text: string) => h("td", { class: "num", "data-k": k, "data-value": String(v) }, text);
  return [
    td("requests", s.requests, String(s.requests)),
    td("rate", s.requests / secs, rate(s.requests / secs)),
    td("errors", s.errors, String(s.errors)),
    td("throttles", s.throttles, String(s.throttles)),
    td("faults", s.faults, String(s.faults)),
    td("failed", failed(s), pctText(failed(s))),
    td("p50", s.p50Ms, dur(s, s.p50Ms)),
    td("p95", s.p95Ms, dur(s, s.p95Ms)),
    td("p99", s.p99Ms, dur(s, s.p99Ms)),
  ];
}

const STAT_HEAD = ["Requests", "Rate", "Errors (4xx)", "Throttled", "Faults (5xx)", "Failed", "P50", "P95", "P99"];

function nodesTable(m: ServiceMap, secs: number): HTMLElement {
  const rows = [...m.nodes]
    .filter((n) => !n.client)
    .sort((a, b) => b.requests - a.requests || a.name.localeCompare(b.name))
    .map((n) =>
      h(
        "tr",
        { class: "map-service" + (n.faults + n.errors ? " err" : ""), "data-name": n.name },
        h("td", { class: "mono" }, n.inferred ? n.name : h("a", { href: serviceHref(n.name) }, n.name)),
        h("td", { class: "small" }, n.inferred ? `${n.type} (from its callers)` : n.type || "service"),
        cells(n, secs),
      ),
    );
  const t = table(["Service", "Type", ...STAT_HEAD], rows);
  t.id = "map-services";
  return t;
}

function edgesTable(m: ServiceMap, secs: number): HTMLElement {
  const rows = [...m.edges]
    .sort((a, b) => b.requests - a.requests || m.nodes[a.from].name.localeCompare(m.nodes[b.from].name))
    .map((e) => {
      const [from, to] = [m.nodes[e.from].name, m.nodes[e.to].name];
      return h(
        "tr",
        { class: "map-call" + (e.faults + e.errors ? " err" : ""), "data-from": from, "data-to": to },
        h("td", { class: "mono" }, from, h("span", { class: "muted" }, " → "), to, e.from === e.to ? h("span", { class: "muted small" }, " (within the service)") : null),
        cells(e, secs),
        h(
          "td",
          { class: "nowrap small" },
          h("a", { class: "call-traces", href: tracesHref(m, e, false) }, "traces"),
          e.requests > e.ok ? [" · ", h("a", { class: "call-failing", href: tracesHref(m, e, true) }, "failing")] : null,
        ),
      );
    });
  const t = table(["Call", ...STAT_HEAD, ""], rows);
  t.id = "map-calls";
  return h("div", null, t, h("p", { class: "muted small" }, `${plural(m.edges.length, "call")}. A request counts once per call; the "client" node is where traces enter.`));
}
