import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { MetadataStore } from '../store/metadata-store.js';

/** The server's Prometheus metrics, served as text at GET /metrics. */
export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'keepsake_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly opOutcomes = new Counter({
    name: 'keepsake_op_outcomes_total',
    help: 'Submitted ops by outcome: applied, merged, rejected, duplicate, retry',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly uploadBytes = new Counter({
    name: 'keepsake_upload_bytes_total',
    help: 'Bytes of completed, verified uploads',
    registers: [this.registry],
  });

  constructor(store: MetadataStore) {
    collectDefaultMetrics({ register: this.registry, prefix: 'keepsake_' });
    new Gauge({
      name: 'keepsake_feed_lag_ops',
      help: 'How many change-log entries each active device has not yet read',
      labelNames: ['device', 'user'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const device of await store.activeDevices()) {
          this.set(
            { device: device.id, user: device.userId },
            Math.max(0, device.head - device.ackedSeq),
          );
        }
      },
    });
  }
}
