// The query builder's text fields → a Honeycomb query specification
// (docs/query.md). Every parser throws a SpecError naming the field and the
// part it could not read, so the page can show it next to the form.

import type { Calculation, Having, QueryOrder, QuerySpec } from "./api";
import { columnUnit, durationIn, filters, isDuration, SpecError } from "./queryspec_where";

export { filterLine, filters, scalar, SpecError } from "./queryspec_where";

const fail = (field: string, part: string, why: string): never => {
  throw new SpecError(`${field}: "${part}": ${why}`, field);
};

/** The builder's fields as they are kept in the URL. */
export interface Builder {
  /** "spans" or "logs" (docs/query.md) */
  source: string;
  dataset: string;
  start: string;
  end: string;
  granularity: string;
  calcs: string;
  where: string;
  combine: string;
  groupBy: string;
  orderBy: string;
  having: string;
  limit: string;
}

export const BUILDER_DEFAULTS: Builder = {
  source: "spans", dataset: "all", start: "1h", end: "", granularity: "", calcs: "COUNT", where: "", combine: "AND", groupBy: "", orderBy: "", having: "", limit: "",
};

const UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, "µs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400 };

/** duration reads "1h30m", "15m", "2.5s", "7d" into seconds; null when it is not one. */
export function duration(s: string): number | null {
  const parts = isDuration(s) ? s.match(/\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d)/g) : null;
  if (!parts) return null;
  let sec = 0;
  for (const p of parts) {
    const [, n, u] = p.match(/^([\d.]+)(.+)$/)!;
    sec += Number(n) * UNITS[u];
  }
  return sec;
}

/**
 * pointInTime reads a time as the other pages' fields do (and the server's
 * parseTime): "now", "now-2h" or "2h" (that long ago), unix seconds or
 * milliseconds, RFC 3339. Returns unix seconds.
 */
export function pointInTime(field: string, s: string, nowSec: number): number {
  s = s.trim();
  if (s === "now") return nowSec;
  if (/^\d+$/.test(s)) return s.replace(/^0+/, "").length <= 11 ? Number(s) : Math.floor(Number(s) / 1000);
  const ago = duration(s.replace(/^now-/, ""));
  if (ago !== null) return nowSec - ago;
  const t = Date.parse(s);
  if (/^\d{4}-\d\d-\d\d/.test(s) && !isNaN(t)) return t / 1000;
  return fail(field, s, "want now, now-2h, 2h, unix seconds or RFC 3339");
}

/** timeSpec: a relative start with no end is a time_range ending at the server's now; else start_time/end_time. */
export function timeSpec(start: string, end: string, nowSec: number): Pick<QuerySpec, "time_range" | "start_time" | "end_time"> {
  start = start.trim() || "1h";
  end = end.trim();
  const rel = duration(start.replace(/^now-/, ""));
  if (!end && rel !== null) {
    if (rel < 1) fail("From", start, "the range must be at least 1s");
    return { time_range: Math.round(rel) };
  }
  const s = Math.floor(pointInTime("From", start, nowSec));
  const e = end ? Math.ceil(pointInTime("To", end, nowSec)) : Math.ceil(nowSec);
  if (e <= s) fail("To", end || "now", "is not after From");
  return { start_time: s, end_time: e };
}

