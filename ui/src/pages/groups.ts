import { getJSON, type LogGroup } from "../api";
import { bytes, h, loading, mount, plural, table, time } from "../dom";
import { href } from "../router";

/** groupsPage: CloudWatch Logs groups with stored bytes and retention warnings. */
export async function groupsPage(root: HTMLElement, alive: () => boolean): Promise<void> {
  mount(root, h("h1", null, "Log groups"), loading());
  const r = await getJSON<{ groups: LogGroup[] | null }>("/api/cwlogs/groups");
  if (!alive()) return;
  const groups = r.groups ?? [];
  const noRetention = groups.filter((g) => !g.retentionInDays);
  const total = groups.reduce((a, g) => a + g.storedBytes, 0);
  mount(
    root,
    h("h1", null, "Log groups"),
    noRetention.length
      ? h("div", { class: "alert warn" }, `${noRetention.length} of ${plural(groups.length, "group")} ${noRetention.length === 1 ? "has no retention policy and keeps" : "have no retention policy and keep"} events until the store's own retention or disk budget drops them (${bytes(noRetention.reduce((a, g) => a + g.storedBytes, 0))}).`)
      : null,
    h("div", { class: "muted small" }, `${plural(groups.length, "group")}, ${bytes(total)} stored`),
    groups.length
      ? table(
          ["Name (click: its events)", "Created", "Retention", "Stored", "Warning"],
          groups.map((g) =>
            h(
              "tr",
              { class: g.warning ? "warn-row" : "" },
              h("td", { class: "mono" }, h("a", { class: "group-link", href: href("logs", { group: g.name }), title: "events per stream and severity, and the lines" }, g.name)),
              h("td", { class: "nowrap" }, time(new Date(g.creationTime))),
              h("td", null, g.retentionInDays ? `${g.retentionInDays} days` : h("span", { class: "badge warning" }, "never expire")),
              h("td", { class: "num" }, bytes(g.storedBytes)),
              h("td", { class: "small" }, g.warning ?? ""),
            ),
          ),
        )
      : h("p", { class: "empty" }, "No log groups. Create one with the AWS SDK or CLI (CreateLogGroup) against this server."),
  );
}
