/**
 * The metrics listener: `GET /metrics[?name[]=a&name[]=b]` in Prometheus text format 0.0.4, and
 * the monitoring page that shows the same numbers (`GET /monitoring`, `GET /monitoring/summary.json`).
 * @module
 */
import type { FastifyInstance } from 'fastify';
import type { ServeMetrics } from '../metrics.js';
import { routes } from './common.js';
import { addMonitoringPageRoutes } from './monitoring-page.js';

/** Registers /metrics and the monitoring page on `app`. */
export function addMetricsRoutes(app: FastifyInstance, metrics: ServeMetrics): void {
  routes(app, '/metrics', {
    GET: async (request, reply) => {
      const query = request.query as Record<string, string | string[] | undefined>;
      const asked = query['name[]'] ?? query.name;
      const names = asked === undefined ? [] : Array.isArray(asked) ? asked : [asked];
      return reply
        .code(200)
        .type(metrics.contentType)
        .send(await metrics.render(names));
    },
  });
  addMonitoringPageRoutes(app, metrics);
}
