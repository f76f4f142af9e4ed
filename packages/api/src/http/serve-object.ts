import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ObjectStore } from '@shiriki/storage';
import { NotFoundError } from '../errors.js';
import { parseRange } from './range.js';
import { errorBody } from './error-body.js';

export interface ServeObjectOptions {
  /** Answer with a 302 to a presigned URL when the store has them. */
  redirect?: { expirySeconds: number } | undefined;
  /** `Content-Disposition` file name; `download=1` in the query makes it an attachment. */
  fileName?: string;
  /** What the 404 names. */
  resource: string;
}

/**
 * Streams one stored object, honouring a single-range `Range` header (206, 416) so a browser's video
 * element can seek, or redirects to a presigned URL.
 */
export async function serveObject(
  request: FastifyRequest,
  reply: FastifyReply,
  store: ObjectStore,
  key: string,
  options: ServeObjectOptions,
): Promise<FastifyReply> {
  if (options.redirect) {
    const url = await store.presignedGetUrl(key, options.redirect.expirySeconds);
    if (url !== undefined) return reply.redirect(url, 302);
  }
  const stat = await store.stat(key);
  if (!stat) throw new NotFoundError(options.resource, key.split('/').at(-2) ?? key);
  const range = parseRange(request.headers.range, stat.size);
  reply.header('accept-ranges', 'bytes');
  reply.header('content-type', stat.contentType);
  reply.header('last-modified', stat.lastModified.toUTCString());
  reply.header('cache-control', 'private, max-age=3600');
  if (options.fileName) {
    const download = (request.query as Record<string, unknown> | undefined)?.download === '1';
    reply.header(
      'content-disposition',
      `${download ? 'attachment' : 'inline'}; filename="${options.fileName}"`,
    );
  }
  if (range.kind === 'unsatisfiable') {
    reply.header('content-range', `bytes */${stat.size}`);
    reply.type('application/json');
    return reply.code(416).send(errorBody(416, 'Range Not Satisfiable', `the object has ${stat.size} bytes`));
  }
  if (range.kind === 'partial') {
    reply.code(206);
    reply.header('content-range', `bytes ${range.start}-${range.end}/${stat.size}`);
    reply.header('content-length', range.end - range.start + 1);
    return reply.send(await store.getStream(key, range));
  }
  reply.header('content-length', stat.size);
  if (request.method === 'HEAD') return reply.send();
  return reply.send(await store.getStream(key));
}
