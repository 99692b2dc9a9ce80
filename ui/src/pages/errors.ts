import { ApiError, LEVELS, rollbar, rollbarToken, setRollbarToken, type ItemList } from "../api";
import { errorBox, h, loading, mount, time } from "../dom";
import { go, href } from "../router";

export const STATUSES = ["active", "resolved", "muted", "archived"];
const when = (sec: number | null) => (sec ? time(new Date(sec * 1000)) : "–");

/** tokenBox asks for a read token once the server has left open local mode. */
export function tokenBox(err: unknown): HTMLElement | null {
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
      h("td", null, h("a", { href: href("errors/" + it.id) }, it.title), it.notifier_level && it.notifier_level !== "debug" ? h("span", { class: "muted small notifier-level", title: "the notifier drops lower levels before sending" }, ` (notifier reports ≥ ${it.notifier_level})`) : null),
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

