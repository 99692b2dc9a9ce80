// The sampling page's explain form: a request (service, host, method,
// path) → the rule that decides it, and for every rule each field compared
// (POST /api/xray/sampling/match, as `lookout sampling explain` prints it).

import { samplingMatch, type MatchReport, type MatchRequest } from "../api_sampling";
import { errorBox, field, h, mount, table } from "../dom";
import { rateText } from "./sampling";

/** explainForm: fill in a request, see which rule decides and why each one before it did not. */
export function explainForm(init: Partial<MatchRequest> = {}): HTMLElement {
  const service = h("input", { name: "service", value: init.service ?? "", size: 18, placeholder: "segment name", required: true });
  const host = h("input", { name: "host", value: init.host ?? "", size: 18, placeholder: "api.example.com" });
  const method = h("input", { name: "method", value: init.method ?? "GET", size: 6 });
  const path = h("input", { name: "path", value: init.path ?? "", size: 24, placeholder: "/api/health-check" });
  const result = h("div", { id: "explain-result" });
  const form = h(
    "form",
    {
      class: "toolbar",
      id: "explain-form",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const req = { service: service.value.trim(), host: host.value.trim(), method: method.value.trim(), path: path.value.trim() };
        try {
          mount(result, decision(await samplingMatch(req)));
        } catch (err) {
          mount(result, errorBox(err));
        }
      },
    },
    field("Service (segment name)", service),
    field("Host", host),
    field("Method", method),
    field("Path", path),
    h("button", { type: "submit" }, "Which rule?"),
  );
  return h("section", { id: "sampling-explain" }, h("h2", null, "Which rule decides a request"), form, result);
}

function decision(m: MatchReport): HTMLElement {
  return h(
    "div",
    null,
    h(
      "div",
      { class: "alert ok", id: "explain-decision", "data-rule": m.rule },
      "Rule ",
      h("b", { class: "mono" }, m.rule),
      ` (priority ${m.priority}) decides: it samples ${rateText(m.matched)}.`,
      (m.skipped ?? []).length ? ` ${m.skipped!.length} rule${m.skipped!.length === 1 ? "" : "s"} before it did not match.` : "",
    ),
    (m.notes ?? []).map((n) => h("div", { class: "muted small" }, n)),
    table(
      ["Rule", "Outcome", "Fields compared"],
      m.rules.map((r) =>
        h(
          "tr",
          { class: "explain-rule " + r.outcome, "data-rule": r.rule, "data-outcome": r.outcome },
          h("td", { class: "mono" }, r.rule, h("span", { class: "muted small" }, ` ${r.priority}`)),
          h("td", null, h("span", { class: "badge " + (r.outcome === "matched" ? "info" : r.outcome === "failed" ? "warning" : "debug") }, r.outcome)),
          h(
            "td",
            { class: "small" },
            r.fields.map((f) =>
              h(
                "span",
                { class: "field-check " + f.result, "data-field": f.field, title: f.result === "skipped" ? "the request has no value for it: not compared" : "" },
                h("b", null, f.field),
                " ",
                f.pattern,
                f.result === "skipped" ? "" : [f.result === "match" ? " = " : " ≠ ", h("span", { class: "mono" }, f.value)],
              ),
            ),
          ),
        ),
      ),
      "explain-rules",
    ),
  );
}
