import { getJSON, type LogLine, type Service } from "../api";
import { errorBox, field, h, loading, mount, nanoTime, plural, table, time } from "../dom";
import { autoRefresh, refreshControl } from "../refresh";
import { go, href } from "../router";
import { groupCounts, groupVolume } from "./logs_group";
import { liveTail } from "./logs_tail";
import "../pages.css";

const SEVERITIES = ["", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

/** sevClass buckets an OTel severity number (1–24) for colouring. */
function sevClass(n: number): string {
  if (n >= 17) return "error";
  if (n >= 13) return "warning";
  if (n >= 9) return "info";
  return "debug";
}

function bodyText(b: unknown): string {
  return typeof b === "string" ? b : JSON.stringify(b);
}

/** logRows renders log lines; each line with a trace id links to its trace. */
export function logRows(logs: LogLine[], withTrace = true): HTMLElement {
  const rows = logs.map((l) => {
    const attrs = Object.entries(l.attributes ?? {});
    const extra = h(
      "div",
      { class: "log-extra", hidden: true },
      attrs.map(([k, v]) => h("span", { class: "kvpair" }, k, "=", typeof v === "string" ? v : JSON.stringify(v))),
      l.logGroup ? h("span", { class: "kvpair" }, "logGroup=", l.logGroup, " logStream=", l.logStream ?? "") : null,
      l.spanID ? h("span", { class: "kvpair" }, "spanID=", l.spanID) : null,
    );
    const msg = h("td", { class: "log-body" }, bodyText(l.body), extra);
    msg.addEventListener("click", () => (extra.hidden = !extra.hidden));
    return h(
      "tr",
      { class: "log-line" },
      h("td", { class: "nowrap mono small" }, time(nanoTime(l.timeUnixNano))),
      h("td", null, h("span", { class: "badge " + sevClass(l.severityNumber) }, l.severityText || String(l.severityNumber || "–"))),
      h("td", { class: "nowrap" }, l.service || l.logGroup || ""),
      msg,
      withTrace ? h("td", { class: "mono small" }, l.traceID ? h("a", { href: href("trace/" + l.traceID), class: "trace-link" }, l.traceID.slice(0, 12) + "…") : "") : null,
    );
  });
  return table(withTrace ? ["Time", "Severity", "Service", "Body (click for attributes)", "Trace"] : ["Time", "Severity", "Service", "Body (click for attributes)"], rows, "logs");
}

/**
 * pageOf cuts a full page (limit lines) so that no time is split between
 * two pages: the lines of the page's last nanosecond move to the next one,
 * which starts at that time (next: a GET /api/logs end, exclusive, newest
 * first; a start, inclusive, oldest first). next is "" on the last page.
 * A page whose lines all share one time cannot be cut: the next one starts
 * after that time.
 */
export function pageOf(logs: LogLine[], limit: number, asc: boolean): { lines: LogLine[]; next: string } {
  if (logs.length < limit) return { lines: logs, next: "" };
  const last = BigInt(logs[logs.length - 1].timeUnixNano);
  const lines = logs.filter((l) => BigInt(l.timeUnixNano) !== last);
  if (!lines.length) return { lines: logs, next: String(asc ? last + 1n : last) };
  return { lines, next: String(asc ? last : last + 1n) };
}

/**
 * logsPage: log search by service, minimum severity, text and trace id. With
 * a log group (from the Log groups page) it also shows the group's counts per
 * stream and severity, and its lines. Both reload every refresh interval.
 */
export async function logsPage(root: HTMLElement, params: URLSearchParams, alive: () => boolean): Promise<void> {
  const p = (k: string, d = "") => params.get(k) ?? d;
  const tail = params.get("tail") === "1";
  // The service is matched exactly: the datalist offers the names that have logs.
  const service = h("input", { name: "service", value: p("service"), size: 14, placeholder: "any", list: "dl-log-services", autocomplete: "off" });
  const serviceList = h("datalist", { id: "dl-log-services" });
  getJSON<{ services: Service[] | null }>("/api/services", { start: p("start", "1h"), end: p("end") })
    .then((r) => serviceList.replaceChildren(...(r.services ?? []).filter((s) => s.logCount > 0).map((s) => h("option", { value: s.name }, `${s.logCount} lines`))))
    .catch(() => {}); // the box still takes a name typed in full
  const sev = h("select", { name: "severity" }, SEVERITIES.map((s) => h("option", { value: s }, s || "any")));
  sev.value = p("severity");
  const q = h("input", { name: "q", value: p("q"), size: 24, placeholder: "text in body" });
  const trace = h("input", { name: "traceID", value: p("traceID"), size: 34, placeholder: "trace id" });
  const group = h("input", { name: "group", value: p("group"), size: 20, placeholder: "any" });
  const streamIn = h("input", { name: "stream", value: p("stream"), size: 12, placeholder: "any" });
  const order = h("select", { name: "order" }, h("option", { value: "desc" }, "newest first"), h("option", { value: "asc" }, "oldest first"));
  order.value = p("order", "desc");
  const limit = h("input", { name: "limit", value: p("limit", "200"), size: 4 });
  const form = h(
    "form",
    {
      class: "toolbar",
      onsubmit: (e: Event) => {
        e.preventDefault();
        const tailing = (e as SubmitEvent).submitter?.id === "tail-start";
        go("logs", {
          service: service.value.trim(), group: group.value.trim(), stream: streamIn.value.trim(), severity: sev.value, q: q.value, traceID: trace.value.trim(),
          start: p("start"), end: p("end"), order: order.value, limit: limit.value.trim(), refresh: p("refresh"), tail: tailing ? "1" : undefined,
        });
      },
    },
    field("Service (exact)", service),
    serviceList,
    field("Min severity", sev),
    field("Text", q),
    field("Trace id", trace),
    field("Log group", group),
    field("Stream", streamIn),
    field("Order", order),
    field("Limit", limit),
    h("button", { type: "submit" }, "Search"),
    h("button", { type: "submit", id: "tail-start", class: tail ? "on" : "", title: "follow new lines of this filter as they arrive" }, "Live tail"),
    tail ? h("a", { id: "tail-stop", href: href("logs", { ...Object.fromEntries(params), tail: undefined }) }, "stop tail") : refreshControl(params),
  );
  const results = h("div", { id: "log-results" }, loading());
  const stamp = h("span", { class: "muted small", id: "refreshed" });
  const g = p("group");
  const stream = p("stream");
  const counts = g ? groupCounts(g, p("start", "1h"), p("end")) : null;
  const volume = g ? groupVolume(g, stream, p("start", "1h"), p("end")) : null;
  mount(
    root,
    h("h1", null, "Logs", g ? [" of group ", h("span", { class: "mono", id: "log-group" }, g)] : null, stream ? [" · stream ", h("span", { class: "mono", id: "log-stream" }, stream)] : null),
    g ? h("div", { class: "muted small" }, h("a", { href: href("groups") }, "← Log groups"), stream ? [" · ", h("a", { href: href("logs", { ...Object.fromEntries(params), stream: undefined, cursor: undefined, pageno: undefined }) }, "all streams of the group")] : null) : null,
    form,
    volume,
    counts,
    g ? h("h2", null, "Lines") : null,
    results,
  );
  if (tail) {
    const filter = { service: p("service"), logGroup: g, logStream: stream, severity: p("severity"), q: p("q"), traceID: p("traceID") };
    return liveTail(results, filter, (l) => logRows(l), alive);
  }
  /** load reads the lines; again: the group's counts too (the first ones load with the page). */
  const load = async (again = false) => {
    if (again && g && counts) groupCounts(g, p("start", "1h"), p("end"), counts);
    if (again && g && volume) groupVolume(g, stream, p("start", "1h"), p("end"), volume);
    const asc = p("order") === "asc";
    const limit = Math.max(1, Number(p("limit", "200")) || 200);
    // A page after the first starts at its cursor: the newest (or, oldest first, the oldest) time not shown yet.
    const cursor = p("cursor");
    const r = await getJSON<{ logs: LogLine[] | null }>("/api/logs", {
      service: p("service"), logGroup: g, logStream: stream, severity: p("severity"), q: p("q"), traceID: p("traceID"),
      start: asc && cursor ? cursor : p("start", "1h"), end: !asc && cursor ? cursor : p("end"), order: p("order"), limit: String(limit),
    });
    if (!alive()) return;
    const { lines, next } = pageOf(r.logs ?? [], limit, asc);
    const pageno = Number(p("pageno", "1")) || 1;
    const more = next
      ? h("a", { class: "button", id: "logs-next", href: href("logs", { ...Object.fromEntries(params), cursor: next, pageno: String(pageno + 1) }) }, asc ? "newer lines →" : "older lines →")
      : null;
    mount(
      results,
      h("div", { class: "muted small" }, `${plural(lines.length, "line")}${cursor ? `, page ${pageno}` : ""} · `, stamp),
      lines.length ? logRows(lines) : h("p", { class: "empty" }, "No log lines match."),
      h("div", { class: "toolbar", id: "logs-pages" }, cursor ? h("a", { class: "button", href: href("logs", { ...Object.fromEntries(params), cursor: undefined, pageno: undefined }) }, "← first page") : null, more),
    );
  };
  try {
    await load();
  } catch (err) {
    if (alive()) mount(results, errorBox(err));
  }
  autoRefresh(params, alive, () => load(true), stamp);
}
