// Hash routing: "#/trace/<id>?x=y". Hash routes need no server support, and
// the Go handler still answers unknown paths with index.html.

export interface Route {
  parts: string[];
  params: URLSearchParams;
}

export function current(): Route {
  const raw = location.hash.replace(/^#\/?/, "");
  const [path, query = ""] = raw.split("?", 2);
  return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query) };
}

/** RANGE_PAGES read the shared time range ("start", "end"); links to them carry it. */
export const RANGE_PAGES = new Set(["traces", "service", "map", "query", "logs", "metrics"]);

/** DEFAULT_START: the range of a page opened without one, before any was chosen. */
export const DEFAULT_START = "1h";

export interface Range {
  start: string;
  end: string;
}

const RANGE_KEY = "lookout.range";

/** rememberRange keeps the range last shown for the session (see carriedRange). */
export function rememberRange(r: Range): void {
  sessionStorage.setItem(RANGE_KEY, JSON.stringify(r));
}

/**
 * carriedRange is the range a link to a range page carries: the current
 * page's when its hash has one, else the one last shown this session, so
 * passing through a page without a range (a trace, an error) keeps it.
 */
export function carriedRange(): Range {
  const { parts, params } = current();
  if (RANGE_PAGES.has(parts[0] ?? "traces") && (params.has("start") || params.has("end"))) {
    return { start: params.get("start") || DEFAULT_START, end: params.get("end") ?? "" };
  }
  try {
    const r = JSON.parse(sessionStorage.getItem(RANGE_KEY) ?? "null") as Range | null;
    if (r && typeof r.start === "string" && typeof r.end === "string") return r;
  } catch {
    // a damaged entry: the default
  }
  return { start: DEFAULT_START, end: "" };
}

/**
 * href builds a hash link; empty parameters are left out. A link to a
 * range page that names neither start nor end carries the current range.
 */
export function href(path: string, params: Record<string, string | undefined> = {}): string {
  if (RANGE_PAGES.has(path.split("/")[0]) && !("start" in params) && !("end" in params)) {
    const r = carriedRange();
    params = { start: r.start === DEFAULT_START ? undefined : r.start, end: r.end || undefined, ...params };
  }
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const qs = q.toString();
  return "#/" + path + (qs ? "?" + qs : "");
}

/** serviceHref links a service's health page (with the current range). */
export function serviceHref(service: string, params: Record<string, string | undefined> = {}): string {
  return href("service/" + encodeURIComponent(service), params);
}

export function go(path: string, params: Record<string, string | undefined> = {}): void {
  location.hash = href(path, params);
}
