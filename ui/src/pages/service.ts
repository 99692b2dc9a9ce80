import { serviceLint, xrayNaming, type LintReport, type NamingService, type ServiceLint } from "../api";
import { errorBox, h, loading, mount, table, time } from "../dom";
import { pointInTime } from "../queryspec";
import { href } from "../router";
import { OP_COLUMNS, redSection, XRAY_SCOPE } from "./service_red";
import { rejectedDoc, REJECTED_RULE } from "./rejected";

/** Rules whose findings are errors (docs/xray-api.md); the others are warnings. */
const ERROR_RULES = new Set(["unclosed", REJECTED_RULE]);

/**
 * servicePage: the health of one service over the shared time range: its
 * RED (rate, errors, duration) in total and per operation for every source,
 * then what applies to X-Ray: the names its segments were given, lint
 * findings per rule, the traces with findings and the refused documents.
 */
export async function servicePage(root: HTMLElement, name: string, params: URLSearchParams, alive: () => boolean): Promise<void> {
  const p = (k: string, d = "") => params.get(k) ?? d;
  const win = { start: p("start"), end: p("end") };
  const links = h(
    "div",
    { class: "summary" },
    h("a", { href: href("traces", { service: name, ...win, run: "1" }) }, "Traces →"),
    h("a", { href: href("logs", { service: name, ...win }) }, "Logs →"),
    h("a", { href: href("query", { dataset: name, ...win }) }, "Query →"),
    h("a", { href: href("map", { ...win, focus: name }) }, "Service map →"),
  );
  const red = h("div", { id: "red-box" }, loading());
  const out = h("div", null, loading());
  mount(root, h("h1", null, "Service ", h("span", { class: "mono", id: "service-name" }, name)), links, red, out);

  const op = OP_COLUMNS.includes(p("op")) ? p("op") : "name";
  const redDone = redSection({ service: name, start: p("start", "1h"), end: p("end"), op, allSpans: p("spans") === "all", source: params.has("src") ? p("src") : undefined }).then(
    (el) => alive() && mount(red, el),
    (err) => alive() && mount(red, errorBox(err)),
  );
  let t0: number, t1: number;
  try {
    const now = Date.now() / 1000;
    t0 = pointInTime("From", p("start", "1h") || "1h", now);
    t1 = p("end") ? pointInTime("To", p("end"), now) : now;
  } catch (err) {
    return mount(out, errorBox(err));
  }
  const [lint, naming] = await Promise.all([
    serviceLint(name, t0, t1).catch((e: Error) => e),
    xrayNaming(t0, t1).catch((e: Error) => e),
  ]);
  await redDone;
  if (!alive()) return;
  mount(out, namingBox(name, naming), lint instanceof Error ? errorBox(lint) : lintSections(lint));
}

