/**
 * What every listener shares: an `x-request-id` (a UUID) on every response, bodies taken as bytes
 * whatever their content type (each route decides how to read them), the request size limit
 * (413 above it), and TorchServe's error body `{code, type, message}` (KServe's `{error}` under
 * /v2) for thrown errors, unknown routes (404) and known routes with another method (405).
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods, RouteHandlerMethod } from 'fastify';
import { methodNotAllowed, resourceNotFound, ServeError } from '../errors.js';

/** Methods a route answers 405 to when it does not serve them (HEAD follows GET). */
const METHODS: HTTPMethods[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/** Whether a URL is a KServe v2 route (answered with `{error}` bodies). */
export function isKServe(url: string): boolean {
  return url === '/v2' || url.startsWith('/v2/') || url.startsWith('/v2?');
}

/** TorchServe's error body, pretty-printed as TorchServe prints it. */
export function errorBody(error: ServeError): string {
  return JSON.stringify({ code: error.code, type: error.type, message: error.message }, null, 2);
}

/** Sends `error` in the shape of the route's protocol. */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: ServeError): FastifyReply {
  reply.code(error.code).type('application/json');
  return reply.send(isKServe(request.url) ? JSON.stringify({ error: error.message }) : errorBody(error));
}

/** Sends a JSON value pretty-printed (TorchServe's style). */
export function sendJson(reply: FastifyReply, value: unknown, code = 200): FastifyReply {
  return reply
    .code(code)
    .type('application/json')
    .send(JSON.stringify(value, null, 2));
}

/** Any thrown error as a ServeError: Fastify's own (body too large, bad headers) mapped to TorchServe's names. */
export function asServeError(error: unknown, maxRequestSize: number): ServeError {
  if (error instanceof ServeError) return error;
  const fastifyError = error as { code?: string; statusCode?: number; message?: string };
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fastifyError.statusCode === 413)
    return new ServeError(413, 'RequestEntityTooLargeException', `Request body is larger than max_request_size (${maxRequestSize} bytes)`);
  if (fastifyError.statusCode !== undefined && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500)
    return new ServeError(fastifyError.statusCode, 'BadRequestException', fastifyError.message ?? 'Bad request');
  if (/out of memory|CUDA out of memory|can't allocate memory|DefaultCPUAllocator/i.test(fastifyError.message ?? ''))
    return new ServeError(507, 'OutOfMemoryException', 'Out of memory');
  return new ServeError(500, 'InternalServerException', fastifyError.message ?? 'Internal server error');
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser rejects (not HTTP, headers too large)
 * still gets an x-request-id and TorchServe's error body before the connection closes.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const body = errorBody(
    new ServeError(status, 'BadRequestException', tooLarge ? 'Request headers are too large' : 'Malformed HTTP request'),
  );
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nx-request-id: ${randomUUID()}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** Installs the request id, the byte-body parser and the error and not-found handlers. */
export function installCommon(app: FastifyInstance, maxRequestSize: number): void {
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('x-request-id', randomUUID());
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxRequestSize }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error, request, reply) => {
    const serveError = asServeError(error, maxRequestSize);
    if (serveError.code >= 500) request.log.error({ err: error }, 'request failed');
    return sendError(request, reply, serveError);
  });
  app.setNotFoundHandler((request, reply) => sendError(request, reply, resourceNotFound()));
}

/** Registers `handlers` by method on `url`; the other methods answer 405. */
export function routes(app: FastifyInstance, url: string, handlers: Partial<Record<HTTPMethods, RouteHandlerMethod>>): void {
  for (const method of METHODS) {
    const handler = handlers[method];
    app.route({
      method,
      url,
      handler: handler ?? (async (request, reply) => sendError(request, reply, methodNotAllowed())),
      ...(method === 'GET' && !handler ? { exposeHeadRoute: false } : {}),
    });
  }
}

/** The request's body bytes (empty when there is none). */
export function bodyBytes(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}
