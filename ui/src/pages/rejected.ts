// A refused X-Ray segment document (a rejected-document lint finding), as
// the trace page and the service page show it.

import type { LintFinding } from "../api";
import { h, time } from "../dom";
import { href } from "../router";

export const REJECTED_RULE = "rejected-document";

/**
 * rejectedDoc renders the document of a rejected-document finding: reason,
 * X-Ray error code, transport, document id, when it arrived, the trace when
 * known, and the excerpt (the first KiB as sent) in a <pre>, collapsed
 * unless open.
 */
export function rejectedDoc(f: LintFinding, o: { traceId?: string; open?: boolean } = {}): HTMLElement | null {
  const d = f.document;
  if (!d) return null;
  const excerpt = h("pre", { class: "excerpt" }, d.excerpt || "(empty)");
  return h(
    "div",
    { class: "rejected-doc", "data-reason": d.reason },
    h(
      "div",
      { class: "rejected-head" },
      h("span", { class: "badge error reason" }, d.reason),
      " ",
      h("span", { class: "mono error-code", title: "ErrorCode as PutTraceSegments reports it" }, d.errorCode || "–"),
      h("span", { class: "muted" }, ` via ${d.transport || "?"} at `),
      h("span", { class: "nowrap" }, time(new Date(d.receivedAt))),
      d.id ? [h("span", { class: "muted" }, " · document id "), h("span", { class: "mono doc-id" }, d.id)] : null,
      o.traceId ? [h("span", { class: "muted" }, " · trace "), h("a", { class: "mono trace-link", href: href("trace/" + o.traceId) }, o.traceId)] : null,
    ),
    o.open ? excerpt : h("details", { class: "excerpt-box" }, h("summary", null, `Document excerpt (${d.excerpt.length} characters)`), excerpt),
  );
}
