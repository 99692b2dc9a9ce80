import { ApiError, LEVELS, rollbar, rollbarToken, setRollbarToken, type Instance, type Item, type ItemList } from "../api";
import { errorBox, h, loading, mount, time } from "../dom";
import { go, href } from "../router";

const STATUSES = ["active", "resolved", "muted", "archived"];
const when = (sec: number | null) => (sec ? time(new Date(sec * 1000)) : "–");

/** tokenBox asks for a read token once the server has left open local mode. */
function tokenBox(err: unknown): HTMLElement | null {
  if (!(err instanceof ApiError) || (err.status !== 401 && err.status !== 403)) return null;
  const input = h("input", { size: 34, placeholder: "Rollbar access token with read scope", value: rollbarToken() });
  return h(
    "form",
    { class: "alert warn", onsubmit: (e: Event) => (e.preventDefault(), setRollbarToken(input.value.trim()), dispatchEvent(new HashChangeEvent("hashchange"))) },
    "Access tokens exist on this server, so reading errors needs one (kept in this browser only). ",
    input,
    h("button", { type: "submit" }, "Use token"),
  );
}

/**
 * errorsPage lists items. Levels never hide data silently: the default is
 * every level, and each level button shows how many items it has and the
 * banner says how many the current level filter hides.
 */
export async function errorsPage(root: HTMLElement, params: URLSearchParams, alive: () => boolean): Promise<void> {
  const level = params.get("level") ?? "";
  const status = params.get("status") ?? "";
  const env = params.get("environment") ?? "";
  const page = params.get("page") ?? "1";
  mount(root, h("h1", null, "Errors"), loading());
  let list: ItemList;
  try {
    list = await rollbar<ItemList>("/api/1/items", { level, status, environment: env, page });
  } catch (err) {
    if (alive()) mount(root, h("h1", null, "Errors"), tokenBox(err) ?? errorBox(err));
    return;
  }
  if (!alive()) return;
  const nav = (o: Record<string, string>) => go("errors", { level, status, environment: env, ...o, page: o.page ?? "" });
  const counts = list.level_counts ?? {};
  const hidden = Object.entries(list.hidden_by_level_filter ?? {}).filter(([, n]) => n > 0);
  const levelBar = h(
    "div",
    { class: "toolbar chips", id: "level-filter" },
    h("span", { class: "muted" }, "Level:"),
    h("button", { class: level ? "" : "on", onclick: () => nav({ level: "" }) }, `all (${Object.values(counts).reduce((a, b) => a + b, 0)})`),
    LEVELS.map((l) => h("button", { class: (level.split(",").includes(l) ? "on " : "") + "lvl-" + l, onclick: () => nav({ level: l }) }, `${l} (${counts[l] ?? 0})`)),
    h("span", { class: "muted" }, " Status:"),
    h("button", { class: status ? "" : "on", onclick: () => nav({ status: "" }) }, "any"),
    STATUSES.map((s) => h("button", { class: status === s ? "on" : "", onclick: () => nav({ status: s }) }, s)),
    env ? h("button", { class: "on", onclick: () => nav({ environment: "" }) }, `environment ${env} ✕`) : null,
  );
  const hiddenBanner = hidden.length
    ? h(
        "div",
        { class: "alert warn", id: "hidden-by-level" },
        `The level filter hides ${hidden.reduce((a, [, n]) => a + n, 0)} item(s): `,
        hidden.map(([l, n]) => `${n} ${l}`).join(", "),
        ". ",
        h("a", { href: href("errors", { status, environment: env }) }, "Show all levels"),
      )
    : null;
  const rows = list.items.map((it) =>
    h(
      "tr",
      { class: "item-row" },
      h("td", { class: "num" }, "#" + it.counter),
      h("td", null, h("span", { class: "badge " + it.level }, it.level)),
      h("td", null, h("a", { href: href("errors/" + it.id) }, it.title), it.notifier_level ? h("span", { class: "muted small" }, ` (notifier reports ≥ ${it.notifier_level})`) : null),
      h("td", null, h("span", { class: "status " + it.status }, it.status)),
      h("td", null, (it.environments ?? [it.environment]).map((e) => h("a", { class: "tag", href: href("errors", { level, status, environment: e }) }, e))),
      h("td", { class: "num" }, it.total_occurrences),
      h("td", { class: "nowrap" }, when(it.last_occurrence_timestamp)),
    ),
  );
  const pages = Math.max(1, Math.ceil(list.total_count / 100));
  mount(
    root,
    h("h1", null, "Errors"),
    levelBar,
    hiddenBanner,
    h("div", { class: "muted small" }, `${list.total_count} item(s), newest occurrence first · page ${list.page} of ${pages}`),
    rows.length
      ? h("table", { class: "grid" }, h("thead", null, h("tr", null, ["", "Level", "Title", "Status", "Environments", "Occurrences", "Last seen"].map((c) => h("th", null, c)))), h("tbody", null, rows))
      : h("p", { class: "empty" }, "No items."),
    pages > 1
      ? h(
          "div",
          { class: "toolbar" },
          list.page > 1 ? h("button", { onclick: () => nav({ page: String(list.page - 1) }) }, "← newer") : null,
          list.page < pages ? h("button", { onclick: () => nav({ page: String(list.page + 1) }) }, "older →") : null,
        )
      : null,
  );
}

