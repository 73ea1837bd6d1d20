// Loaded into Byline by bench/run.ts (node --import ./bench/probe.mjs dist/main.js): where
// the p99 comes from. Over a window the bench opens ('reset') and closes ('report', answered
// over the IPC channel), it measures the event loop's delay (perf_hooks), the time each
// request for a pooled PostgreSQL connection waits for one (pg.Pool#connect), and GC pauses.
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import pg from 'pg';

const loop = monitorEventLoopDelay({ resolution: 5 });
let waits = [];
let gcs = [];

const connect = pg.Pool.prototype.connect;
pg.Pool.prototype.connect = function timedConnect(callback) {
  const asked = performance.now();
  const record = () => waits.length < 1_000_000 && waits.push(performance.now() - asked);
  if (typeof callback === 'function') {
    return connect.call(this, (error, client, done) => {
      record();
      callback(error, client, done);
    });
  }
  return connect.call(this).then((client) => {
    record();
    return client;
  });
};

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcs.push(entry.duration);
}).observe({ entryTypes: ['gc'] });

const quantile = (values, q) => {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const round = (x) => Math.round(x * 10) / 10;

if (process.send) {
  loop.enable();
  process.on('message', (message) => {
    if (message === 'reset') {
      loop.reset();
      waits = [];
      gcs = [];
    } else if (message === 'report') {
      process.send({
        eventLoopDelayMs: { p50: round(loop.percentile(50) / 1e6), p99: round(loop.percentile(99) / 1e6), max: round(loop.max / 1e6) },
        poolWaitMs: { count: waits.length, p50: round(quantile(waits, 0.5)), p99: round(quantile(waits, 0.99)), max: round(quantile(waits, 1)) },
        gc: { count: gcs.length, totalMs: round(gcs.reduce((a, b) => a + b, 0)), maxMs: round(quantile(gcs, 1)) },
      });
    }
  });
  // The channel must not keep a process that is shutting down alive.
  process.channel?.unref();
}