function lintSections(l: ServiceLint): HTMLElement {
  const counts = Object.entries(l.counts ?? {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const traces = l.traces ?? [];
  const rejected = l.rejected ?? [];
  const nRejected = l.counts?.[REJECTED_RULE] ?? 0;
  return h(
    "div",
    null,
    h(
      "div",
      { class: "summary", id: "service-summary" },
      h("span", null, h("b", null, l.tracesChecked), ` trace${l.tracesChecked === 1 ? "" : "s"} checked`, l.truncated ? " (the newest only: more exist)" : ""),
      h("span", null, h("b", null, traces.length), " with findings"),
      h("span", null, h("b", null, nRejected), ` refused document${nRejected === 1 ? "" : "s"}`),
      h("span", { class: "muted" }, `${time(new Date(l.start)).slice(0, 19)} – ${time(new Date(l.end)).slice(0, 19)}`),
    ),
    h("h2", null, "Findings by rule"),
    counts.length
      ? withId("rule-counts", table(["Rule", "Findings"], counts.map(([rule, n]) => ruleRow(rule, n))))
      : h("div", { class: "alert ok", id: "rule-counts" }, "No lint findings in this window."),
    h("h2", null, `Refused X-Ray documents (${nRejected})`),
    h(
      "section",
      { id: "rejected-docs" },
      l.rejectedTruncated ? h("div", { class: "alert warn" }, "The count stopped at the lint's limit of records: more documents were refused.") : null,
      nRejected > rejected.length ? h("div", { class: "muted small" }, `The newest ${rejected.length} of ${nRejected}.`) : null,
      rejected.length
        ? rejected.map((f) => h("div", { class: "alert error" }, h("div", null, f.message), rejectedDoc(f, { open: true, traceId: f.document?.traceId })))
        : h("p", { class: "empty" }, "The X-Ray receiver refused no document of this service in this window."),
    ),
    h("h2", null, `Traces with findings (${traces.length})`),
    traces.length ? withId("lint-traces", table(["Trace", "Spans", "Findings", "First finding"], traces.map(traceRow))) : h("p", { class: "empty" }, "No trace of this service has lint findings."),
  );
}

const withId = (id: string, el: HTMLElement) => ((el.id = id), el);

function ruleRow(rule: string, n: number): HTMLElement {
  const badge = h("span", { class: "badge " + (ERROR_RULES.has(rule) ? "error" : "warning") }, rule);
  return h("tr", { class: "rule-count", "data-rule": rule }, h("td", null, badge), h("td", { class: "num", "data-count": n }, n));
}

function traceRow(r: LintReport): HTMLElement {
  const fs = r.findings ?? [];
  const byRule = new Map<string, { n: number; severity: string }>();
  for (const f of fs) byRule.set(f.rule, { n: (byRule.get(f.rule)?.n ?? 0) + 1, severity: f.severity });
  const first = fs[0];
  return h(
    "tr",
    { class: "lint-trace" + (fs.some((f) => f.severity === "error") ? " err" : " warn-row") },
    h("td", { class: "mono small" }, h("a", { href: href("trace/" + r.traceId) }, r.traceId)),
    h("td", { class: "num" }, r.spans),
    h("td", null, [...byRule].map(([rule, x]) => h("span", { class: "badge " + x.severity }, x.n > 1 ? `${rule} × ${x.n}` : rule))),
    h("td", { class: "small" }, first ? [first.message, first.path ? h("span", { class: "muted" }, "  at ", first.path) : null] : ""),
  );
}

/** isXRay tells a process that sent X-Ray segments from an OpenTelemetry service (named by its resource, never by a Host header). */
export const isXRay = (s: NamingService): boolean => !!s.source || (s.names ?? []).some((n) => n.scope === XRAY_SCOPE);

/** namingBox: the names the service's segments had, per X-Ray process that reported this name. */
function namingBox(name: string, naming: NamingService[] | Error): HTMLElement {
  const title = h("h2", null, "X-Ray segment names");
  if (naming instanceof Error) return h("section", { id: "naming" }, title, errorBox(naming));
  const mine = naming.filter((s) => isXRay(s) && (s.names ?? []).some((n) => n.name === name));
  if (!mine.length) {
    return h("section", { id: "naming" }, title, h("p", { class: "muted small", id: "naming-none" }, `No X-Ray segment is named ${name} in this range: segment naming applies to services instrumented with an X-Ray SDK.`));
  }
  const all = [...new Set(mine.flatMap((s) => (s.names ?? []).map((n) => n.name)))];
  return h(
    "section",
    { id: "naming" },
    title,
    all.length > 1
      ? h(
          "div",
          { class: "alert warn", id: "naming-alert" },
          h("b", null, `${name} shows up under ${all.length} names: `),
          all.join(", "),
          ". X-Ray's service map and this server's service list count each name as a service.",
        )
      : h("p", { class: "muted small" }, "One name: the segments of this service are named consistently."),
    mine.map((s) =>
      h(
        "div",
        { class: "naming-instance" + ((s.names ?? []).length > 1 ? " several" : "") },
        h("h3", null, s.key, h("span", { class: "muted" }, ` · ${s.total} segment${s.total === 1 ? "" : "s"}`)),
        s.note ? h("div", { class: "small warn-text" }, s.note) : null,
        table(
          ["Name", "Segments", "Last seen", "Request hosts", "Where it came from", "Instrumentation"],
          (s.names ?? []).map((n) =>
            h(
              "tr",
              { class: "segment-name" + (n.fromHost ? " warn-row" : ""), "data-name": n.name },
              h("td", { class: "mono" }, n.name === name ? h("b", null, n.name) : h("a", { href: href("service/" + encodeURIComponent(n.name)) }, n.name)),
              h("td", { class: "num" }, n.count),
              h("td", { class: "nowrap" }, time(new Date(n.lastSeen))),
              h("td", { class: "mono small" }, (n.hosts ?? []).join(", ")),
              h("td", { class: "small" }, n.fromHost ? h("span", { class: "badge warning" }, "request Host header (dynamic naming)") : null, " ", n.reason ?? (n.fromHost ? "" : "fixed name")),
              h("td", { class: "small" }, n.scope),
            ),
          ),
        ),
      ),
    ),
  );
}
