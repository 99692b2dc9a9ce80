import "./style.css";
import { errorBox, mount } from "./dom";
import { current, href, RANGE_PAGES } from "./router";
import { rangeBar, rangeOf } from "./timerange";
import { serviceMapPage } from "./pages/servicemap";
import { samplingPage } from "./pages/sampling";
import { tracesPage } from "./pages/traces";
import { tracePage } from "./pages/trace";
import { logsPage } from "./pages/logs";
import { errorsPage } from "./pages/errors";
import { itemPage } from "./pages/error_item";
import { groupsPage } from "./pages/groups";
import { statusPage } from "./pages/status";
import { queryPage } from "./pages/query";
import { servicePage } from "./pages/service";
import { metricsPage } from "./pages/metrics";
import { startTicking } from "./refresh";
import { sessionBar } from "./session";

const app = document.getElementById("app")!;
const rangeSlot = document.getElementById("range-slot")!;
let generation = 0;

/** render draws the page of the current hash; a newer navigation wins. */
async function render(): Promise<void> {
  const gen = ++generation;
  const { parts, params } = current();
  const [page = "traces", id] = parts;
  // One time range for the pages that read one: shown in the header, and a
  // page opened without one gets the range last shown.
  const range = RANGE_PAGES.has(page) ? rangeOf(params) : null;
  if (range && !params.has("start") && !params.has("end")) {
    params.set("start", range.start);
    if (range.end) params.set("end", range.end);
  }
  rangeSlot.replaceChildren(range ? rangeBar(range) : "");
  for (const a of document.querySelectorAll<HTMLAnchorElement>("#nav a")) {
    const p = a.dataset.page ?? "";
    a.href = href(p); // range pages carry the range
    a.classList.toggle("active", p === page || (p === "traces" && (page === "trace" || page === "service")) || (p === "errors" && page === "item"));
  }
  const alive = () => gen === generation;
  document.title = title(page, id) + " · Lookout";
  try {
    switch (page) {
      case "traces":
        return await tracesPage(app, params, alive);
      case "trace":
        return await tracePage(app, id ?? "", params, alive);
      case "service":
        return await servicePage(app, id ?? "", params, alive);
      case "query":
        return await queryPage(app, params, alive);
      case "map":
        return await serviceMapPage(app, params, alive);
      case "sampling":
        return await samplingPage(app, alive);
      case "logs":
        return await logsPage(app, params, alive);
      case "metrics":
        return await metricsPage(app, params, alive);
      case "errors":
        return id ? await itemPage(app, id, params, alive) : await errorsPage(app, params, alive);
      case "groups":
        return await groupsPage(app, alive);
      case "status":
        return await statusPage(app, params, alive);
      default:
        mount(app, errorBox(`unknown page "${page}"`));
    }
  } catch (err) {
    if (alive()) mount(app, errorBox(err));
  }
}

/** title names a page for the browser tab and history. */
function title(page: string, id: string | undefined): string {
  const short = (s: string) => (s.length > 12 ? s.slice(0, 12) + "…" : s);
  switch (page) {
    case "trace":
      return id ? `Trace ${short(id)}` : "Trace";
    case "service":
      return `Service ${id ?? ""}`.trim();
    case "errors":
      return id ? `Error item ${id}` : "Errors";
    case "groups":
      return "Log groups";
    case "map":
      return "Service map";
    default:
      return page.charAt(0).toUpperCase() + page.slice(1);
  }
}

addEventListener("hashchange", () => void render());
void render();
startTicking();
void sessionBar(document.getElementById("session-slot")!);
