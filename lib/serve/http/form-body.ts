/**
 * A /predictions body as named inputs, as TorchServe gives them to handlers: multipart/form-data
 * (busboy) and urlencoded forms give one input per part or field; any other body is one input
 * named `body` with its content type. A "form" that is one key without a value (curl -d sends
 * JSON so) is taken as the body.
 * @module
 */
import Busboy from 'busboy';
import type { IncomingHttpHeaders } from 'node:http';
import { badRequest } from '../errors.js';
import type { RequestPart } from '../handlers/index.js';

/** The named inputs of a request body. */
export async function requestParts(headers: IncomingHttpHeaders, body: Buffer): Promise<Map<string, RequestPart>> {
  const contentType = headers['content-type'] ?? '';
  if (/^multipart\/form-data\b/i.test(contentType)) return multipartParts(headers, body);
  if (/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
    const fields = [...new URLSearchParams(body.toString('utf8'))];
    // `curl -d @input.json` sends JSON labelled as a form: one key without a value is the body itself.
    if (fields.length === 1 && fields[0]![1] === '') return new Map([['body', { bytes: body, contentType: '' }]]);
    return new Map(fields.map(([name, value]) => [name, { bytes: Buffer.from(value, 'utf8'), contentType: '' }]));
  }
  return new Map([['body', { bytes: body, contentType }]]);
}

function multipartParts(headers: IncomingHttpHeaders, body: Buffer): Promise<Map<string, RequestPart>> {
  return new Promise((resolve, reject) => {
    let parser: Busboy.Busboy;
    try {
      parser = Busboy({ headers });
    } catch (error) {
      reject(badRequest(`malformed multipart/form-data request: ${(error as Error).message}`));
      return;
    }
    const parts = new Map<string, RequestPart>();
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => parts.set(name, { bytes: Buffer.concat(chunks), contentType: info.mimeType ?? '' }));
    });
    parser.on('field', (name, value, info) => parts.set(name, { bytes: Buffer.from(value, 'utf8'), contentType: info.mimeType ?? '' }));
    parser.on('error', (error: Error) => reject(badRequest(`malformed multipart/form-data body: ${error.message}`)));
    parser.on('close', () => resolve(parts));
    parser.end(body);
  });
}
