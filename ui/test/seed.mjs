// The data the browser test sends to lookout before opening the browser:
// a trace, a log line and a Rollbar item (sendData), spans for Query
// (sendQueryData), log lines of several severities (sendLogLevels),
// CloudWatch Logs events (sendCloudWatch) and X-Ray datagrams (sendXRay),
// and the wait until the UDP data is stored (awaitXRay).

import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { post, getJSON, eventually } from "./common.mjs";

const str = (key, v) => ({ key, value: { stringValue: v } });

/** newIds makes the random ids and texts that the checks look for. */
export function newIds() {
  const hex = (n) => randomBytes(n).toString("hex");
  return {
    trace: hex(16), lostTrace: hex(16), root: hex(8), child: hex(8), grandchild: hex(8), orphan: hex(8), missing: hex(8),
    service: "ui-test-shop", logBody: `card declined ${hex(4)}`, errorMessage: `declined ${hex(4)}`,
  };
}

/** CART_JSON: a span attribute holding a JSON document, which the span details show formatted. */
export const CART_JSON = '{"items":[{"sku":"A-1","qty":2}],"total":19.9}';

/** sendData sends the trace of ids (four spans, one an orphan), its log line, its Rollbar item, and creates CW_GROUP. */
export async function sendData(addrs, ids) {
  const now = BigInt(Date.now()) * 1_000_000n;
  const ms = (n) => String(now - BigInt(n) * 1_000_000n);
  const resource = { attributes: [str("service.name", ids.service)] };
  const span = (spanId, parentSpanId, name, from, to, extra = {}) => ({
    traceId: ids.trace, spanId, parentSpanId, name, kind: parentSpanId ? 1 : 2, startTimeUnixNano: ms(from), endTimeUnixNano: ms(to), ...extra,
  });
  await post(`http://${addrs.otlpHTTP}/v1/traces`, {
    resourceSpans: [{ resource, scopeSpans: [{ scope: { name: "ui-test" }, spans: [
      span(ids.root, undefined, "GET /checkout", 120, 0, { attributes: [str("http.request.method", "GET"), { key: "http.response.status_code", value: { intValue: "500" } }], status: { code: 2, message: "charge failed" } }),
      span(ids.child, ids.root, "load-cart", 110, 60, { attributes: [str("cart.id", "c-42"), str("cart.json", CART_JSON)] }),
      span(ids.grandchild, ids.child, "charge-card", 50, 10, { events: [{ timeUnixNano: ms(20), name: "exception", attributes: [str("exception.type", "PaymentError")] }] }),
      span(ids.orphan, ids.missing, "late-callback", 40, 30),
    ] }] }],
  });
  await post(`http://${addrs.otlpHTTP}/v1/logs`, {
    resourceLogs: [{ resource, scopeLogs: [{ scope: { name: "ui-test" }, logRecords: [
      { timeUnixNano: ms(55), severityNumber: 17, severityText: "ERROR", body: { stringValue: ids.logBody }, traceId: ids.trace, spanId: ids.grandchild, attributes: [str("payment.provider", "acme")] },
    ] }] }],
  });
  // The item: its newest occurrence carries the trace id; ERROR_OCCURRENCES - 1 older ones, a minute apart, fill two pages of the instances API.
  for (let i = ERROR_OCCURRENCES - 1; i >= 0; i--) {
    await post(`http://${addrs.http}/api/1/item/`, errorPayload(ids, i), { "X-Rollbar-Access-Token": "any-token-open-local-mode" });
  }
  await post(`http://${addrs.http}/`, { logGroupName: "/ui-test/shop" }, { "X-Amz-Target": "Logs_20140328.CreateLogGroup", "Content-Type": "application/x-amz-json-1.1" });
}

/** ERROR_OCCURRENCES: how many occurrences of the trace's error item sendData sends (more than the instances API's page of 20). */
export const ERROR_OCCURRENCES = 23;

/**
 * errorPayload is occurrence i (0 the newest, now; i minutes older) of the
 * trace's error item as a Rollbar notifier sends it: frames with code
 * context, the request and the person.
 */
function errorPayload(ids, i) {
  return {
    data: {
      environment: "ui-test", level: "error", timestamp: Math.floor(Date.now() / 1000) - i * 60, code_version: "1.4.2",
      body: { trace: {
        frames: [
          { filename: "shop/server.js", method: "handle", lineno: 88, colno: 5 },
          { filename: "shop/checkout.js", method: "charge", lineno: 12, colno: 11, code: "    throw new PaymentError(reason);", context: { pre: ["  if (!card.ok) {", "    const reason = card.reason;"], post: ["  }"] } },
        ],
        exception: { class: "PaymentError", message: ids.errorMessage },
      } },
      request: { method: "POST", url: "http://shop.test/checkout", user_ip: "203.0.113.9", headers: { "Content-Type": "application/json" } },
      person: { id: "u-" + (1000 + i), username: "shopper" + i, email: `shopper${i}@example.test` },
      custom: i === 0 ? { trace_id: ids.trace } : {},
    },
  };
}

