/**
 * Reading a request's main input: the `data` part (TorchServe's convention), else `body` (a raw
 * body), else the first part; and its JSON when it is JSON.
 * @module
 */
import { HandlerInputError } from '../errors.js';
import type { PredictionRequest, RequestPart } from './handler.js';

const utf8 = new TextDecoder();

/** The part a single-input handler reads. */
export function mainPart(request: PredictionRequest): RequestPart {
  const part = request.get('data') ?? request.get('body') ?? request.values().next().value;
  if (!part || part.bytes.length === 0) throw new HandlerInputError('the request has no input (send a body, or a form part named data)');
  return part;
}

/** Whether a part is JSON by its content type, or (without one) by its first character. */
export function isJson(part: RequestPart): boolean {
  if (/^application\/(.+\+)?json\b/i.test(part.contentType)) return true;
  if (part.contentType !== '' && !/^text\/plain\b/i.test(part.contentType)) return false;
  const first = utf8.decode(part.bytes.subarray(0, 64)).trimStart()[0];
  return first === '{' || first === '[';
}

/** The part's JSON; malformed JSON is a HandlerInputError with the parser's message. */
export function parseJson(part: RequestPart): unknown {
  try {
    return JSON.parse(utf8.decode(part.bytes));
  } catch (error) {
    throw new HandlerInputError(`the body is not valid JSON: ${(error as Error).message}`);
  }
}
