// Runs the OpenTelemetry Node SDK as an application gets it: NodeSDK with
// nothing but the environment (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME),
// so traces, metrics and logs go out through its default OTLP exporters.
// It records a span, a log record in it, a counter and a histogram, shuts the
// SDK down (which exports everything), and prints what it sent as JSON. Every
// error the SDK reports is printed on stderr and fails the run (exit 1).
// Usage: node sdk.mjs  (run by test/compat/node_sdk_test.go)
import { diag, DiagLogLevel, context, metrics, trace } from '@opentelemetry/api';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import { NodeSDK } from '@opentelemetry/sdk-node';

const errors = [];
const warnings = [];
const join = (args) => args.map((a) => (a instanceof Error ? a.stack : typeof a === 'object' ? JSON.stringify(a) : String(a))).join(' ');
diag.setLogger({
  error: (...a) => errors.push(join(a)),
  warn: (...a) => warnings.push(join(a)),
  info() {}, debug() {}, verbose() {},
}, DiagLogLevel.WARN);

const sdk = new NodeSDK();
sdk.start();

const tracer = trace.getTracer('lookout-compat-node');
const meter = metrics.getMeter('lookout-compat-node');
const logger = logs.getLogger('lookout-compat-node');

const orders = meter.createCounter('node.orders', { unit: '{order}', description: 'orders placed' });
const latency = meter.createHistogram('node.latency', { unit: 'ms' });

const span = tracer.startSpan('POST /checkout', { attributes: { 'http.request.method': 'POST' } });
context.with(trace.setSpan(context.active(), span), () => {
  orders.add(30, { kind: 'web' });
  orders.add(5, { kind: 'api' });
  for (let v = 1; v <= 100; v++) latency.record(v);
  logger.emit({ severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: 'checkout done', attributes: { 'order.count': 35 } });
});
span.end();

await sdk.shutdown();
for (const w of warnings) console.error(`warn: ${w}`);
if (errors.length > 0) {
  for (const e of errors) console.error(`error: ${e}`);
  process.exit(1);
}
console.log(JSON.stringify({ traceId: span.spanContext().traceId, warnings: warnings.length }));