/** traceOf finds the trace id a stored Rollbar payload carries (as the server does). */
function traceOf(data: Record<string, unknown>): string {
  const req = (data.request ?? {}) as { headers?: Record<string, string> };
  const hdr = Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const tp = hdr["traceparent"]?.split("-");
  if (tp?.length === 4 && tp[1].length === 32) return tp[1];
  const root = /Root=(1-[0-9a-f]{8}-[0-9a-f]{24})/i.exec(hdr["x-amzn-trace-id"] ?? "");
  if (root) return root[1];
  const custom = (data.custom ?? {}) as Record<string, unknown>;
  const c = custom.trace_id ?? custom.traceId;
  return typeof c === "string" ? c : "";
}

/** summary is the one-line gist of a stored Rollbar payload's body. */
function summary(data: Record<string, unknown>): string {
  type Trace = { exception?: { class?: string; message?: string }; frames?: { filename?: string; method?: string; lineno?: number }[] };
  const body = (data.body ?? {}) as { trace?: Trace; trace_chain?: Trace[]; message?: { body?: string }; crash_report?: { raw?: string } };
  const tr = body.trace ?? body.trace_chain?.[0];
  if (tr) {
    const top = tr.frames?.[tr.frames.length - 1];
    const at = top ? ` at ${top.method ?? "?"} (${top.filename ?? "?"}${top.lineno ? ":" + top.lineno : ""})` : "";
    return `${tr.exception?.class ?? "?"}: ${tr.exception?.message ?? ""}${at}`;
  }
  if (body.message?.body) return body.message.body.split("\n")[0];
  return body.crash_report?.raw?.split("\n")[0] ?? "";
}

/** itemPage: one item, its status actions and recent occurrences. */
export async function itemPage(root: HTMLElement, id: string, alive: () => boolean): Promise<void> {
  mount(root, h("h1", null, "Error item"), loading());
  let item: Item, inst: { instances: Instance[] | null };
  try {
    [item, inst] = await Promise.all([rollbar<Item>(`/api/1/item/${encodeURIComponent(id)}`), rollbar<{ instances: Instance[] | null }>(`/api/1/item/${encodeURIComponent(id)}/instances`)]);
  } catch (err) {
    if (alive()) mount(root, h("h1", null, "Error item"), tokenBox(err) ?? errorBox(err));
    return;
  }
  if (!alive()) return;
  const msg = h("span", { class: "muted" });
  const patch = async (body: Record<string, string>) => {
    msg.textContent = "saving…";
    try {
      await rollbar<Item>(`/api/1/item/${item.id}`, {}, { method: "PATCH", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
      dispatchEvent(new HashChangeEvent("hashchange"));
    } catch (err) {
      msg.textContent = String(err instanceof Error ? err.message : err);
    }
  };
  const version = h("input", { size: 12, placeholder: "resolved in version" });
  const kv = (k: string, v: unknown) => h("tr", null, h("th", null, k), h("td", null, v instanceof Node ? v : String(v ?? "–")));
  const instances = inst.instances ?? [];
  mount(
    root,
    h("div", { class: "muted" }, h("a", { href: href("errors") }, "← Errors")),
    h("h1", { id: "item-title" }, h("span", { class: "badge " + item.level }, item.level), ` #${item.counter} ${item.title}`),
    h(
      "div",
      { class: "toolbar", id: "item-actions" },
      h("span", null, "Status: ", h("b", { class: "status " + item.status }, item.status)),
      STATUSES.filter((s) => s !== item.status).map((s) =>
        h("button", { onclick: () => patch(s === "resolved" && version.value.trim() ? { status: s, resolved_in_version: version.value.trim() } : { status: s }) }, s === "active" ? "reactivate" : s.replace(/d$/, "")),
      ),
      item.status !== "resolved" ? version : null,
      msg,
    ),
    h(
      "table",
      { class: "kv" },
      kv("occurrences", item.total_occurrences),
      kv("first seen", when(item.first_occurrence_timestamp)),
      kv("last seen", when(item.last_occurrence_timestamp)),
      kv("environments", (item.environments ?? [item.environment]).join(", ")),
      kv("level", item.level + (item.level_lock ? " (locked)" : "")),
      kv("notifier level", item.notifier_level ?? "–"),
      kv("resolved in version", item.resolved_in_version ?? "–"),
      kv("last resolved", when(item.last_resolved_timestamp)),
      kv("fingerprint", item.hash ?? "–"),
    ),
    h("h2", null, `Recent occurrences (${instances.length})`),
    instances.map((o) => {
      const t = traceOf(o.data);
      return h(
        "details",
        { class: "occurrence" },
        h(
          "summary",
          null,
          `#${o.id} · ${when(o.timestamp)} · ${String(o.data.environment ?? "")}`,
          o.data.code_version ? ` · ${String(o.data.code_version)}` : null,
          " · ",
          h("span", { class: "mono small" }, summary(o.data)),
          t ? [" · ", h("a", { href: href("trace/" + t), class: "trace-link" }, "trace " + t.slice(0, 16) + "…")] : null,
        ),
        h("pre", null, JSON.stringify(o.data, null, 2)),
      );
    }),
  );
}
