import { xrayNaming, type NamingService } from "../api";
import { samplingReport, type SamplingFinding, type SamplingReport, type SamplingRule, type SentCheck } from "../api_sampling";
import { errorBox, h, loading, mount, plural, table, time } from "../dom";
import { href } from "../router";
import { explainForm } from "./sampling_explain";
import { isXRay } from "./service";
import { ruleEditor, type RuleEditor } from "./sampling_edit";

/**
 * samplingPage: X-Ray centralized sampling. Every rule in evaluation order
 * with what the SDKs reported for it (requests, sampled, borrowed) and what
 * looks wrong (a rule that matches nothing and why, a shadowed rule, one
 * the SDKs ignore, requests sampled but never sent), the segment names each
 * process used (rules compare the segment name), and a form that tells
 * which rule decides a request, and why each one before it did not.
 */
export async function samplingPage(root: HTMLElement, alive: () => boolean): Promise<void> {
  const out = h("div", { id: "sampling-out" }, loading());
  mount(root, h("h1", null, "Sampling"), out);
  let rep: SamplingReport;
  try {
    rep = await samplingReport();
  } catch (err) {
    if (alive()) mount(out, errorBox(err));
    return;
  }
  const naming = await xrayNaming(Date.parse(rep.start) / 1000, Date.parse(rep.end) / 1000).catch((e: Error) => e);
  if (!alive()) return;
  const flagged = rep.rules.filter((r) => (r.findings ?? []).length);
  // A rule created, changed or deleted: draw the page again.
  const editor = ruleEditor(() => alive() && void samplingPage(root, alive));
  mount(
    out,
    h(
      "div",
      { class: "summary", id: "sampling-summary" },
      h("span", null, h("b", null, rep.rules.length), " rules, in evaluation order"),
      h("span", null, "SDK reports of ", h("b", null, time(new Date(rep.start)).slice(11, 19)), " – ", h("b", null, time(new Date(rep.end)).slice(11, 19))),
      h("span", { class: "muted" }, rep.lastRuleModification ? `rules last changed ${time(new Date(rep.lastRuleModification)).slice(0, 19)}` : "rules never changed"),
    ),
    (rep.notes ?? []).map((n) => h("div", { class: "muted small sampling-note" }, n)),
    rep.segmentsError ? h("div", { class: "alert warn" }, "Stored segments could not be read: ", rep.segmentsError) : null,
    flagged.length
      ? h("div", { class: "alert warn", id: "sampling-alert" }, h("b", null, `${plural(flagged.length, "rule")} to look at: `), flagged.map((r) => `${r.name} (${(r.findings ?? []).map((f) => f.kind).join(", ")})`).join("; "))
      : h("div", { class: "alert ok", id: "sampling-alert" }, "No findings: every rule matched requests, none is shadowed, and every sampled request arrived."),
    rulesTable(rep, editor),
    h("div", { class: "toolbar" }, editor.actions(null)),
    editor.slot,
    sentSection(rep),
    namingSection(naming),
    explainForm(),
  );
}

/** rateText says what a rule samples: "never", "10% + 5/s", "everything". */
export function rateText(r: SamplingRule): string {
  if (r.FixedRate === 0 && r.ReservoirSize === 0) return "never";
  if (r.FixedRate >= 1) return "everything";
  const pct = `${Number((r.FixedRate * 100).toPrecision(3))}%`;
  return r.ReservoirSize ? `${r.ReservoirSize}/s, then ${pct}` : pct;
}

/** matchText lists a rule's fields that are not "*" (its attributes too); "everything" when none. */
export function matchText(r: SamplingRule): string {
  const parts = (["ServiceName", "ServiceType", "Host", "HTTPMethod", "URLPath", "ResourceARN"] as const).filter((f) => r[f] && r[f] !== "*").map((f) => `${f} ${r[f]}`);
  for (const [k, v] of Object.entries(r.Attributes ?? {})) parts.push(`${k} = ${v}`);
  return parts.length ? parts.join(" · ") : "every request";
}

function rulesTable(rep: SamplingReport, editor: RuleEditor): HTMLElement {
  const rows = rep.rules.flatMap((r) => {
    const fs = r.findings ?? [];
    const { requests, sampled, borrowed } = r.stats;
    const td = (k: string, v: number, text: string | number = v) => h("td", { class: "num", "data-k": k, "data-value": String(v) }, text);
    const clients = r.clients ?? [];
    const main = h(
      "tr",
      { class: "sampling-rule" + (fs.length ? " warn-row" : ""), "data-rule": r.name },
      td("priority", r.priority),
      h("td", { class: "mono" }, h("b", null, r.name)),
      h("td", { class: "mono small" }, matchText(r.rule)),
      h("td", { class: "nowrap", "data-k": "rate" }, rateText(r.rule)),
      td("requests", requests),
      td("sampled", sampled),
      td("borrowed", borrowed),
      td("sampled-share", requests ? (sampled + borrowed) / requests : 0, requests ? `${(((sampled + borrowed) / requests) * 100).toFixed(0)}%` : "–"),
      h("td", { class: "small", title: clients.map((c) => `${c.clientId}: ${c.requestsPerSecond.toFixed(2)} req/s, quota ${c.quota}`).join("\n") }, clients.length ? plural(clients.length, "client") : h("span", { class: "muted" }, "none")),
      h("td", null, fs.map((f) => h("span", { class: "badge " + (f.kind === "unmatched" || f.kind === "unsent" ? "error" : "warning") }, f.kind))),
      h("td", null, editor.actions(r.rule)),
    );
    return fs.length ? [main, h("tr", { class: "rule-findings", "data-rule": r.name }, h("td"), h("td", { colspan: 10 }, fs.map(findingBox)))] : [main];
  });
  const t = table(["Priority", "Rule", "Matches", "Samples", "Requests", "Sampled", "Borrowed", "Traced", "Clients", "Findings", ""], rows);
  t.id = "sampling-rules";
  return h("section", null, h("h2", null, "Rules"), t, h("p", { class: "muted small" }, "Requests, sampled and borrowed are what the SDKs reported through GetSamplingTargets for the rule; a request counts under the first rule that matches it."));
}

