// The data the service map, RED and sampling checks read, sent after the
// other checks (whose counts it would change): traces across three
// services, some failing (sendMapData), and X-Ray sampling rules with what
// an SDK reports for them and the segments that arrived (sendSampling).

import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { post, getJSON, eventually } from "./common.mjs";

const str = (key, v) => ({ key, value: { stringValue: v } });
const int = (key, v) => ({ key, value: { intValue: String(v) } });

/**
 * MAP_PLAN: MAP_PLAN.traces requests of sm-web GET /checkout, each calling
 * sm-api POST /api/cart, which queries cart-db (a CLIENT span only: an
 * inferred node) and calls sm-payments POST /charge; the first
 * MAP_PLAN.failing of them fail at sm-payments (500), sm-api (502) and
 * sm-web (500). Durations of request i, in ms: durations(i).
 */
export const MAP_PLAN = {
  traces: 10,
  failing: 3,
  durations: (i) => ({ web: 200 + 10 * i, api: 140 + 10 * i, db: 20, payments: 80 + 10 * i }),
};

/**
 * sendMapData sends MAP_PLAN's traces over OTLP/HTTP JSON, spread over the
 * last 30 minutes, and for the first failing one a log line of sm-payments
 * and a Rollbar item carrying its trace id. Returns that trace's id and
 * the start of each sm-payments span (ms since the epoch).
 */
export async function sendMapData(addrs) {
  const byService = { "sm-web": [], "sm-api": [], "sm-payments": [] };
  const now = Date.now();
  let failing;
  const paymentStarts = [];
  for (let i = 0; i < MAP_PLAN.traces; i++) {
    const fail = i < MAP_PLAN.failing;
    const d = MAP_PLAN.durations(i);
    const traceId = randomBytes(16).toString("hex");
    const id = () => randomBytes(8).toString("hex");
    const t0 = now - 30 * 60_000 + i * 150_000;
    const span = (spanId, parentSpanId, name, kind, from, dur, attributes, error) => ({
      traceId, spanId, parentSpanId, name, kind, attributes,
      startTimeUnixNano: String(BigInt(t0 + from) * 1_000_000n), endTimeUnixNano: String(BigInt(t0 + from + dur) * 1_000_000n),
      ...(error ? { status: { code: 2, message: error } } : {}),
    });
    const [web, webCall, api, db, apiCall, pay] = [id(), id(), id(), id(), id(), id()];
    byService["sm-web"].push(
      span(web, undefined, "GET /checkout", 2, 0, d.web, [str("http.request.method", "GET"), str("http.route", "/checkout"), int("http.response.status_code", fail ? 500 : 200)], fail && "checkout failed"),
      span(webCall, web, "POST", 3, 5, d.api + 10, [str("http.request.method", "POST"), str("url.full", "http://sm-api:8080/api/cart"), int("http.response.status_code", fail ? 502 : 200)], fail && "HTTP 502"),
    );
    byService["sm-api"].push(
      span(api, webCall, "POST /api/cart", 2, 10, d.api, [str("http.request.method", "POST"), str("http.route", "/api/cart"), int("http.response.status_code", fail ? 502 : 200)], fail && "payment failed"),
      span(db, api, "SELECT cart", 3, 15, d.db, [str("db.system", "postgresql"), str("server.address", "cart-db")]),
      span(apiCall, api, "POST", 3, 40, d.payments + 5, [str("http.request.method", "POST"), str("url.full", "http://sm-payments:8080/charge"), int("http.response.status_code", fail ? 500 : 200)], fail && "HTTP 500"),
    );
    const payment = span(pay, apiCall, "POST /charge", 2, 45, d.payments, [str("http.request.method", "POST"), str("http.route", "/charge"), int("http.response.status_code", fail ? 500 : 200)], fail && "card network down");
    paymentStarts.push(t0 + 45);
    if (i === 0) failing = { traceId, spanId: pay, time: payment.endTimeUnixNano };
    if (fail) payment.events = [{ timeUnixNano: payment.endTimeUnixNano, name: "exception", attributes: [str("exception.type", "NetworkError"), str("exception.message", "card network down")] }];
    byService["sm-payments"].push(payment);
  }
  const resourceSpans = Object.entries(byService).map(([service, spans]) => ({ resource: { attributes: [str("service.name", service)] }, scopeSpans: [{ scope: { name: "ui-test" }, spans }] }));
  await post(`http://${addrs.otlpHTTP}/v1/traces`, { resourceSpans });
  await post(`http://${addrs.otlpHTTP}/v1/logs`, { resourceLogs: [{ resource: { attributes: [str("service.name", "sm-payments")] }, scopeLogs: [{ scope: { name: "ui-test" }, logRecords: [
    { timeUnixNano: failing.time, severityNumber: 17, severityText: "ERROR", body: { stringValue: "charge failed: card network down" }, traceId: failing.traceId, spanId: failing.spanId },
  ] }] }] });
  await post(`http://${addrs.http}/api/1/item/`, {
    data: {
      environment: "ui-test", level: "error", request: { method: "POST", url: "http://sm-payments:8080/charge" },
      body: { trace: { frames: [{ filename: "payments/charge.go", method: "Charge", lineno: 88 }], exception: { class: "NetworkError", message: "card network down" } } },
      custom: { trace_id: failing.traceId },
    },
  }, { "X-Rollbar-Access-Token": "any-token-open-local-mode" });
  return { failingTrace: failing.traceId, paymentStarts };
}

