// The metrics the browser test sends for the Metrics page (sendMetrics):
// over OTLP/HTTP JSON, a cumulative counter of two series (kind web and
// api) in two exports, and a histogram whose exemplar lies in the trace of
// seed.mjs's sendData.

import { post } from "./common.mjs";

/** METRICS: what sendMetrics sends and the checks expect: each kind's increase over the range. */
export const METRICS = { counter: "ui.orders", histogram: "ui.latency", increase: { web: 20, api: 3 } };

export async function sendMetrics(addrs, ids) {
  const ns = (minutesAgo) => String(BigInt(Date.now() - minutesAgo * 60_000) * 1_000_000n);
  const str = (key, v) => ({ key, value: { stringValue: v } });
  // Cumulative since 10 minutes ago, within the page's hour: each series' last value is its increase.
  const counter = (minutesAgo, web, api) => ({
    name: METRICS.counter, unit: "{order}",
    sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [
      { attributes: [str("kind", "web")], startTimeUnixNano: ns(10), timeUnixNano: ns(minutesAgo), asInt: String(web) },
      { attributes: [str("kind", "api")], startTimeUnixNano: ns(10), timeUnixNano: ns(minutesAgo), asInt: String(api) },
    ] },
  });
  const histogram = {
    name: METRICS.histogram, unit: "ms",
    histogram: { aggregationTemporality: 1, dataPoints: [{
      startTimeUnixNano: ns(3), timeUnixNano: ns(2), count: "4", sum: 130, explicitBounds: [10, 50, 100], bucketCounts: ["1", "2", "1", "0"],
      exemplars: [{ timeUnixNano: ns(2), asDouble: 75, traceId: ids.trace, spanId: ids.grandchild }],
    }] },
  };
  for (const metrics of [[counter(3, 12, 1), histogram], [counter(1, METRICS.increase.web, METRICS.increase.api)]]) {
    await post(`http://${addrs.otlpHTTP}/v1/metrics`, {
      resourceMetrics: [{ resource: { attributes: [str("service.name", ids.service)] }, scopeMetrics: [{ scope: { name: "ui-test" }, metrics }] }],
    });
  }
}
