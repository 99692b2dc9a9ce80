import { ApiError, getJSON, type LintFinding, type LintReport, type LogLine, type TraceData, type TraceError } from "../api";
import { errorBox, h, loading, mount, ms, time } from "../dom";
import { rows } from "../otlp";
import { href, serviceHref } from "../router";
import { logRows } from "./logs";
import { rejectedDoc } from "./rejected";
import { openTraceForm } from "./traces";
import { splitPane, waterfall } from "./trace_waterfall";
import "../pages.css";

/** tracePage: the waterfall of one trace, its lint findings, errors and log lines. */
export async function tracePage(root: HTMLElement, id: string, params: URLSearchParams, alive: () => boolean): Promise<void> {
  if (!id.trim()) {
    return mount(root, h("h1", null, "Trace"), h("div", { class: "alert warn", id: "trace-missing" }, "No trace id in the address. Give one here, or find traces on the ", h("a", { href: href("traces") }, "Traces"), " page."), openTraceForm());
  }
  mount(root, h("h1", null, "Trace ", h("span", { class: "mono" }, id)), loading());
  const [traceOr, lint, errs] = await Promise.all([
    getJSON<TraceData>("/api/traces/" + encodeURIComponent(id)).catch((e: Error) => e),
    getJSON<LintReport>(`/api/traces/${encodeURIComponent(id)}/lint`).catch((e: Error) => e),
    getJSON<{ errors: TraceError[] | null }>("/api/errors", { traceID: id }).catch((e: Error) => e),
  ]);
  if (!alive()) return;
  if (traceOr instanceof Error) {
    // A trace whose X-Ray documents were all refused has no spans, only those findings.
    if (!(traceOr instanceof ApiError && traceOr.status === 404) || lint instanceof Error || !lint.findings?.length) {
      return mount(root, h("h1", null, "Trace ", h("span", { class: "mono" }, id)), traceMissing(id, traceOr), openTraceForm(id));
    }
    return mount(
      root,
      h("h1", null, "Trace ", h("span", { class: "mono" }, id)),
      h("div", { class: "alert warn", id: "no-spans" }, "No span of this trace is stored: every document of it was refused (below)."),
      lintBox(lint),
      errorsBox(errs),
    );
  }
  const trace = traceOr;
  const { rows: rs, totalMs, start, end } = rows(trace);
  // Log lines of a trace are searched around it: an hour either side.
  const win = { start: String(Number(start / 1_000_000_000n) - 3600), end: String(Number(end / 1_000_000_000n) + 3600) };
  const findings = lint instanceof Error ? [] : (lint.findings ?? []);
  const bySpan = new Map<string, LintFinding[]>();
  for (const f of findings) if (f.spanId) bySpan.set(f.spanId, [...(bySpan.get(f.spanId) ?? []), f]);
  const services = new Set(rs.map((r) => r.service));
  const detail = h("div", { class: "detail", id: "span-detail" }, h("p", { class: "muted" }, "Click a span for its attributes."));
  const logsBox = h("section", { id: "trace-logs" }, h("h2", null, "Log lines"), loading());

  mount(
    root,
    h("h1", null, "Trace ", h("span", { class: "mono" }, id)),
    h(
      "div",
      { class: "summary" },
      h("span", null, h("b", null, ms(totalMs)), " total"),
      h("span", null, h("b", null, rs.length), rs.length === 1 ? " span" : " spans"),
      h("span", null, h("b", null, services.size), services.size === 1 ? " service: " : " services: ", [...services].map((s, i) => [i ? ", " : "", s ? h("a", { href: serviceHref(s) }, s) : "?"])),
      h("a", { href: href("logs", { traceID: id, ...win }) }, "All log lines of this trace →"),
    ),
    lintBox(lint),
    errorsBox(errs),
    splitPane(waterfall({ traceId: id, rows: rs, totalMs, bySpan, detail, selected: params.get("span") ?? undefined }), detail),
    logsBox,
  );

  try {
    const r = await getJSON<{ logs: LogLine[] | null }>("/api/logs", { traceID: id, ...win, order: "asc", limit: "500" });
    if (!alive()) return;
    const logs = r.logs ?? [];
    mount(logsBox, h("h2", null, `Log lines (${logs.length})`), logs.length ? logRows(logs, false) : h("p", { class: "empty" }, "No log lines carry this trace id."));
  } catch (err) {
    mount(logsBox, h("h2", null, "Log lines"), errorBox(err));
  }
}

/** traceMissing says why a trace cannot be shown: an id that is not one (400), a trace not stored (404), or the failure. */
function traceMissing(id: string, err: Error): HTMLElement {
  if (err instanceof ApiError && err.status === 404) {
    return h("div", { class: "alert warn", id: "trace-missing" }, `No trace ${id} is stored: it has not arrived yet, was not sampled, or is older than the retention.`);
  }
  if (err instanceof ApiError && err.status === 400) {
    return h("div", { class: "alert error", id: "trace-missing" }, `"${id}" is not a trace id: give 32 hex characters or an X-Ray id (1-5759e988-bd862e3fe1be46a994272793).`, h("div", { class: "muted small" }, err.message));
  }
  return errorBox(err);
}

function lintBox(lint: LintReport | Error): HTMLElement | null {
  if (lint instanceof Error) return h("div", { class: "alert warn" }, "Lint unavailable: " + lint.message);
  const f = lint.findings ?? [];
  if (!f.length) return h("div", { class: "alert ok", id: "lint" }, `Lint: no findings (${lint.spans} spans${lint.replaced ? `, ${lint.replaced} replaced` : ""}).`);
  return h(
    "div",
    { class: "alert " + (f.some((x) => x.severity === "error") ? "error" : "warn"), id: "lint" },
    h("b", null, `${f.length} lint finding${f.length === 1 ? "" : "s"}`),
    h(
      "ul",
      null,
      f.map((x) =>
        h(
          "li",
          { class: "finding", "data-rule": x.rule },
          h("span", { class: "badge " + x.severity }, x.rule),
          " ",
          x.message,
          x.path ? h("span", { class: "muted" }, "  at ", x.path) : null,
          x.skewMillis !== undefined ? h("span", { class: "muted" }, ` (skew ${x.skewMillis} ms)`) : null,
          rejectedDoc(x),
        ),
      ),
    ),
  );
}

function errorsBox(errs: { errors: TraceError[] | null } | Error): HTMLElement | null {
  if (errs instanceof Error) return h("div", { class: "alert warn" }, "Errors unavailable: " + errs.message);
  const list = errs.errors ?? [];
  if (!list.length) return null;
  return h(
    "div",
    { class: "alert error", id: "trace-errors" },
    h("b", null, `${list.length} error occurrence${list.length === 1 ? "" : "s"} in this trace`),
    h(
      "ul",
      null,
      list.map((e) =>
        h(
          "li",
          null,
          h("span", { class: "badge " + e.level }, e.level),
          " ",
          h("a", { href: href("errors/" + e.itemId) }, `#${e.counter} ${e.title}`),
          h("span", { class: "muted" }, ` ${e.environment} · ${e.itemStatus} · ${time(new Date(e.timestamp))}`),
        ),
      ),
    ),
  );
}
