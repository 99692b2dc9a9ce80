import { getJSON, type Service, type TraceHit } from "../api";
import { errorBox, field, h, loading, mount, ms, nanoTime, plural, table, time } from "../dom";
import { autoRefresh, refreshControl } from "../refresh";
import { go, href, serviceHref } from "../router";

/** tracesPage: search form (service, logfmt tags, durations, time range) and hits, reloaded every refresh interval. */
export async function tracesPage(root: HTMLElement, params: URLSearchParams, alive: () => boolean): Promise<void> {
  const p = (k: string, d = "") => params.get(k) ?? d;
  const service = h("select", { name: "service" }, h("option", { value: "" }, "any service"));
  const tags = h("input", { name: "tags", placeholder: 'http.response.status_code=500 name="GET /x"', value: p("tags"), size: 40 });
  const traceql = h("input", { name: "q", placeholder: '{ resource.service.name = "api" && status = error }', value: p("q"), size: 40, class: "mono" });
  const minD = h("input", { name: "minDuration", placeholder: "100ms", value: p("minDuration"), size: 7 });
  const maxD = h("input", { name: "maxDuration", placeholder: "5s", value: p("maxDuration"), size: 7 });
  const limit = h("input", { name: "limit", value: p("limit", "50"), size: 4 });
  const form = h(
    "form",
    {
      class: "toolbar",
      id: "trace-search",
      onsubmit: (e: Event) => {
        e.preventDefault();
        go("traces", {
          service: service.value, tags: tags.value.trim(), q: traceql.value.trim(), minDuration: minD.value.trim(), maxDuration: maxD.value.trim(),
          start: p("start"), end: p("end"), limit: limit.value.trim(), run: "1", refresh: p("refresh"),
        });
      },
    },
    field("Service", service),
    field("Tags (logfmt)", tags),
    field("or TraceQL (replaces service and tags)", traceql),
    field("Min duration", minD),
    field("Max duration", maxD),
    field("Limit", limit),
    h("button", { type: "submit" }, "Search"),
    refreshControl(params),
  );
  const open = openTraceForm();
  const results = h("div", { id: "trace-results" }, loading());
  const stamp = h("span", { class: "muted small", id: "refreshed" });
  mount(root, h("h1", null, "Traces"), open, form, results);

  getJSON<{ services: Service[] | null }>("/api/services", { start: p("start", "1h"), end: p("end") })
    .then((r) => {
      // Services with spans only: one that sent only logs has no traces to find.
      for (const s of (r.services ?? []).filter((x) => x.spanCount > 0 || x.name === p("service"))) {
        service.append(h("option", { value: s.name }, `${s.name} (${s.spanCount} spans, ${s.logCount} logs)`));
      }
      service.value = p("service");
    })
    .catch(() => {});

  let q = p("tags");
  if (p("service")) q = `service.name=${JSON.stringify(p("service"))} ${q}`.trim();
  // TraceQL, when given, decides alone (the API reads no tags with q).
  const sel = p("q") ? { q: p("q") } : { tags: q };
  const load = async () => {
    const r = await getJSON<{ traces: TraceHit[] | null }>("/api/search", {
      ...sel, minDuration: p("minDuration"), maxDuration: p("maxDuration"), start: p("start", "1h"), end: p("end"), limit: p("limit", "50"),
    });
    if (!alive()) return;
    const hits = r.traces ?? [];
    const max = Math.max(1, ...hits.map((t) => t.durationMs));
    const rows = hits.map((t) =>
      h(
        "tr",
        { class: "trace-hit" + (t.errorCount ? " has-error" : "") },
        h("td", { class: "nowrap" }, time(nanoTime(t.startTimeUnixNano))),
        h("td", null, t.rootServiceName ? h("a", { class: "service-link", href: serviceHref(t.rootServiceName), title: "lint findings, refused documents, segment names" }, t.rootServiceName) : h("span", { class: "muted" }, "(unknown)")),
        h("td", null, h("a", { href: href("trace/" + t.traceID) }, t.rootTraceName || "(root not received)")),
        h("td", { class: "num" }, ms(t.durationMs), h("div", { class: "minibar", style: `width:${(100 * t.durationMs) / max}%` })),
        h("td", { class: "num" }, t.spanCount),
        h("td", { class: "num" }, t.errorCount ? h("span", { class: "badge error" }, t.errorCount) : "0"),
        h("td", { class: "mono small" }, h("a", { href: href("trace/" + t.traceID) }, t.traceID)),
      ),
    );
    mount(
      results,
      h("div", { class: "muted small" }, `${plural(hits.length, "trace")}, newest first · `, stamp),
      hits.length ? table(["Start", "Root service", "Root span", "Duration", "Spans", "Errors", "Trace id"], rows) : h("p", { class: "empty" }, "No traces match."),
    );
  };
  try {
    await load();
  } catch (err) {
    if (alive()) mount(results, errorBox(err));
  }
  autoRefresh(params, alive, load, stamp);
}

/** openTraceForm opens a trace by its id (W3C or X-Ray form). */
export function openTraceForm(value = ""): HTMLElement {
  const idInput = h("input", { name: "traceID", placeholder: "32 hex or 1-5759e988-bd862e3fe1be46a994272793", size: 36, value });
  return h(
    "form",
    { class: "toolbar", id: "trace-open", onsubmit: (e: Event) => (e.preventDefault(), idInput.value.trim() && go("trace/" + encodeURIComponent(idInput.value.trim()))) },
    field("Open a trace by id (W3C or X-Ray)", idInput),
    h("button", { type: "submit" }, "Open"),
  );
}
