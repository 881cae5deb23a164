/**
 * Errors the server answers with: TorchServe's `{code, type, message}` body on its routes, and
 * KServe v2's `{error}` on /v2 (lib/serve/http/errors.ts writes them).
 * @module
 */

/** An error with the HTTP status, TorchServe exception name and message a client gets. */
export class ServeError extends Error {
  /**
   * An error answered with `code`, `type` and `message`.
   * @param code HTTP status.
   * @param type TorchServe's exception name (`ModelNotFoundException`, ...).
   * @param message The text clients see.
   */
  constructor(
    readonly code: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'ServeError';
  }
}

/** 400 `BadRequestException`: the request itself is wrong (a parameter, the body, a shape). */
export function badRequest(message: string): ServeError {
  return new ServeError(400, 'BadRequestException', message);
}

/** 404 `ModelNotFoundException`. */
export function modelNotFound(model: string): ServeError {
  return new ServeError(404, 'ModelNotFoundException', `Model not found: ${model}`);
}

/** 404 `ModelVersionNotFoundException`. */
export function versionNotFound(model: string, version: string): ServeError {
  return new ServeError(404, 'ModelVersionNotFoundException', `Model version: ${version} does not exist for model: ${model}`);
}

/** 404 `ResourceNotFoundException`: no such route. */
export function resourceNotFound(): ServeError {
  return new ServeError(404, 'ResourceNotFoundException', 'Requested resource is not found, please refer to API document.');
}

/** 405 `MethodNotAllowedException`: the route exists, the method does not. */
export function methodNotAllowed(): ServeError {
  return new ServeError(405, 'MethodNotAllowedException', 'Requested method is not allowed, please refer to API document.');
}

/** 503 (or the configured status) when a model's queue is full or it has no worker. */
export function noWorker(model: string, status = 503): ServeError {
  return new ServeError(
    status,
    'ServiceUnavailableException',
    `Model "${model}" has no worker to serve inference request. Please use scale workers API to add workers.`,
  );
}

/** 503 `InternalServerException`: the handler or the model failed on a well-formed request. */
export function predictionFailed(): ServeError {
  return new ServeError(503, 'InternalServerException', 'Prediction failed');
}

/** 408 `RequestTimeoutException`: no answer within the model's response timeout. */
export function requestTimedOut(model: string, seconds: number): ServeError {
  return new ServeError(408, 'RequestTimeoutException', `Model "${model}" did not answer within its response timeout of ${seconds} s`);
}

/**
 * Thrown by a handler's preprocess for input it cannot use (not an image, a wrong shape): the
 * client gets 400 with this message rather than 503 "Prediction failed".
 */
export class HandlerInputError extends Error {
  /**
   * An input error the client is told about.
   * @param message What is wrong with the input.
   */
  constructor(message: string) {
    super(message);
    this.name = 'HandlerInputError';
  }
}
