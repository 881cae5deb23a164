/**
 * TorchServe's token API on the management listener: `GET /token?type=management|inference` with
 * `Authorization: Bearer <API key>` replaces that key with a fresh one (expiring after
 * token_expiration_min minutes) and answers it; the old key stops working at once.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { checkApiKey, regenerateKey, type KeyFile } from '../auth.js';
import { badRequest } from '../errors.js';
import { routes, sendJson } from './common.js';

/** The route the management listener's token check leaves to this module (it takes the API key instead). */
export const TOKEN_ROUTE = '/token';

/** Registers `GET /token` on `app` (the management listener). */
export function addTokenRoute(app: FastifyInstance, keys: KeyFile, file: string, minutes: number): void {
  routes(app, TOKEN_ROUTE, {
    GET: async (request, reply) => {
      checkApiKey(keys, request.headers.authorization);
      const type = (request.query as Record<string, unknown>).type;
      if (type !== 'management' && type !== 'inference')
        throw badRequest(`Parameter type must be management or inference, got ${JSON.stringify(type ?? null)}.`);
      const fresh = await regenerateKey(keys, file, type, minutes);
      return sendJson(reply, { [type]: fresh });
    },
  });
}
