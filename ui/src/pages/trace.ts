import { ApiError, getJSON, type LintFinding, type LintReport, type LogLine, type TraceData, type TraceError } from "../api";
import { errorBox, h, loading, mount, ms, nanoTime, time } from "../dom";
import { anyValue, KINDS, rows, type Row } from "../otlp";
import { href, serviceHref } from "../router";
import { logRows } from "./logs";
import { rejectedDoc } from "./rejected";
import { openTraceForm } from "./traces";

/** tracePage: the waterfall of one trace, its lint findings, errors and log lines. */
export async function tracePage(root: HTMLElement, id: string, _params: URLSearchParams, alive: () => boolean): Promise<void> {
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
    h("div", { class: "split" }, waterfall(rs, totalMs, bySpan, detail), detail),
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

function waterfall(rs: Row[], totalMs: number, bySpan: Map<string, LintFinding[]>, detail: HTMLElement): HTMLElement {
  const total = totalMs || 1;
  const services = [...new Set(rs.map((r) => r.service))];
  const color = (s: string) => `c${services.indexOf(s) % 8}`;
  const body = rs.map((r) => {
    const flagged = bySpan.get(r.span.spanId) ?? [];
    const isErr = r.span.status?.code === 2;
    const row = h(
      "div",
      { class: "wf-row" + (isErr ? " err" : "") + (flagged.length ? " flagged" : ""), "data-span": r.span.spanId, tabindex: 0 },
      h(
        "div",
        { class: "wf-label", style: `padding-left:${r.depth * 14 + 4}px` },
        h("span", { class: "svc " + color(r.service) }, r.service || "?"),
        " ",
        h("span", { class: "wf-name" }, r.span.name),
        r.orphan ? h("span", { class: "badge warning", title: "parent never arrived" }, "orphan") : null,
        flagged.filter((f) => f.rule !== "orphan").map((f) => h("span", { class: "badge " + f.severity, title: f.message }, f.rule)),
        isErr ? h("span", { class: "badge error" }, "error") : null,
      ),
      h(
        "div",
        { class: "wf-track" },
        h("div", {
          class: "wf-bar " + color(r.service),
          style: `left:${(100 * r.startMs) / total}%;width:${Math.max(0.2, (100 * r.durMs) / total)}%`,
        }),
        h("span", { class: "wf-dur", style: `left:${Math.min(92, (100 * (r.startMs + r.durMs)) / total)}%` }, ms(r.durMs)),
      ),
    );
    const open = () => {
      for (const x of row.parentElement?.querySelectorAll(".wf-row.sel") ?? []) x.classList.remove("sel");
      row.classList.add("sel");
      mount(detail, spanDetail(r, flagged));
    };
    row.addEventListener("click", open);
    row.addEventListener("keydown", (e) => e.key === "Enter" && open());
    return row;
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => h("span", { style: `left:${f * 100}%` }, ms(f * totalMs)));
  return h(
    "div",
    { class: "waterfall", id: "waterfall" },
    h("div", { class: "wf-row wf-head" }, h("div", { class: "wf-label" }, "Service · span"), h("div", { class: "wf-track ticks" }, ticks)),
    body,
  );
}

function spanDetail(r: Row, findings: LintFinding[]): HTMLElement {
  const s = r.span;
  const kv = (k: string, v: unknown) => h("tr", null, h("th", null, k), h("td", { class: "mono" }, String(v ?? "")));
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

