// The query builder's WHERE field → Honeycomb filters (docs/query.md), read
// exactly or refused with a SpecError pointing at the token, and filters back
// to WHERE lines. Also the refusal type every builder parser throws.

import type { Filter, Scalar } from "./api";

/**
 * SpecError names the field and the part it could not read; for WHERE it
 * also points at the token: its text and its offset in the field's text.
 */
export class SpecError extends Error {
  constructor(
    message: string,
    public field = "",
    public token = "",
    public at = -1,
  ) {
    super(message);
  }
}

const DURATION_RE = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d))+$/;

/** isDuration tells text written as a duration: "1s", "250ms", "1.5m", "1h30m". */
export const isDuration = (s: string): boolean => DURATION_RE.test(s);

/** scalar types a value: numbers and true/false as JSON, "quoted" as a string, anything else as text. */
export function scalar(s: string): Scalar {
  s = s.trim();
  if (isQuoted(s)) {
    try {
      return JSON.parse(s) as string;
    } catch {
      return s.slice(1, -1);
    }
  }
  if (s === "true" || s === "false") return s === "true";
  if (isNumber(s)) return Number(s);
  return s;
}

const isQuoted = (s: string) => /^".*"$/.test(s);
const isNumber = (s: string) => s !== "" && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s);

const SYM_OPS = ["=", "!=", ">", ">=", "<", "<="];
const WORD_OPS = ["does-not-exist", "exists", "does-not-contain", "contains", "does-not-start-with", "starts-with", "not-in", "in"];
const ORDERED = [">", ">=", "<", "<="];
const TEXT_OPS = ["contains", "does-not-contain", "starts-with", "does-not-start-with"];
const OPS_HELP = `one of ${SYM_OPS.join(" ")} ${WORD_OPS.join(" ")}`;

/** FieldType: the type the query API declares for a field of the source (docs/query.md); other columns are attributes. */
type FieldType = "number" | "boolean";
const FIELD_TYPES: Record<string, Record<string, FieldType>> = {
  spans: { duration_ms: "number", status_code: "number", error: "boolean" },
  logs: { severity_number: "number" },
};

/** NANOS: nanoseconds per duration unit, exact in a double. */
const NANOS: Record<string, number> = { ns: 1, us: 1e3, "µs": 1e3, ms: 1e6, s: 1e9, m: 6e10, h: 3.6e12, d: 8.64e13 };

/** columnUnit: the time unit a column's name gives its numbers (duration_ms, latency_ms, wait_us, took_seconds); null when none. */
export function columnUnit(column: string): string | null {
  const m = column.match(/_(ns|us|µs|ms|s|sec|secs|seconds)$/);
  if (!m) return null;
  return ["sec", "secs", "seconds"].includes(m[1]) ? "s" : m[1];
}

/** durationIn reads a duration ("1s", "1.5m", "1h30m") in a unit ("ms"), rounded to a millionth of the unit. */
export function durationIn(s: string, unit: string): number | null {
  if (!isDuration(s)) return null;
  let ns = 0;
  for (const p of s.match(/\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d)/g) ?? []) {
    const [, n, u] = p.match(/^([\d.]+)(.+)$/)!;
    ns += Number(n) * NANOS[u];
  }
  return Math.round((ns / NANOS[unit]) * 1e6) / 1e6;
}

/** Token is a part of a WHERE line and its offset in the WHERE text. */
interface Token {
  text: string;
  at: number;
}

/**
 * filters reads WHERE, one filter a line: "http.route = /api/orders",
 * "http.status_code >= 500", "error exists", "x in 1, 2", "duration_ms > 1s".
 * A line is read exactly or refused: the operator must be one of the
 * operators, a duration ("1s", "250ms") is converted to the unit of a column
 * named for one (duration_ms, *_ms, *_us, *_s) and refused on any other, a
 * value on a typed field (duration_ms, status_code, error; severity_number of
 * logs) must have its type, and >, >=, <, <= take a number or a "quoted" text.
 * The SpecError points at the token it could not read.
 */