function findingBox(f: SamplingFinding): HTMLElement {
  return h(
    "div",
    { class: "finding sampling-finding", "data-kind": f.kind },
    h("span", { class: "badge " + (f.kind === "unmatched" || f.kind === "unsent" ? "error" : "warning") }, f.kind),
    " ",
    h("span", { class: "finding-message" }, f.message),
    f.seen?.length
      ? table(
          ["Requests seen", "Host", "Method", "Path", "Segments", "Fails on"],
          f.seen.map((s) =>
            h(
              "tr",
              { class: "seen" },
              h("td", { class: "mono" }, s.service),
              h("td", { class: "mono small" }, s.host ?? ""),
              h("td", null, s.method ?? ""),
              h("td", { class: "mono small" }, s.path ?? ""),
              h("td", { class: "num" }, s.count),
              h("td", { class: "small" }, h("b", null, s.why.field), ` ${s.why.pattern} ≠ `, h("span", { class: "mono" }, s.why.value || "(none)")),
            ),
          ),
          "seen-table",
        )
      : null,
  );
}

function sentSection(rep: SamplingReport): HTMLElement {
  const checks: SentCheck[] = rep.rules.flatMap((r) => r.sent ?? []);
  const title = h("h2", null, `Sampled and sent (last ${rep.sentWindow.replace(/0s$/, "").replace(/m0$/, "m")})`);
  if (!checks.length) return h("section", { id: "sampling-sent" }, title, h("p", { class: "empty" }, "No client reported sampled requests in this window."));
  return h(
    "section",
    { id: "sampling-sent" },
    title,
    table(
      ["Rule", "Clients", "Services", "From", "To", "Sampled (reported)", "Segments arrived", "Never sent"],
      checks.map((c) =>
        h(
          "tr",
          { class: "sent-check" + (c.missing ? " err" : ""), "data-rule": c.rule },
          h("td", { class: "mono" }, c.rule),
          h("td", { class: "mono small" }, c.clients.join(", ")),
          h("td", { class: "small" }, c.services.map((s, i) => [i ? ", " : "", h("a", { href: href("service/" + encodeURIComponent(s)) }, s)])),
          h("td", { class: "nowrap small" }, time(new Date(c.from)).slice(11, 19)),
          h("td", { class: "nowrap small" }, time(new Date(c.to)).slice(11, 19)),
          h("td", { class: "num", "data-k": "sampled", "data-value": String(c.sampled) }, c.sampled),
          h("td", { class: "num", "data-k": "arrived", "data-value": String(c.arrived) }, c.arrived),
          h("td", { class: "num", "data-k": "missing", "data-value": String(c.missing) }, c.missing ? h("b", { class: "warn-text" }, c.missing) : "0"),
        ),
      ),
    ),
    h("p", { class: "muted small" }, "A request the SDK sampled should arrive as a segment carrying the rule's name. One that never does was kept by its process: a subsegment left open (the SDK holds the segment until every subsegment ends), or lost over UDP (see /metrics)."),
  );
}

function namingSection(naming: NamingService[] | Error): HTMLElement {
  const title = h("h2", null, "Segment names per process");
  const intro = h("p", { class: "muted small" }, "Rules compare their ServiceName with the segment's name, which dynamic naming takes from the request's Host header.");
  if (naming instanceof Error) return h("section", { id: "sampling-naming" }, title, errorBox(naming));
  const procs = naming.filter((s) => isXRay(s) && (s.names ?? []).length).sort((a, b) => (b.names ?? []).length - (a.names ?? []).length || a.key.localeCompare(b.key));
  if (!procs.length) return h("section", { id: "sampling-naming" }, title, h("p", { class: "empty" }, "No X-Ray segments in this window."));
  return h(
    "section",
    { id: "sampling-naming" },
    title,
    intro,
    table(
      ["Process", "Names (segments)", "Why", "Sampling clients"],
      procs.map((s) => {
        const names = s.names ?? [];
        return h(
          "tr",
          { class: "naming-process" + (names.length > 1 ? " warn-row" : ""), "data-key": s.key, "data-names": String(names.length) },
          h("td", { class: "mono small" }, s.key),
          h("td", null, names.map((n, i) => [i ? ", " : "", h("a", { class: "mono", href: href("service/" + encodeURIComponent(n.name)) }, n.name), ` ×${n.count}`, n.fromHost ? h("span", { class: "badge warning" }, "Host header") : null])),
          h("td", { class: "small" }, names.map((n) => n.reason).filter(Boolean).join(" "), s.note ? h("div", { class: "warn-text" }, s.note) : null),
          h("td", { class: "mono small" }, (s.samplingClients ?? []).join(", ") || h("span", { class: "muted" }, "none")),
        );
      }),
    ),
  );
}

