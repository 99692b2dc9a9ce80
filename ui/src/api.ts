// Typed access to Lookout's JSON API (same origin). Shapes: docs/api.md,
// docs/errors.md, docs/xray-api.md, docs/cloudwatch-logs.md, docs/query.md.

export class ApiError extends Error {
  constructor(
    public status: number,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = "lookout.rollbarToken";

/** rollbarToken is the read token sent to the Rollbar API once any token exists. */
export function rollbarToken(): string {
  return localStorage.getItem(TOKEN_KEY) ?? "";
}
export function setRollbarToken(t: string): void {
  if (t) localStorage.setItem(TOKEN_KEY, t);
  else localStorage.removeItem(TOKEN_KEY);
}

export async function getJSON<T>(path: string, params: Record<string, string | undefined> = {}, init: RequestInit = {}): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const qs = q.toString();
  const headers = new Headers(init.headers);
  headers.set("Accept", "application/json");
  if (path.startsWith("/api/1/") && rollbarToken()) headers.set("X-Rollbar-Access-Token", rollbarToken());
  const res = await fetch(path + (qs ? "?" + qs : ""), { ...init, headers });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Logs are streamed; a broken stream shows as a parse error below.
  }
  if (!res.ok) {
    const b = body as { error?: string; message?: string } | null;
    // A plain-text answer ("404 page not found") already starts with its status.
    throw new ApiError(res.status, `${res.status}: ${b?.error ?? b?.message ?? (text.replace(/^\d{3}\s+/, "").slice(0, 200) || res.statusText)}`);
  }
  if (body === null && text) throw new ApiError(res.status, "invalid JSON from " + path);
  return body as T;
}

/** rollbar unwraps Rollbar's {"err":0,"result":...} envelope. */
export async function rollbar<T>(path: string, params: Record<string, string | undefined> = {}, init: RequestInit = {}): Promise<T> {
  const b = await getJSON<{ err: number; result: T; message?: string }>(path, params, init);
  if (b.err !== 0) throw new ApiError(200, b.message ?? "rollbar error");
  return b.result;
}

// --- traces

export interface TraceHit {
  traceID: string;
  rootServiceName: string;
  rootTraceName: string;
  startTimeUnixNano: string;
  durationMs: number;
  spanCount: number;
  errorCount: number;
}

export interface Service {
  name: string;
  spanCount: number;
  logCount: number;
}

export interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  bytesValue?: string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
}
export interface KeyValue {
  key: string;
  value?: AnyValue;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: KeyValue[];
  events?: { timeUnixNano: string; name: string; attributes?: KeyValue[] }[];
  links?: { traceId: string; spanId: string }[];
  status?: { code?: number; message?: string };
}

export interface TraceData {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: { scope?: { name?: string; version?: string }; spans?: OtlpSpan[] }[];
  }[];
}

export interface LintFinding {
  rule: string;
  severity: string;
  spanId?: string;
  name?: string;
  service?: string;
  path?: string;
  parentId?: string;
  message: string;
  skewMillis?: number;
  /** the refused X-Ray document of a rejected-document finding */
  document?: RejectedDocument;
  [k: string]: unknown;
}
/** RejectedDocument is a segment document the X-Ray receiver refused (internal/tracelint/rejected.go). */
export interface RejectedDocument {
  id?: string;
  traceId?: string;
  reason: string;
  errorCode: string;
  transport: string;
  excerpt: string;
  receivedAt: string;
}
export interface LintReport {
  traceId: string;
  spans: number;
  replaced: number;
  findings: LintFinding[] | null;
}

export interface TraceError {
  occurrenceId: number;
  itemId: number;
  counter: number;
  project: string;
  timestamp: string;
  level: string;
  environment: string;
  title: string;
  class?: string;
  message?: string;
  itemStatus: string;
}

// --- logs

export interface LogLine {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: unknown;
  eventName?: string;
  attributes?: Record<string, unknown>;
  traceID?: string;
  spanID?: string;
  service: string;
  logGroup?: string;
  logStream?: string;
  resource?: Record<string, unknown>;
}

