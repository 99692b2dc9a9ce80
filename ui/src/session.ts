// The header's login controls, shown only to a login session (with
// --api-keys): the project the UI reads, a choice among the projects the
// key grants (POST /api/session), and logging out (POST /logout). Zero-config
// local use and bearer keys have nothing to choose or end.

import { h } from "./dom";
import { getJSON } from "./api";

interface SessionView {
  login: boolean;
  project: string;
  projects: string[];
  allProjects: boolean;
}

/** sessionBar fills slot with the controls of the current login, if any. */
export async function sessionBar(slot: HTMLElement): Promise<void> {
  let v: SessionView;
  try {
    v = await getJSON<SessionView>("/api/session");
  } catch {
    return; // no access: the page itself says why
  }
  if (!v.login) return;
  const choose = async () => {
    try {
      await getJSON("/api/session", {}, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ project: select.value }) });
      location.reload(); // every page reads the chosen project from now on
    } catch (err) {
      select.value = v.project;
      alert(String(err));
    }
  };
  const select = h(
    "select",
    { id: "session-project", title: "The project this UI reads", onchange: () => void choose() },
    v.projects.map((p) => h("option", { value: p, selected: p === v.project }, p)),
  );
  select.disabled = v.projects.length < 2;
  slot.replaceChildren(
    h("label", null, "Project ", select),
    h("form", { id: "session-logout", method: "post", action: "/logout" }, h("button", { type: "submit" }, "Log out")),
  );
}
