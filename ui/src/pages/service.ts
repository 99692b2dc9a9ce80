import { serviceLint, xrayNaming, type LintReport, type NamingService, type ServiceLint } from "../api";
import { errorBox, field, h, loading, mount, table, time } from "../dom";
import { pointInTime } from "../queryspec";
import { go, href } from "../router";
import { rejectedDoc, REJECTED_RULE } from "./rejected";

/** Rules whose findings are errors (docs/xray-api.md); the others are warnings. */
const ERROR_RULES = new Set(["unclosed", REJECTED_RULE]);

/**
 * servicePage: the health of one service over a window — lint findings per
 * rule, the traces with findings, the X-Ray documents of the service the
 * receiver refused, and the names its segments were given.
 */
export async function servicePage(root: HTMLElement, name: string, params: URLSearchParams, alive: () => boolean): Promise<void> {
  const p = (k: string, d = "") => params.get(k) ?? d;
  const start = h("input", { name: "start", value: p("start", "1h"), size: 10 });
  const end = h("input", { name: "end", value: p("end"), size: 10, placeholder: "now" });
  const form = h(
    "form",
    { class: "toolbar", id: "service-window", onsubmit: (e: Event) => (e.preventDefault(), go("service/" + encodeURIComponent(name), { start: start.value.trim(), end: end.value.trim() })) },
    field("From (1h, now-2h, RFC 3339)", start),
    field("To", end),
    h("button", { type: "submit" }, "Show"),
  );
  const links = h(
    "div",
    { class: "summary" },
    h("a", { href: href("traces", { service: name, start: p("start"), end: p("end"), run: "1" }) }, "Traces →"),
    h("a", { href: href("logs", { service: name, start: p("start"), end: p("end") }) }, "Logs →"),
    h("a", { href: href("query", { dataset: name, start: p("start"), end: p("end") }) }, "Query →"),
  );
  const out = h("div", null, loading());
  mount(root, h("h1", null, "Service ", h("span", { class: "mono", id: "service-name" }, name)), links, form, out);

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

/** namingBox: the names the service's segments had, per instance that reported this name. */
function namingBox(name: string, naming: NamingService[] | Error): HTMLElement {
  const title = h("h2", null, "Segment names");
  if (naming instanceof Error) return h("section", { id: "naming" }, title, errorBox(naming));
  const mine = naming.filter((s) => (s.names ?? []).some((n) => n.name === name));
  if (!mine.length) return h("section", { id: "naming" }, title, h("p", { class: "empty" }, `No SERVER span (X-Ray segment) named ${name} in this window.`));
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
              h("td", null, n.fromHost ? h("span", { class: "badge warning" }, "request Host header (dynamic naming)") : "fixed name"),
              h("td", { class: "small" }, n.scope),
            ),
          ),
        ),
      ),
    ),
  );
}