export function filters(text: string, source = "spans"): Filter[] {
  const out: Filter[] = [];
  let offset = 0;
  for (const raw of text.split("\n")) {
    const lineAt = offset;
    offset += raw.length + 1;
    const lead = raw.length - raw.trimStart().length;
    const line = raw.trim();
    if (!line) continue;
    const refuse = (tok: Token, why: string): never => {
      throw new SpecError(`WHERE: "${line}": ${why}`, "WHERE", tok.text, tok.at);
    };
    const at = (i: number) => lineAt + lead + i;
    // The column: up to a space or an operator character.
    const col = line.match(/^[^\s=!<>]+/);
    if (!col) refuse({ text: line.slice(0, 1), at: at(0) }, `a filter starts with a column name, as in "http.route = /api/orders"`);
    const column = col![0];
    let i = column.length;
    while (line[i] === " " || line[i] === "\t") i++;
    if (i >= line.length) refuse({ text: column, at: at(0) }, `${column} needs an operator (${OPS_HELP})`);
    const opTok: Token = { text: /[=!<>~]/.test(line[i]) ? line.slice(i).match(/^[=!<>~]+/)![0] : line.slice(i).match(/^\S+/)![0], at: at(i) };
    const op = opTok.text.toLowerCase();
    if (!SYM_OPS.includes(op) && !WORD_OPS.includes(op)) {
      const hint = opTok.text === "==" ? ' (equality is a single "=")' : "";
      refuse(opTok, `"${opTok.text}" is not an operator${hint}; want ${OPS_HELP}`);
    }
    i += opTok.text.length;
    while (line[i] === " " || line[i] === "\t") i++;
    const rest = line.slice(i);
    const restTok: Token = { text: rest, at: at(i) };
    const ft = FIELD_TYPES[source === "logs" ? "logs" : "spans"][column];
    if (op === "exists" || op === "does-not-exist") {
      if (rest) refuse(restTok, `${op} takes no value`);
      out.push({ column, op });
      continue;
    }
    if (ft && TEXT_OPS.includes(op)) refuse(opTok, `${op} compares text, and ${column} is ${ft === "number" ? "a number" : "true or false"}`);
    if (ft === "boolean" && ORDERED.includes(op)) refuse(opTok, `${column} is true or false: use = or !=`);
    if (!rest) refuse({ text: opTok.text, at: opTok.at }, op === "in" || op === "not-in" ? `${op} needs values, as in "x ${op} 1, 2"` : `${op} needs a value (write "" for the empty string)`);
    const many = op === "in" || op === "not-in";
    const parts: Token[] = many ? splitTokens(rest, at(i)) : [restTok];
    const vals = parts.map((p) => value(column, op, p, ft, refuse));
    out.push({ column, op, value: many ? vals : vals[0] });
  }
  return out;
}

/** splitTokens splits a value list on top-level commas, keeping each part's offset. */
function splitTokens(s: string, at: number): Token[] {
  const out: Token[] = [];
  let start = 0;
  const push = (end: number) => {
    const part = s.slice(start, end);
    const t = part.trim();
    if (t) out.push({ text: t, at: at + start + part.indexOf(t) });
  };
  let quote = false, depth = 0;
  for (let k = 0; k < s.length; k++) {
    const ch = s[k];
    if (ch === '"') quote = !quote;
    else if (!quote && ch === "(") depth++;
    else if (!quote && ch === ")") depth--;
    else if (ch === "," && !quote && depth === 0) {
      push(k);
      start = k + 1;
    }
  }
  push(s.length);
  return out;
}

/** value reads one WHERE value for a filter on column with op, or refuses it at its token. */
function value(column: string, op: string, tok: Token, ft: FieldType | undefined, refuse: (t: Token, why: string) => never): Scalar {
  const s = tok.text;
  if (isQuoted(s)) {
    if (ft === "number") refuse(tok, `${column} is a number: write ${s.slice(1, -1) || "a number"} without quotes${columnUnit(column) ? `, or a duration such as 1s` : ""}`);
    if (ft === "boolean") refuse(tok, `${column} is true or false, without quotes`);
    return scalar(s);
  }
  if (/^[=!<>~]/.test(s)) refuse({ text: s.match(/^[=!<>~]+/)![0], at: tok.at }, `the value starts with "${s.match(/^[=!<>~]+/)![0]}": a doubled operator? Quote the value if it is meant`);
  if (isDuration(s)) {
    const unit = columnUnit(column);
    if (!unit) refuse(tok, `${s} is a duration, but ${column} has no unit in its name (as duration_ms has); give a number, or "${s}" in quotes to compare text`);
    return durationIn(s, unit!)!;
  }
  const v = scalar(s);
  if (ft === "number" && typeof v !== "number") refuse(tok, `${column} is a number${columnUnit(column) ? ` of ${columnUnit(column)}: give one, or a duration such as 1s` : ": give one"}`);
  if (ft === "boolean" && typeof v !== "boolean") refuse(tok, `${column} is true or false`);
  if (ORDERED.includes(op) && typeof v !== "number") refuse(tok, `${op} compares numbers, and ${s} is not one; write "${s}" in quotes to compare text`);
  return v;
}

/** text writes a value of a filter with op so that filters() reads it back the same. */
function text(v: Scalar, op: string, inList = false): string {
  if (typeof v !== "string") return String(v);
  // Text that reads back as the same number or boolean stays plain: the
  // server compares a number as a number and a boolean as "true"/"false".
  const plain = v !== "" && String(scalar(v)) === v && !isDuration(v) && !/^[=!<>~]/.test(v) && !(inList && /[,"()]/.test(v)) && !ORDERED.includes(op);
  return plain ? v : JSON.stringify(v);
}

/** filterLine writes a filter as a WHERE line (the inverse of filters). */
export function filterLine(f: Filter): string {
  if (f.value === undefined) return `${f.column} ${f.op}`;
  const v = Array.isArray(f.value) ? f.value.map((x) => text(x, f.op, true)).join(", ") : text(f.value, f.op);
  return `${f.column} ${f.op} ${v}`;
}

