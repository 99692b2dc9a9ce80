import type { AnyValue, KeyValue, OtlpSpan, TraceData } from "./api";

/** Row is one span of the waterfall, in tree order. */
export interface Row {
  span: OtlpSpan;
  service: string;
  resource: KeyValue[];
  scope: string;
  depth: number;
  /** offset and duration from the trace's first start, in ms */
  startMs: number;
  durMs: number;
  /** the parent id names a span that is not in the trace */
  orphan: boolean;
}

export const KINDS = ["unspecified", "internal", "server", "client", "producer", "consumer"];

/** anyValue renders an OTLP AnyValue as plain text. */
export function anyValue(v: AnyValue | undefined): string {
  if (!v) return "";
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return String(v.intValue);
  if (v.doubleValue !== undefined) return String(v.doubleValue);
  if (v.boolValue !== undefined) return String(v.boolValue);
  if (v.bytesValue !== undefined) return v.bytesValue;
  if (v.arrayValue) return "[" + (v.arrayValue.values ?? []).map(anyValue).join(", ") + "]";
  if (v.kvlistValue) return "{" + (v.kvlistValue.values ?? []).map((kv) => `${kv.key}: ${anyValue(kv.value)}`).join(", ") + "}";
  return "";
}

export function attr(kvs: KeyValue[] | undefined, key: string): string | undefined {
  const kv = kvs?.find((a) => a.key === key);
  return kv ? anyValue(kv.value) : undefined;
}

/**
 * rows flattens a trace into waterfall rows: parents before children,
 * siblings by start time. Spans whose parent is missing are drawn as roots
 * and marked orphan.
 */
export function rows(t: TraceData): { rows: Row[]; totalMs: number; start: bigint; end: bigint } {
  const all: Omit<Row, "depth" | "startMs" | "durMs" | "orphan">[] = [];
  for (const rs of t.resourceSpans ?? []) {
    const resource = rs.resource?.attributes ?? [];
    const service = attr(resource, "service.name") ?? "";
    for (const ss of rs.scopeSpans ?? []) {
      for (const span of ss.spans ?? []) all.push({ span, service, resource, scope: ss.scope?.name ?? "" });
    }
  }
  if (!all.length) return { rows: [], totalMs: 0, start: 0n, end: 0n };
  let start = BigInt(all[0].span.startTimeUnixNano);
  let end = BigInt(all[0].span.endTimeUnixNano || all[0].span.startTimeUnixNano);
  for (const r of all) {
    const s = BigInt(r.span.startTimeUnixNano);
    const e = BigInt(r.span.endTimeUnixNano || r.span.startTimeUnixNano);
    if (s < start) start = s;
    if (e > end) end = e;
  }
  const ids = new Set(all.map((r) => r.span.spanId));
  const children = new Map<string, typeof all>();
  const roots: typeof all = [];
  for (const r of all) {
    const p = r.span.parentSpanId;
    if (p && ids.has(p) && p !== r.span.spanId) {
      if (!children.has(p)) children.set(p, []);
      children.get(p)!.push(r);
    } else roots.push(r);
  }
  const byStart = (a: (typeof all)[0], b: (typeof all)[0]) => {
    const d = BigInt(a.span.startTimeUnixNano) - BigInt(b.span.startTimeUnixNano);
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  };
  const out: Row[] = [];
  const seen = new Set<string>();
  const walk = (r: (typeof all)[0], depth: number) => {
    if (seen.has(r.span.spanId)) return; // a cycle in bad data
    seen.add(r.span.spanId);
    const s = BigInt(r.span.startTimeUnixNano);
    const e = BigInt(r.span.endTimeUnixNano || r.span.startTimeUnixNano);
    out.push({
      ...r,
      depth,
      startMs: Number(s - start) / 1e6,
      durMs: Number(e - s) / 1e6,
      orphan: !!r.span.parentSpanId && !ids.has(r.span.parentSpanId),
    });
    for (const c of (children.get(r.span.spanId) ?? []).sort(byStart)) walk(c, depth + 1);
  };
  for (const r of roots.sort(byStart)) walk(r, 0);
  for (const r of all) if (!seen.has(r.span.spanId)) walk(r, 0);
  return { rows: out, totalMs: Number(end - start) / 1e6, start, end };
}