// --- errors

export const LEVELS = ["critical", "error", "warning", "info", "debug"] as const;

export interface Item {
  id: number;
  counter: number;
  environment: string;
  environments: string[] | null;
  title: string;
  level: string;
  status: string;
  first_occurrence_timestamp: number;
  last_occurrence_timestamp: number;
  total_occurrences: number;
  last_resolved_timestamp: number | null;
  resolved_in_version: string | null;
  level_lock: number;
  title_lock: number;
  notifier_level: string | null;
  platform?: string;
  framework?: string;
  hash?: string;
}
export interface ItemList {
  items: Item[];
  total_count: number;
  page: number;
  level_counts: Record<string, number>;
  hidden_by_level_filter: Record<string, number>;
}
export interface Instance {
  id: number;
  item_id: number;
  timestamp: number;
  data: Record<string, unknown>;
}

// --- log groups and status

export interface LogGroup {
  name: string;
  creationTime: number;
  retentionInDays?: number;
  storedBytes: number;
  warning?: string;
}

export interface StreamStatus {
  project: string;
  kind: string;
  service: string;
  storedRows: number;
  storedBytes: number;
  newestItem?: string;
  acceptedSinceStart: number;
  lastAccepted?: string;
  silentForSeconds?: number;
  rejected?: Record<string, { count: number; lastMessage: string; last: string }>;
}
export interface Status {
  version: string;
  startedAt: string;
  retention: string;
  budgetBytes: number;
  storeBytes: number;
  partitions: { name: string; start: string; end: string; bytes: number }[] | null;
  streams: StreamStatus[] | null;
}

// --- queries (docs/query.md)

