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

/** href builds a hash link; empty parameters are left out. */
export function href(path: string, params: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const qs = q.toString();
  return "#/" + path + (qs ? "?" + qs : "");
}

/** serviceHref links a service's health page. */
export function serviceHref(service: string, params: Record<string, string | undefined> = {}): string {
  return href("service/" + encodeURIComponent(service), params);
}

export function go(path: string, params: Record<string, string | undefined> = {}): void {
  location.hash = href(path, params);
}
