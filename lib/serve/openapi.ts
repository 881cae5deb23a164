/**
 * The OpenAPI 3 documents `OPTIONS /` answers on the inference and management listeners (as
 * TorchServe's API description does): every route with its parameters and answers.
 * @module
 */
import { NODETORCH_VERSION } from '../train/checkpoint.js';

type Operation = {
  operationId: string;
  summary: string;
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
};

const pathParam = (name: string, description: string) => ({ in: 'path', name, required: true, description, schema: { type: 'string' } });
const queryParam = (name: string, description: string, type = 'string') => ({
  in: 'query',
  name,
  required: false,
  description,
  schema: { type },
});
const json = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });
const errors = { '400': json('Bad request'), '404': json('Model not found'), '503': json('No worker / queue full') };
const model = pathParam('model_name', 'Name of the model');
const version = pathParam('model_version', 'Version of the model');

function document(title: string, paths: Record<string, Record<string, Operation>>): Record<string, unknown> {
  return {
    openapi: '3.0.1',
    info: { title, description: `${title} of nodetorch serve (TorchServe and KServe v2 compatible)`, version: NODETORCH_VERSION },
    paths,
  };
}

/** The binary tensor data extension's header on KServe v2 infer requests (and answers). */
const binaryHeader = {
  name: 'Inference-Header-Content-Length',
  in: 'header',
  required: false,
  description: 'Binary tensor data extension: the body is this many bytes of JSON, then the inputs that give parameters.binary_data_size',
  schema: { type: 'integer', minimum: 0 },
};

/** The inference API's document. */
export function inferenceApiDocument(): Record<string, unknown> {
  const predict = (params: unknown[]): Operation => ({
    operationId: params.length === 1 ? 'predictions' : 'version_predictions',
    summary: 'Predictions entry point: the body (or each form part) goes to the model handler.',
    parameters: params,
    requestBody: {
      description: 'Input data (JSON {"data": ...}, an image, or a form)',
      content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
    },
    responses: { '200': json('The handler result'), ...errors, '408': json('Timed out'), '413': json('Request too large') },
  });
  const v2 = (operationId: string, summary: string, parameters: unknown[] = []): Operation => ({
    operationId,
    summary,
    parameters,
    responses: { '200': json(summary), ...errors },
  });
  return document('Inference API', {
    '/': { options: { operationId: 'apiDescription', summary: 'This document.', responses: { '200': json('OpenAPI 3 document') } } },
    '/api-description': {
      get: { operationId: 'getApiDescription', summary: 'This document.', responses: { '200': json('OpenAPI 3 document') } },
    },
    '/ping': {
      get: {
        operationId: 'ping',
        summary: 'Health: Healthy, or Unhealthy (500) when a model lacks its workers.',
        responses: { '200': json('Healthy'), '500': json('Unhealthy') },
      },
    },
    '/predictions/{model_name}': { post: predict([model]) },
    '/predictions/{model_name}/{model_version}': { post: predict([model, version]) },
    '/v1/models/{model_name}:predict': {
      post: v2('kserveV1Predict', 'KServe v1: {"instances": [...]} to {"predictions": [...]}', [model]),
    },
    '/v2': { get: v2('serverMetadata', 'Server name, version and extensions') },
    '/v2/health/live': { get: v2('serverLive', 'Liveness') },
    '/v2/health/ready': { get: v2('serverReady', 'Readiness') },
    '/v2/models/{model_name}': { get: v2('modelMetadata', 'Model metadata: inputs and outputs', [model]) },
    '/v2/models/{model_name}/versions/{model_version}': { get: v2('modelVersionMetadata', 'Model version metadata', [model, version]) },
    '/v2/models/{model_name}/ready': { get: v2('modelReady', 'Model readiness', [model]) },
    '/v2/models/{model_name}/versions/{model_version}/ready': { get: v2('modelVersionReady', 'Model version readiness', [model, version]) },
    '/v2/models/{model_name}/infer': { post: v2('modelInfer', 'Inference (Open Inference Protocol)', [model, binaryHeader]) },
    '/v2/models/{model_name}/versions/{model_version}/infer': {
      post: v2('modelVersionInfer', 'Inference on a version', [model, version, binaryHeader]),
    },
  });
}

/** The management API's document. */
export function managementApiDocument(): Record<string, unknown> {
  const op = (operationId: string, summary: string, parameters: unknown[] = [], extra: Record<string, unknown> = {}): Operation => ({
    operationId,
    summary,
    parameters,
    responses: { '200': json(summary), ...errors, ...extra },
  });
  const registerParams = [
    queryParam('url', 'Model file in the store, or an allowed URL'),
    queryParam('model_name', 'Name to register under'),
    queryParam('batch_size', 'Requests per batch', 'integer'),
    queryParam('max_batch_delay', 'Milliseconds to fill a batch', 'integer'),
    queryParam('initial_workers', 'Workers to start', 'integer'),
    queryParam('synchronous', 'Wait for the workers', 'boolean'),
    queryParam('response_timeout', 'Seconds per request', 'integer'),
    queryParam('handler', 'Handler name'),
  ];
  const scaleParams = [
    queryParam('min_worker', 'Workers', 'integer'),
    queryParam('max_worker', 'Most workers', 'integer'),
    queryParam('synchronous', 'Wait', 'boolean'),
  ];
  return document('Management API', {
    '/': { options: { operationId: 'apiDescription', summary: 'This document.', responses: { '200': json('OpenAPI 3 document') } } },
    '/models': {
      get: op('listModels', 'Registered models', [
        queryParam('limit', 'Page size (100)', 'integer'),
        queryParam('next_page_token', 'Where the page starts'),
      ]),
      post: op('registerModel', 'Register a model', registerParams, {
        '202': json('Processing worker updates...'),
        '409': json('Already registered'),
      }),
    },
    '/models/{model_name}': {
      get: op('describeModel', 'The default version of a model', [model]),
      put: op('setAutoScale', 'Scale workers', [model, ...scaleParams], { '202': json('Processing worker updates...') }),
      delete: op('unregisterModel', 'Unregister the default version', [model], { '403': json('Default version while others exist') }),
    },
    '/models/{model_name}/all': { get: op('describeModelAll', 'Every version of a model', [model]) },
    '/models/{model_name}/{model_version}': {
      get: op('describeModelVersion', 'A version of a model', [model, version]),
      put: op('versionSetAutoScale', 'Scale a version', [model, version, ...scaleParams], { '202': json('Processing worker updates...') }),
      delete: op('unregisterModelVersion', 'Unregister a version', [model, version], { '403': json('Default version while others exist') }),
    },
    '/models/{model_name}/{model_version}/set-default': { put: op('setDefault', 'Make a version the default', [model, version]) },
  });
}