/** splitTop splits on commas outside parentheses and quotes; empty parts are dropped. */
export function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0, quote = false, cur = "";
  for (const ch of s) {
    if (ch === '"') quote = !quote;
    else if (!quote && ch === "(") depth++;
    else if (!quote && ch === ")") depth--;
    if (ch === "," && depth === 0 && !quote) {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  out.push(cur.trim());
  return out.filter(Boolean);
}

const OPS = ["COUNT", "COUNT_DISTINCT", "SUM", "AVG", "MIN", "MAX", "HEATMAP"];
const isOp = (op: string) => OPS.includes(op) || /^P\d{2,3}$/.test(op);

/** calc reads "COUNT", "P99(duration_ms)"; null when the text is not shaped as a calculation. */
function calc(field: string, part: string): Calculation | null {
  const m = part.match(/^([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(\s*(.*?)\s*\))?$/);
  if (!m) return null;
  const op = m[1].toUpperCase();
  const column = m[2];
  if (!isOp(op)) return column === undefined ? null : fail(field, part, `unknown operation ${m[1]} (want COUNT, COUNT_DISTINCT, SUM, AVG, MIN, MAX, HEATMAP or P50…P999)`);
  if (op === "COUNT" && column) fail(field, part, "COUNT takes no column");
  if (op !== "COUNT" && !column) fail(field, part, `${op} needs a column, as in ${op}(duration_ms)`);
  return column ? { op, column } : { op };
}

/** calcName is the server's name of a calculation: COUNT, P99(duration_ms). */
export const calcName = (c: Calculation): string => (c.column ? `${c.op}(${c.column})` : c.op);

/** calculations reads VISUALIZE: "COUNT, P99(duration_ms), HEATMAP(duration_ms)". */
export function calculations(s: string): Calculation[] {
  const parts = splitTop(s);
  if (!parts.length) return [{ op: "COUNT" }];
  return parts.map((p) => calc("VISUALIZE", p) ?? fail("VISUALIZE", p, "want OP or OP(column), as in P99(duration_ms)"));
}

/** list reads a comma list of column names (GROUP BY). */
export const list = (s: string): string[] => splitTop(s);

/** orders reads ORDER BY: "P99(duration_ms) desc, service.name asc, COUNT". */
export function orders(s: string): QueryOrder[] {
  return splitTop(s).map((part) => {
    const m = part.match(/^(.*?)(?:\s+(asc|desc|ascending|descending))?$/i)!;
    const what = m[1].trim();
    const order = m[2] ? (m[2].toLowerCase().startsWith("asc") ? "ascending" : "descending") : undefined;
    if (!what) fail("ORDER BY", part, "names no calculation or column");
    const c = calc("ORDER BY", what);
    return c ? { ...c, order } : { column: what, order };
  });
}

/** havings reads HAVING: "COUNT > 10, P99(duration_ms) >= 500". */
export function havings(s: string): Having[] {
  return splitTop(s).map((part) => {
    const m = part.match(/^(.+?)\s*(!=|>=|<=|=|>|<)\s*(\S+)$/);
    const c = m && calc("HAVING", m[1].trim());
    if (!m || !c) return fail("HAVING", part, "want CALCULATION op number, as in COUNT > 10");
    const unit = c.column ? columnUnit(c.column) : null;
    const value = unit && isDuration(m[3]) ? durationIn(m[3], unit)! : Number(m[3]);
    if (!Number.isFinite(value)) fail("HAVING", part, `${m[3]} is not a number${unit ? " or a duration" : ""}`);
    return { calculate_op: c.op, column: c.column, op: m[2], value };
  });
}

function positiveInt(field: string, s: string): number | undefined {
  s = s.trim();
  if (!s) return undefined;
  const n = Number(s);
  return Number.isInteger(n) && n > 0 ? n : fail(field, s, "want a positive whole number");
}

/** granularity reads seconds ("60") or a duration ("1m"). */
function granularity(s: string): number | undefined {
  s = s.trim();
  if (!s) return undefined;
  const d = /^\d+$/.test(s) ? Number(s) : duration(s);
  return d !== null && d >= 1 && Number.isInteger(d) ? d : fail("Granularity", s, "want whole seconds (60) or a duration (1m)");
}

/** spec compiles the builder's fields; throws SpecError naming the bad part. */
export function spec(b: Builder, nowSec = Date.now() / 1000): QuerySpec {
  const combine = b.combine.toUpperCase() === "OR" ? "OR" : "AND";
  const s: QuerySpec = { ...timeSpec(b.start, b.end, nowSec), calculations: calculations(b.calcs) };
  const g = granularity(b.granularity);
  if (g) s.granularity = g;
  const fs = filters(b.where, b.source);
  if (fs.length) (s.filters = fs), (s.filter_combination = combine);
  const bd = list(b.groupBy);
  if (bd.length) s.breakdowns = bd;
  const od = orders(b.orderBy);
  if (od.length) s.orders = od;
  const hv = havings(b.having);
  if (hv.length) s.havings = hv;
  const lim = positiveInt("LIMIT", b.limit);
  if (lim) s.limit = lim;
  return s;
}
