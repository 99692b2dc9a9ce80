// Tiny DOM helpers: the UI is plain TypeScript, no framework.

type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** h builds an element; attributes starting with "on" become listeners. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") {
      el.addEventListener(k.slice(2), v);
    } else if (k === "value" && "value" in el) {
      (el as HTMLInputElement).value = String(v);
    } else {
      el.setAttribute(k, v === true ? "" : String(v));
    }
  }
  append(el, children);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** svg builds an SVG element: attributes are set as given (no listeners), children as h. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number | null | undefined> | null = null, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs ?? {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  append(el, children);
  return el;
}

function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** mount replaces the children of root. */
export function mount(root: Element, ...children: Child[]): void {
  root.replaceChildren();
  append(root, children);
}

export function errorBox(err: unknown): HTMLElement {
  return h("div", { class: "alert error" }, String(err instanceof Error ? err.message : err));
}

export function loading(): HTMLElement {
  return h("div", { class: "muted" }, "Loading…");
}

/** bytes formats a byte count with binary units. */
export function bytes(n: number): string {
  if (!Number.isFinite(n)) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (Math.abs(n) >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return (i === 0 ? String(n) : n.toFixed(n < 10 ? 1 : 0)) + " " + units[i];
}

/** ms formats a duration in milliseconds. */
export function ms(v: number): string {
  if (v === 0) return "0";
  if (v < 1) return (v * 1000).toFixed(0) + " µs";
  if (v < 1000) return (v < 10 ? v.toFixed(2) : v.toFixed(0)) + " ms";
  if (v < 60_000) return (v / 1000).toFixed(2) + " s";
  return ago(v / 1000);
}

/** plural writes a count with its noun: "1 service", "3 services" (plural: the noun's plural when not noun + "s"). */
export function plural(n: number, noun: string, pluralNoun = noun + "s"): string {
  return `${n} ${n === 1 ? noun : pluralNoun}`;
}

/** ago formats a number of seconds as "3m 20s". */
export function ago(sec: number): string {
  sec = Math.max(0, Math.round(sec));
  if (sec < 60) return sec + "s";
  const m = Math.floor(sec / 60);
  if (m < 60) return `${m}m ${sec % 60}s`;
  const hr = Math.floor(m / 60);
  if (hr < 48) return `${hr}h ${m % 60}m`;
  return `${Math.floor(hr / 24)}d ${hr % 24}h`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** time formats a Date as local "YYYY-MM-DD HH:MM:SS.mmm". */
export function time(d: Date): string {
  if (isNaN(d.getTime())) return "–";
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
  );
}

/** nanoTime turns a unix-nanosecond string into a Date. */
export function nanoTime(ns: string | number): Date {
  return new Date(Number(BigInt(ns) / 1_000_000n));
}

/** field builds a labelled form control. */
export function field(label: string, control: HTMLElement): HTMLElement {
  return h("label", { class: "field" }, h("span", null, label), control);
}

export function table(head: string[], rows: HTMLElement[], cls = ""): HTMLElement {
  return h(
    "table",
    { class: "grid " + cls },
    h("thead", null, h("tr", null, head.map((c) => h("th", null, c)))),
    h("tbody", null, rows),
  );
}