/**
 * SAMPLING: the rules sendSampling creates (besides Default), what one SDK
 * client reports for each (requests, sampled), and the segments that
 * arrived under each rule. Shop is written with the classic mistake: its
 * ServiceName is the application's name, not the segment name ui-test-shop.
 */
export const SAMPLING = {
  client: "5a3c1e0f9b2d4c6e8a0b1c2d",
  rules: [
    { RuleName: "health-check", Priority: 100, ServiceName: "*", URLPath: "/health*", FixedRate: 0, ReservoirSize: 0 },
    { RuleName: "checkout", Priority: 1000, ServiceName: "ui-test-shop", URLPath: "/checkout*", FixedRate: 1, ReservoirSize: 0 },
    { RuleName: "Shop", Priority: 9000, ServiceName: "Shop", URLPath: "*", FixedRate: 0.1, ReservoirSize: 5 },
  ],
  reports: { "health-check": [6, 0], checkout: [5, 5], Default: [12, 1] },
  arrived: { checkout: 2, Default: 1 },
};

/** sendSampling creates SAMPLING's rules, sends the segments that arrived (over UDP), waits until they are stored, then reports the statistics. */
export async function sendSampling(addrs) {
  const base = `http://${addrs.http}`;
  for (const r of SAMPLING.rules) {
    await post(`${base}/CreateSamplingRule`, { SamplingRule: { ServiceType: "*", Host: "*", HTTPMethod: "*", ResourceARN: "*", Version: 1, ...r } });
  }
  const [host, port] = [addrs.xrayUDP.slice(0, addrs.xrayUDP.lastIndexOf(":")), Number(addrs.xrayUDP.slice(addrs.xrayUDP.lastIndexOf(":") + 1))];
  const now = Date.now() / 1000;
  const epoch = Math.floor(now).toString(16).padStart(8, "0");
  const docs = Object.entries(SAMPLING.arrived).flatMap(([rule, n]) =>
    Array.from({ length: n }, (_, i) => ({
      name: "ui-test-shop", id: randomBytes(8).toString("hex"), trace_id: `1-${epoch}-${randomBytes(12).toString("hex")}`, start_time: now - 1 - i * 0.01, end_time: now - 0.9 - i * 0.01,
      http: { request: { method: "GET", url: `http://localhost:8080${rule === "checkout" ? "/checkout/pay" : "/cart"}` }, response: { status: 200 } },
      aws: { xray: { sdk: "X-Ray for Go", sdk_version: "1.8.5", sampling_rule_name: rule } },
    })),
  );
  const sock = createSocket(host.includes(":") ? "udp6" : "udp4");
  try {
    for (const d of docs) {
      const msg = Buffer.from('{"format": "json", "version": 1}\n' + JSON.stringify(d));
      await new Promise((res, rej) => sock.send(msg, port, host.replace(/^\[|\]$/g, ""), (err) => (err ? rej(err) : res())));
    }
  } finally {
    sock.close();
  }
  for (const [rule, n] of Object.entries(SAMPLING.arrived)) {
    await eventually(`the segments sampled by ${rule}`, async () => {
      const r = await getJSON(`${base}/api/search?tags=${encodeURIComponent(`aws.xray.sampling_rule_name=${rule}`)}&start=1h`);
      return (r.traces ?? []).length === n;
    });
  }
  const ts = Math.floor(Date.now() / 1000);
  await post(`${base}/SamplingTargets`, {
    SamplingStatisticsDocuments: Object.entries(SAMPLING.reports).map(([RuleName, [RequestCount, SampledCount]]) => ({
      RuleName, ClientID: SAMPLING.client, Timestamp: ts, RequestCount, SampledCount, BorrowCount: 0,
    })),
  });
}
