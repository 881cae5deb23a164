/**
 * The drift report on the metrics listener: `GET /monitoring/drift[?model=NAME]` (HTML, with the
 * per-feature plots of torch.monitor's report) and `GET /monitoring/drift.json` (the check's
 * result and window). Each request runs a fresh check of the model's recent predictions; when it
 * cannot (too few predictions yet, a reference that does not match), the last good report is
 * served, or the reason with 503 (too few) or 500 (a check that fails) when there is none.
 * @module
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { WindowTooSmallError } from '../../monitor/errors.js';
import { badRequest, ServeError } from '../errors.js';
import type { ServeMonitoring } from '../monitoring.js';
import { routes, sendJson } from './common.js';

/** The model a drift request is about: `?model=`, or the only monitored one. */
function driftModel(request: FastifyRequest, monitoring: ServeMonitoring): string {
  const monitored = monitoring.monitoredModels();
  const asked = (request.query as Record<string, unknown>).model;
  if (monitored.length === 0)
    throw new ServeError(
      404,
      'ResourceNotFoundException',
      'Drift monitoring is off: start the server with prediction_log and drift_reference',
    );
  const list = monitored.map((name) => `'${name}'`).join(', ');
  if (asked === undefined) {
    if (monitored.length === 1) return monitored[0]!;
    throw badRequest(`Several models are monitored (${list}): name one with ?model=NAME`);
  }
  if (typeof asked !== 'string' || !monitored.includes(asked))
    throw new ServeError(
      404,
      'ModelNotFoundException',
      `Model ${typeof asked === 'string' ? `'${asked}'` : JSON.stringify(asked)} has no drift monitoring (monitored: ${list})`,
    );
  return asked;
}

function reportOf(request: FastifyRequest, monitoring: ServeMonitoring) {
  const model = driftModel(request, monitoring);
  try {
    return { model, report: monitoring.report(model) };
  } catch (error) {
    if (error instanceof WindowTooSmallError) throw new ServeError(503, 'ServiceUnavailableException', error.message);
    throw new ServeError(500, 'InternalServerException', `Drift check of model '${model}' failed: ${(error as Error).message}`);
  }
}

/** Registers the drift report's routes on `app` (the metrics listener). */
export function addMonitoringRoutes(app: FastifyInstance, monitoring: ServeMonitoring): void {
  routes(app, '/monitoring/drift', {
    GET: async (request, reply) => reply.code(200).type('text/html; charset=utf-8').send(reportOf(request, monitoring).report.html),
  });
  routes(app, '/monitoring/drift.json', {
    GET: async (request, reply) => {
      const { model, report } = reportOf(request, monitoring);
      const { check } = report;
      return sendJson(reply, {
        model,
        checkedAt: new Date(check.checkedAt).toISOString(),
        window: { rows: check.window.rows, from: new Date(check.window.from).toISOString(), to: new Date(check.window.to).toISOString() },
        ...check.result,
      });
    },
  });
}
