// Saved queries and query history of the Query page. A saved query is
// kept by the server for the project (GET/POST/DELETE /api/saved-queries)
// as the page's address; the history (the last queries run) is this
// browser's only, in localStorage.

import { getJSON, postJSON } from "../api";
import { errorBox, h, mount, time } from "../dom";

interface SavedQuery {
  id: string;
  name: string;
  address: string;
  lastModified?: string;
}
interface Visit {
  address: string;
  at: number;
}

const HISTORY_KEY = "lookout.queryHistory";
/** HISTORY_SIZE: the queries the history keeps, newest first. */
const HISTORY_SIZE = 20;

function history(): Visit[] {
  try {
    const v = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? "[]") as Visit[];
    return Array.isArray(v) ? v.filter((x) => typeof x?.address === "string") : [];
  } catch {
    return []; // a damaged entry: start again
  }
}

/** remember puts a query run (its address, without "#/") first in the history, once. */
function remember(address: string): void {
  const kept = [{ address, at: Date.now() }, ...history().filter((v) => v.address !== address)].slice(0, HISTORY_SIZE);
  localStorage.setItem(HISTORY_KEY, JSON.stringify(kept));
}

/** describe sums up an address for a list: its calculations, filters and groups. */
function describe(address: string): string {
  const p = new URLSearchParams(address.split("?")[1] ?? "");
  const parts = [p.get("source") === "logs" ? "logs:" : "", p.get("calcs") ?? "COUNT"];
  if (p.get("dataset")) parts.push(`in ${p.get("dataset")}`);
  if (p.get("where")) parts.push("where " + p.get("where")!.split("\n").join(` ${p.get("combine") ?? "AND"} `));
  if (p.get("group")) parts.push("by " + p.get("group"));
  return parts.filter(Boolean).join(" ");
}

export interface SavedBar {
  el: HTMLElement;
  /** ran records a query run (its address) in the history, and shows it there */
  ran(address: string): void;
}

/**
 * savedBar is the Query page's "save as" form, the project's saved queries
 * and this browser's history; current gives the address of the query as
 * the form stands.
 */
export function savedBar(current: () => string): SavedBar {
  const name = h("input", { id: "save-name", size: 24, placeholder: "name this query", maxlength: 255 });
  const msg = h("span", { class: "muted small", id: "save-msg" });
  const list = h("div", { id: "saved-list" });
  const load = async () => {
    try {
      const r = await getJSON<{ queries: SavedQuery[] }>("/api/saved-queries");
      mount(
        list,
        r.queries.length
          ? h(
              "ul",
              { class: "saved" },
              r.queries.map((q) =>
                h(
                  "li",
                  { class: "saved-query", "data-id": q.id },
                  h("a", { class: "saved-link", href: "#/" + q.address, title: describe(q.address) }, q.name),
                  " ",
                  h("span", { class: "muted small mono" }, describe(q.address)),
                  " ",
                  h("button", { type: "button", class: "link saved-delete", title: "delete this saved query", onclick: () => void remove(q) }, "delete"),
                ),
              ),
            )
          : h("p", { class: "muted small" }, "No saved queries yet."),
      );
    } catch (err) {
      mount(list, errorBox(err));
    }
  };
  const remove = async (q: SavedQuery) => {
    try {
      await getJSON(`/api/saved-queries/${encodeURIComponent(q.id)}`, {}, { method: "DELETE", headers: { "Content-Type": "application/json" } });
      await load();
    } catch (err) {
      msg.textContent = err instanceof Error ? err.message : String(err);
    }
  };
  const save = async (e: Event) => {
    e.preventDefault();
    msg.textContent = "saving…";
    try {
      await postJSON<SavedQuery>("/api/saved-queries", {}, { name: name.value.trim(), address: current() });
      msg.textContent = `saved "${name.value.trim()}"`;
      name.value = "";
      await load();
    } catch (err) {
      msg.textContent = err instanceof Error ? err.message : String(err);
    }
  };
  const hist = h("details", { id: "query-history" });
  const showHistory = () => {
    const visits = history();
    mount(
      hist,
      h("summary", null, `History (${visits.length})`),
      visits.length
        ? h("ul", { class: "saved" }, visits.map((v) => h("li", { class: "history-item" }, h("span", { class: "muted small" }, time(new Date(v.at)).slice(5, 19), " "), h("a", { href: "#/" + v.address }, describe(v.address)))))
        : h("p", { class: "muted small" }, "Queries you run appear here."),
    );
  };
  showHistory();
  void load();
  const el = h(
    "div",
    { class: "saved-bar" },
    h("form", { class: "toolbar chips", id: "save-form", onsubmit: save }, name, h("button", { type: "submit", id: "save-query" }, "Save query"), msg),
    h("details", { id: "saved-queries" }, h("summary", null, "Saved queries"), list),
    hist,
  );
  return { el, ran: (address) => (remember(address), showHistory()) };
}
