// The Logs page's log-group view: how many events a CloudWatch Logs group
// holds per stream and severity. GET /api/logs has no log-group parameter,
// so the counts come from the query API over log events (log.group = name).

import { runQuery, type QueryResult, type QuerySpec } from "../api";
import { errorBox, h, loading, mount, table } from "../dom";
import { timeSpec } from "../queryspec";
import { href } from "../router";

const STREAM = "log.stream";
const SEVERITY = "severity_text";

/**
 * groupCounts shows the group's event counts per stream and severity in the
 * window [start, end) (the Logs page's fields), in box: a new one, or the
 * one it returned before, whose counts stay until the new ones arrive.
 */
export function groupCounts(group: string, start: string, end: string, box = h("section", { id: "group-counts" }, h("h2", null, "Events per stream and severity"), loading())): HTMLElement {
  const filters = [{ column: "log.group", op: "=", value: group }];
  let spec: QuerySpec;
  try {
    spec = { ...timeSpec(start, end, Date.now() / 1000), calculations: [{ op: "COUNT" }], filters, breakdowns: [STREAM, SEVERITY], orders: [{ column: STREAM, order: "ascending" }, { column: SEVERITY, order: "ascending" }], limit: 1000 };
  } catch (err) {
    mount(box, errorBox(err));
    return box;
  }
  runQuery("all", spec, "logs")
    .then((r) => mount(box, h("h2", null, "Events per stream and severity"), countsTable(group, r, start, end)))
    .catch((err) => mount(box, h("h2", null, "Events per stream and severity"), errorBox(err)));
  return box;
}

function countsTable(group: string, r: QueryResult, start: string, end: string): HTMLElement {
  const rows = r.results.map((x) => x.data);
  if (!rows.length) return h("p", { class: "empty" }, "No events of this group in this window.");
  const text = (v: unknown) => (v === null || v === undefined || v === "" ? "" : String(v));
  const total = rows.reduce((a, d) => a + Number(d.COUNT ?? 0), 0);
  const streams = new Set(rows.map((d) => text(d[STREAM])));
  // The same counts as a query, to refine (by time, by a field of the body...).
  const query = href("query", {
    source: "logs", start, end, calcs: "COUNT", where: `log.group = ${JSON.stringify(group)}`, group: `${STREAM}, ${SEVERITY}`,
  });
  return h(
    "div",
    null,
    h("div", { class: "muted small", id: "group-total" }, `${total} event${total === 1 ? "" : "s"} in ${streams.size} stream${streams.size === 1 ? "" : "s"} · `, h("a", { href: query }, "open as a query →")),
    table(
      ["Stream", "Severity", "Events"],
      rows.map((d) =>
        h(
          "tr",
          { class: "group-count", "data-stream": text(d[STREAM]), "data-severity": text(d[SEVERITY]) },
          h("td", { class: "mono" }, text(d[STREAM]) || h("span", { class: "muted" }, "(no stream)")),
          h("td", null, text(d[SEVERITY]) || h("span", { class: "muted" }, "(none)")),
          h("td", { class: "num", "data-count": Number(d.COUNT ?? 0) }, Number(d.COUNT ?? 0)),
        ),
      ),
      "group-counts",
    ),
  );
}
