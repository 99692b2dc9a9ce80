// Captures the OTLP/JSON bodies that the official OpenTelemetry JS HTTP
// exporters send (the ones browser apps use), for the receiver's testdata.
// Usage: node capture.mjs OUTDIR  (run by TestCaptureNodePayloads -update-node)
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { trace, context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { LoggerProvider, BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';

const outDir = process.argv[2];
const bodies = {};
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    (bodies[req.url] ??= []).push({ type: req.headers['content-type'], body: Buffer.concat(chunks) });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{}');
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const resource = resourceFromAttributes({ 'service.name': 'frontend', 'service.version': '2.0.0', 'process.pid': 42 });
const tp = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${base}/v1/traces` }))] });
const tracer = tp.getTracer('lookout-node-capture', '1.0.0');
const t0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const root = tracer.startSpan('GET /checkout', {
  kind: SpanKind.SERVER, startTime: t0,
  attributes: { 'http.request.method': 'GET', 'http.response.status_code': 200, ratio: 0.5, ok: true,
    tags: ['a', 'b'], counts: [1, 2, 3] },
});
root.addEvent('render', { 'dom.nodes': 512 }, t0 + 3);
const child = tracer.startSpan('fetch /api/cart', { kind: SpanKind.CLIENT, startTime: t0 + 1,
  links: [{ context: root.spanContext(), attributes: { 'link.reason': 'retry' } }] },
  trace.setSpan(context.active(), root));
child.recordException(new Error('network down'), t0 + 2);
child.setStatus({ code: SpanStatusCode.ERROR, message: 'fetch failed' });
child.end(t0 + 4);
root.setStatus({ code: SpanStatusCode.OK });
root.end(t0 + 10);
await tp.forceFlush();
await tp.shutdown();

const lp = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${base}/v1/logs` }) })] });
const logger = lp.getLogger('lookout-node-capture', '1.0.0');
logger.emit({ timestamp: t0 + 5, severityNumber: SeverityNumber.WARN, severityText: 'WARN', body: 'cart is empty',
  attributes: { 'user.id': 'u-1', attempt: 2 }, context: trace.setSpan(context.active(), root) });
logger.emit({ timestamp: t0 + 6, severityNumber: SeverityNumber.ERROR, eventName: 'checkout.failed',
  body: { reason: 'payment', amount: 12.5, items: [1, 2] } });
await lp.forceFlush();
await lp.shutdown();

// Metrics as sdk-node exports them by default: cumulative, every 60 s (here
// once, on shutdown).
const mp = new MeterProvider({ resource, readers: [new PeriodicExportingMetricReader({
  exporter: new OTLPMetricExporter({ url: `${base}/v1/metrics` }), exportIntervalMillis: 3600000 })] });
const meter = mp.getMeter('lookout-node-capture', '1.0.0');
const orders = meter.createCounter('shop.orders', { unit: '{order}', description: 'orders placed' });
orders.add(3, { method: 'card' });
orders.add(2, { method: 'card' });
meter.createUpDownCounter('shop.queue.depth').add(-4);
meter.createGauge('shop.cpu.temp', { unit: 'Cel' }).record(41.25);
const latency = meter.createHistogram('shop.latency', { unit: 'ms', advice: { explicitBucketBoundaries: [10, 100] } });
for (const v of [5, 50, 50, 500]) latency.record(v);
await mp.shutdown();
server.close();

for (const [url, file] of [['/v1/traces', 'traces_node_sdk.json'], ['/v1/logs', 'logs_node_sdk.json'],
  ['/v1/metrics', 'metrics_node_sdk.json']]) {
  const got = bodies[url] ?? [];
  if (got.length === 0) throw new Error(`no request to ${url}`);
  if (!got[0].type.startsWith('application/json')) throw new Error(`${url}: content type ${got[0].type}`);
  if (got.length !== 1) throw new Error(`${url}: ${got.length} requests, want 1`);
  fs.writeFileSync(path.join(outDir, file), got[0].body);
}
