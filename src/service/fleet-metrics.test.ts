import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WORKER_METRIC_NAMES, workerMetricsText } from './fleet-metrics.ts';

test('worker metrics: every family, a worker label (escaped), a cumulative histogram; nothing without workers', () => {
  assert.equal(workerMetricsText([]), '');
  const text = workerMetricsText([
    {
      worker: 'host "a"\\1',
      starts: 2,
      kills: 1,
      failedJobs: 3,
      cycles: { rebalanced: 4, nothing_to_do: 1 },
      ordersSent: 8,
      ordersFilled: 7,
      recoveries: 1,
      latency: {
        buckets: [
          [0.1, 2],
          [1, 5],
        ],
        sum: 1.25,
        count: 5,
      },
    },
  ]);
  for (const name of WORKER_METRIC_NAMES) assert.match(text, new RegExp(`^# TYPE ${name} (counter|histogram)$`, 'm'));
  const w = 'worker="host \\"a\\"\\\\1"';
  for (const line of [
    `ballast_worker_cycles_total{${w},decision="rebalanced"} 4`,
    `ballast_worker_cycles_total{${w},decision="nothing_to_do"} 1`,
    `ballast_worker_cycle_duration_seconds_bucket{${w},le="0.1"} 2`,
    `ballast_worker_cycle_duration_seconds_bucket{${w},le="1"} 5`,
    `ballast_worker_cycle_duration_seconds_bucket{${w},le="+Inf"} 5`,
    `ballast_worker_cycle_duration_seconds_sum{${w}} 1.25`,
    `ballast_worker_cycle_duration_seconds_count{${w}} 5`,
    `ballast_worker_orders_sent_total{${w}} 8`,
    `ballast_worker_orders_filled_total{${w}} 7`,
    `ballast_worker_jobs_failed_total{${w}} 3`,
    `ballast_worker_recoveries_total{${w}} 1`,
    `ballast_worker_starts_total{${w}} 2`,
    `ballast_worker_kills_total{${w}} 1`,
  ])
    assert.ok(text.split('\n').includes(line), line);
  assert.ok(text.endsWith('\n'));
});