/** postJSON sends a JSON body and reads a JSON answer (errors as getJSON). */
export function postJSON<T>(path: string, params: Record<string, string | undefined>, body: unknown): Promise<T> {
  return getJSON<T>(path, params, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

export type Scalar = string | number | boolean;

export interface Calculation {
  op: string;
  column?: string;
}
export interface Filter {
  column: string;
  op: string;
  value?: Scalar | Scalar[];
}
export interface QueryOrder {
  op?: string;
  column?: string;
  order?: "ascending" | "descending";
}
export interface Having {
  calculate_op: string;
  column?: string;
  op: string;
  value: number;
}

/** QuerySpec is Honeycomb's query specification (times in unix seconds). */
export interface QuerySpec {
  time_range?: number;
  start_time?: number;
  end_time?: number;
  granularity?: number;
  calculations?: Calculation[];
  filters?: Filter[];
  filter_combination?: "AND" | "OR";
  breakdowns?: string[];
  orders?: QueryOrder[];
  havings?: Having[];
  limit?: number;
}

/** QueryData maps breakdowns to their values and calculations to a number, null (no numeric value) or HEATMAP counts. */
export type QueryData = Record<string, Scalar | null | number[]>;

export interface QueryResult {
  query: { dataset: string; source?: string; start_time: number; end_time: number; granularity: number; calculations: string[]; breakdowns: string[] };
  results: { data: QueryData }[];
  series: { time: string; data: QueryData }[];
  heatmaps?: { name: string; min: number; max: number; buckets: number; bucket_width: number }[];
}
export type HeatmapAxis = NonNullable<QueryResult["heatmaps"]>[number];

export interface Column {
  name: string;
  type: "string" | "integer" | "float" | "boolean";
  source: "span" | "log" | "point" | "metric" | "attribute" | "resource" | "event";
  description?: string;
  count?: number;
  cardinality?: number;
}

/** Selection is a BubbleUp region: [start_time, end_time) × [min, max] of column, and/or filters. */
export interface Selection {
  start_time?: number;
  end_time?: number;
  column?: string;
  min?: number;
  max?: number;
  filters?: Filter[];
  filter_combination?: "AND" | "OR";
}

export interface BubbleUpValue {
  value: Scalar | null;
  /** upper bound of a binned value, which covers [value, max) */
  max?: number;
  inside: number;
  outside: number;
  inside_fraction: number;
  outside_fraction: number;
}
export interface BubbleUpColumn {
  column: string;
  score: number;
  binned?: boolean;
  values: BubbleUpValue[];
}
export interface BubbleUpResult {
  inside: number;
  outside: number;
  columns: BubbleUpColumn[];
}

const ds = (dataset: string) => ({ dataset: dataset || "all" });

/** QuerySource is what a query reads: spans (the default), log events or metric points. */
export type QuerySource = "spans" | "logs" | "metrics";

export function runQuery(dataset: string, spec: QuerySpec, source: QuerySource = "spans"): Promise<QueryResult> {
  return postJSON<QueryResult>("/api/query", { ...ds(dataset), source }, spec);
}

export function bubbleUp(dataset: string, q: QuerySpec, selection: Selection): Promise<BubbleUpResult> {
  return postJSON<BubbleUpResult>("/api/bubbleup", ds(dataset), { query: q, selection });
}

/** columns lists the dataset's columns (span or log fields, attributes, span events) seen between start and end. */
export async function columns(dataset: string, start: string, end: string, source: QuerySource = "spans"): Promise<Column[]> {
  const r = await getJSON<{ columns: Column[] | null }>("/api/columns", { ...ds(dataset), source, start, end });
  return r.columns ?? [];
}

// --- service health (internal/tracelint/http.go, naming.go; docs/xray-api.md)

export interface ServiceLint {
  service: string;
  start: string;
  end: string;
  tracesChecked: number;
  truncated: boolean; // more traces exist than were checked
  counts: Record<string, number>; // findings per rule, rejected-document included
  traces: LintReport[] | null; // traces with findings, newest first (up to 100)
  rejected: LintFinding[] | null; // refused documents, newest first (up to 100)
  rejectedTruncated: boolean;
}

export interface NameSeen {
  name: string;
  count: number;
  lastSeen: string;
  hosts: string[] | null;
  fromHost: boolean; // the name equals a request's Host header: dynamic segment naming
  /** why the process used this name (e.g. the Host did not match the dynamic-naming pattern) */
  reason?: string;
  scope: string;
}
/** NamingService is one service instance ("instance <id>", "port <n>" or "name <name>") with the names its segments had. */
export interface NamingService {
  key: string;
  /** how its segments arrived ("udp"); absent for an OpenTelemetry service */
  source?: string;
  /** the service.name values its spans carried */
  serviceNames?: string[] | null;
  names: NameSeen[] | null;
  /** the sampling clients (GetSamplingTargets ClientID) the process polls with */
  samplingClients?: string[] | null;
  note?: string;
  total: number;
}

/** window params: unix seconds (the lint endpoints read no "1h"). */
const win = (start: number, end: number) => ({ start: String(Math.floor(start)), end: String(Math.ceil(end)) });

export function serviceLint(service: string, start: number, end: number): Promise<ServiceLint> {
  return getJSON<ServiceLint>(`/api/services/${encodeURIComponent(service)}/lint`, win(start, end));
}

export async function xrayNaming(start: number, end: number): Promise<NamingService[]> {
  const r = await getJSON<{ services: NamingService[] | null }>("/api/xray/naming", win(start, end));
  return r.services ?? [];
}

// --- service map (internal/api/servicemap.go)

/** MapStats count requests by outcome (each one of ok, errors (4xx), throttles (429), faults (5xx)) with durations in ms. */
export interface MapStats {
  requests: number;
  ok: number;
  errors: number;
  throttles: number;
  faults: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}
export interface MapNode extends MapStats {
  id: number;
  name: string;
  type: string;
  /** where traces enter */
  client: boolean;
  /** known only from its callers' CLIENT spans */
  inferred: boolean;
}
export interface MapEdge extends MapStats {
  from: number;
  to: number;
}
export interface ServiceMap {
  start: string;
  end: string;
  traces: number;
  limit: number;
  truncated: boolean;
  nodes: MapNode[];
  edges: MapEdge[];
}

export function serviceMap(start: string, end: string): Promise<ServiceMap> {
  return getJSON<ServiceMap>("/api/servicemap", { start, end });
}