/** QUERY_PLAN: the services of sendQueryData, how many spans each and how many of them slow. */
export const QUERY_PLAN = [
  { service: "qt-checkout", count: 40, slow: 8 },
  { service: "qt-frontend", count: 25, slow: 4 },
  { service: "qt-inventory", count: 15, slow: 3 },
];

/**
 * sendQueryData sends spans of a few services over the last 50 minutes with
 * whole-millisecond durations: the slow ones (600–1099 ms) all carry
 * db.shard=shard-7, the fast ones (5–94 ms) shard-0..4. Returns the
 * durations sent per service.
 */
export async function sendQueryData(addrs, plan) {
  const now = Date.now();
  const sent = {};
  let k = 0;
  const resourceSpans = plan.map(({ service, count, slow }) => {
    sent[service] = [];
    const spans = [];
    for (let i = 0; i < count; i++) {
      const isSlow = i < slow;
      const dur = isSlow ? 600 + ((i * 37) % 500) : 5 + ((i * 13) % 90);
      const start = now - 50 * 60_000 + ((k++ * 1_234_567) % (45 * 60_000)); // spread over 45 minutes
      sent[service].push(dur);
      spans.push({
        traceId: randomBytes(16).toString("hex"), spanId: randomBytes(8).toString("hex"), name: "GET /items", kind: 2,
        startTimeUnixNano: String(BigInt(start) * 1_000_000n), endTimeUnixNano: String(BigInt(start + dur) * 1_000_000n),
        attributes: [str("db.shard", isSlow ? "shard-7" : `shard-${i % 5}`), str("http.route", "/items")],
      });
    }
    return { resource: { attributes: [str("service.name", service)] }, scopeSpans: [{ scope: { name: "ui-test" }, spans }] };
  });
  await post(`http://${addrs.otlpHTTP}/v1/traces`, { resourceSpans });
  return sent;
}

/** LOG_LEVELS: the log lines of service ui-test-logs, by severity (OTLP numbers 9, 13, 17). */
export const LOG_LEVELS = { INFO: [9, 3], WARN: [13, 2], ERROR: [17, 1] };

/** sendLogLevels sends LOG_LEVELS' lines over OTLP/HTTP JSON in the last few minutes. */
export async function sendLogLevels(addrs) {
  const now = BigInt(Date.now()) * 1_000_000n;
  const logRecords = [];
  let k = 0;
  for (const [text, [num, count]] of Object.entries(LOG_LEVELS)) {
    for (let i = 0; i < count; i++) {
      logRecords.push({ timeUnixNano: String(now - BigInt(++k) * 7_000_000_000n), severityNumber: num, severityText: text, body: { stringValue: `${text.toLowerCase()} line ${i}` } });
    }
  }
  await post(`http://${addrs.otlpHTTP}/v1/logs`, { resourceLogs: [{ resource: { attributes: [str("service.name", "ui-test-logs")] }, scopeLogs: [{ scope: { name: "ui-test" }, logRecords }] }] });
}

/** CW_STREAMS: the events sent to log group /ui-test/shop, per stream. */
export const CW_GROUP = "/ui-test/shop";
export const CW_STREAMS = { "web-1": 3, "web-2": 2 };

/** sendCloudWatch creates the streams of CW_GROUP (created by sendData) and puts their events over the CloudWatch Logs API. */
export async function sendCloudWatch(addrs) {
  const cw = (op, body) => post(`http://${addrs.http}/`, body, { "X-Amz-Target": `Logs_20140328.${op}`, "Content-Type": "application/x-amz-json-1.1" });
  for (const [stream, n] of Object.entries(CW_STREAMS)) {
    await cw("CreateLogStream", { logGroupName: CW_GROUP, logStreamName: stream });
    const now = Date.now();
    const logEvents = Array.from({ length: n }, (_, i) => ({ timestamp: now - (n - i) * 1000, message: `${stream} request ${i} served` }));
    await cw("PutLogEvents", { logGroupName: CW_GROUP, logStreamName: stream, logEvents });
  }
}

/** putLogEvents puts messages (stamped now, in order) into an existing group and stream over the CloudWatch Logs API. */
export async function putLogEvents(addrs, group, stream, messages) {
  const now = Date.now();
  await post(`http://${addrs.http}/`, { logGroupName: group, logStreamName: stream, logEvents: messages.map((message, i) => ({ timestamp: now + i, message })) }, { "X-Amz-Target": "Logs_20140328.PutLogEvents", "Content-Type": "application/x-amz-json-1.1" });
}

/** CW_LEVELS: log group /ui-test/levels, whose messages state their level only in their text; severity "" is none. */
export const CW_LEVELS = { group: "/ui-test/levels", stream: "app", lines: [
  { message: '{"level":"ERROR","msg":"cw json failure","order":42}', severity: "ERROR" },
  { message: "[WARN] cw bracketed warning", severity: "WARN" },
  { message: "cw plain line", severity: "" },
] };

