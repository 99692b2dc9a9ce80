// A Rollbar occurrence's payload drawn as Rollbar shows it: the exception
// and its frames (most recent call first, file:line, method, the code lines
// around it when the notifier sent them), the request and the person.

import { h } from "../dom";

/** Frame is one frame of a Rollbar trace (docs.rollbar.com "Item POST" body.trace.frames). */
interface Frame {
  filename?: string;
  lineno?: number;
  colno?: number;
  method?: string;
  code?: string;
  context?: { pre?: string[]; post?: string[] };
  args?: unknown[];
  locals?: Record<string, unknown>;
}
interface Trace {
  exception?: { class?: string; message?: string; description?: string };
  frames?: Frame[];
}
interface Body {
  trace?: Trace;
  trace_chain?: Trace[];
  message?: { body?: string };
  crash_report?: { raw?: string };
}

/** traces lists the payload's traces, the outermost exception first (a trace_chain's order). */
function traces(data: Record<string, unknown>): Trace[] {
  const body = (data.body ?? {}) as Body;
  return body.trace_chain ?? (body.trace ? [body.trace] : []);
}

/** topFrame is the frame the exception was raised in (Rollbar sends the most recent call last). */
const topFrame = (t: Trace): Frame | undefined => t.frames?.[t.frames.length - 1];

const at = (f: Frame) => `${f.filename ?? "?"}${f.lineno ? ":" + f.lineno : ""}${f.colno ? ":" + f.colno : ""}`;

/** summary is the one-line gist of a stored payload's body. */
export function summary(data: Record<string, unknown>): string {
  const body = (data.body ?? {}) as Body;
  const tr = traces(data)[0];
  if (tr) {
    const top = topFrame(tr);
    return `${tr.exception?.class ?? "?"}: ${tr.exception?.message ?? ""}${top ? ` at ${top.method ?? "?"} (${at(top)})` : ""}`;
  }
  if (body.message?.body) return body.message.body.split("\n")[0];
  return body.crash_report?.raw?.split("\n")[0] ?? "";
}

/** codeContext numbers the lines around a frame's line; the frame's own line is marked. */
function codeContext(f: Frame): HTMLElement | null {
  const pre = f.context?.pre ?? [];
  const post = f.context?.post ?? [];
  if (f.code === undefined && !pre.length && !post.length) return null;
  const first = (f.lineno ?? pre.length + 1) - pre.length;
  const line = (n: number, text: string, cls: string) => h("div", { class: "code-line " + cls }, h("span", { class: "lineno" }, String(n)), text);
  return h(
    "div",
    { class: "code-context" },
    pre.map((t, i) => line(first + i, t, "")),
    f.code !== undefined ? line(first + pre.length, f.code, "current") : null,
    post.map((t, i) => line(first + pre.length + 1 + i, t, "")),
  );
}

/** frameList draws one trace: its exception, then its frames with the raising one first. */
function frameList(t: Trace, cause: boolean): HTMLElement {
  const frames = [...(t.frames ?? [])].reverse();
  return h(
    "div",
    { class: "stack" },
    h("div", { class: "exception" }, cause ? h("span", { class: "muted" }, "caused by ") : null, h("b", null, t.exception?.class ?? "?"), ": ", t.exception?.message ?? ""),
    t.exception?.description ? h("div", { class: "muted small" }, t.exception.description) : null,
    h(
      "ol",
      { class: "frames" },
      frames.map((f, i) => {
        const ctx = codeContext(f);
        const extra = f.locals || f.args ? h("pre", { class: "locals" }, JSON.stringify({ args: f.args, locals: f.locals }, null, 2)) : null;
        return h(
          "li",
          { class: "frame" + (i === 0 ? " top" : "") },
          h("div", { class: "frame-head mono" }, h("span", { class: "frame-file" }, at(f)), " in ", h("span", { class: "frame-method" }, f.method ?? "?")),
          ctx,
          extra,
        );
      }),
    ),
  );
}

/** stackTrace draws a payload's body: every trace of a chain, or the message, or the crash report. */
export function stackTrace(data: Record<string, unknown>): HTMLElement {
  const body = (data.body ?? {}) as Body;
  const ts = traces(data);
  if (ts.length) return h("div", { id: "stack-trace" }, ts.map((t, i) => frameList(t, i > 0)));
  const text = body.message?.body ?? body.crash_report?.raw;
  return h("div", { id: "stack-trace" }, text !== undefined ? h("pre", { class: "message-body" }, text) : h("p", { class: "muted" }, "No trace, message or crash report in this occurrence."));
}

const kv = (k: string, v: unknown) =>
  v === undefined || v === null || v === "" ? null : h("tr", null, h("th", null, k), h("td", { class: "mono small" }, typeof v === "string" ? v : JSON.stringify(v)));

/** requestPanel shows data.request (URL, method, headers, query, body, client IP), or null without one. */
export function requestPanel(data: Record<string, unknown>): HTMLElement | null {
  const r = data.request as Record<string, unknown> | undefined;
  if (!r || typeof r !== "object") return null;
  const headers = (r.headers ?? {}) as Record<string, unknown>;
  return h(
    "section",
    { class: "panel", id: "request-panel" },
    h("h3", null, "Request"),
    h(
      "table",
      { class: "kv" },
      kv("method", r.method),
      kv("url", r.url),
      kv("query", r.query_string),
      kv("GET", r.GET),
      kv("POST", r.POST),
      kv("body", r.body),
      kv("user ip", r.user_ip),
      Object.entries(headers).map(([k, v]) => kv(k, v)),
    ),
  );
}

/** personPanel shows data.person (id, username, email), or null without one. */
export function personPanel(data: Record<string, unknown>): HTMLElement | null {
  const p = data.person as Record<string, unknown> | undefined;
  if (!p || typeof p !== "object") return null;
  return h("section", { class: "panel", id: "person-panel" }, h("h3", null, "Person"), h("table", { class: "kv" }, Object.entries(p).map(([k, v]) => kv(k, v))));
}