/** sendCloudWatchLevels creates CW_LEVELS' group and stream and puts its lines over the CloudWatch Logs API. */
export async function sendCloudWatchLevels(addrs) {
  const cw = (op, body) => post(`http://${addrs.http}/`, body, { "X-Amz-Target": `Logs_20140328.${op}`, "Content-Type": "application/x-amz-json-1.1" });
  const { group, stream, lines } = CW_LEVELS;
  await cw("CreateLogGroup", { logGroupName: group });
  await cw("CreateLogStream", { logGroupName: group, logStreamName: stream });
  const now = Date.now();
  await cw("PutLogEvents", { logGroupName: group, logStreamName: stream, logEvents: lines.map((l, i) => ({ timestamp: now - (lines.length - i) * 1000, message: l.message })) });
}

/** LATE: the span sendLate sends after the page has loaded: its service, name and duration. */
export const LATE = { service: "ui-test-late", name: "late-arrival", durationMs: 1500 };

/** sendLate sends LATE's span, one span of a new trace ending now, over OTLP/HTTP JSON; returns its trace id. */
export async function sendLate(addrs) {
  const trace = randomBytes(16).toString("hex");
  const end = BigInt(Date.now()) * 1_000_000n;
  const start = end - BigInt(LATE.durationMs) * 1_000_000n;
  await post(`http://${addrs.otlpHTTP}/v1/traces`, { resourceSpans: [{ resource: { attributes: [str("service.name", LATE.service)] }, scopeSpans: [{ scope: { name: "ui-test" }, spans: [
    { traceId: trace, spanId: randomBytes(8).toString("hex"), name: LATE.name, kind: 2, startTimeUnixNano: String(start), endTimeUnixNano: String(end) },
  ] }] }] });
  return trace;
}

/** xrayTraceId writes a 32-hex trace id in X-Ray's form. */
export const xrayTraceId = (hex) => `1-${hex.slice(0, 8)}-${hex.slice(8)}`;

/**
 * sendXRay sends daemon-protocol datagrams to lookout's X-Ray UDP address:
 * a document of ids.trace and ids.service without start_time (refused:
 * missing_start_time / MissingStartTime), and two good segments of one
 * service (requests on port 8080) named ids.service and, by the request's
 * Host header, api.shop.test; and a refused document of ids.lostTrace
 * (service ui-test-lost), whose trace then has no span at all. Returns the
 * first refused document's id.
 */
export async function sendXRay(addrs, ids) {
  const [host, port] = [addrs.xrayUDP.slice(0, addrs.xrayUDP.lastIndexOf(":")), Number(addrs.xrayUDP.slice(addrs.xrayUDP.lastIndexOf(":") + 1))];
  const now = Date.now() / 1000;
  const epoch = Math.floor(now).toString(16).padStart(8, "0");
  const refusedId = randomBytes(8).toString("hex");
  const docs = [
    { name: ids.service, id: refusedId, trace_id: xrayTraceId(ids.trace), end_time: now - 0.02 },
    { name: "ui-test-lost", id: randomBytes(8).toString("hex"), trace_id: xrayTraceId(ids.lostTrace), start_time: now - 0.05 }, // no end_time, not in progress
    ...[["localhost:8080", ids.service], ["api.shop.test:8080", "api.shop.test"]].map(([h, name]) => ({
      name, id: randomBytes(8).toString("hex"), trace_id: `1-${epoch}-${randomBytes(12).toString("hex")}`, start_time: now - 0.05, end_time: now - 0.03,
      http: { request: { method: "GET", url: `http://${h}/checkout` }, response: { status: 200 } },
    })),
  ];
  const sock = createSocket(host.includes(":") ? "udp6" : "udp4");
  try {
    for (const d of docs) {
      const msg = Buffer.from('{"format": "json", "version": 1}\n' + JSON.stringify(d));
      await new Promise((res, rej) => sock.send(msg, port, host.replace(/^\[|\]$/g, ""), (err) => (err ? rej(err) : res())));
    }
  } finally {
    sock.close();
  }
  return refusedId;
}

/** awaitXRay waits (bounded) until lookout, which reads and commits UDP in the background, has stored sendXRay's refusals and both names. */
export async function awaitXRay(base, ids) {
  await eventually("the refused X-Ray document", async () => (await getJSON(`${base}/api/services/${ids.service}/lint`)).counts?.["rejected-document"] === 1);
  await eventually("the refused document of a trace without spans", async () => (await getJSON(`${base}/api/traces/${ids.lostTrace}/lint`)).findings?.length === 1);
  await eventually("the X-Ray segment names", async () =>
    (await getJSON(`${base}/api/xray/naming`)).services.some((s) => s.names.some((n) => n.name === ids.service) && s.names.some((n) => n.name === "api.shop.test")),
  );
}
