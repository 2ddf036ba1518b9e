import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodApp } from './zod-app.js';

/**
 * What the web app may load: only its own scripts, styles, images and API, nothing inline, no
 * frames. React sets styles through the CSSOM, which a style-src without 'unsafe-inline' allows.
 */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Keepsake</title>
<p>Keepsake is running, but its web app has not been built. Run <code>npm start</code> (which builds it) or
<code>npm run build -w @keepsake/web</code>, then reload. The API is at <a href="/api/docs">/api/docs</a>.</p>`;

/**
 * Serves the built web app (packages/web/dist) at /: its hashed files with immutable caching,
 * and index.html for every other page address a browser asks for, so that a link into the app
 * (/photos/<id>) opens it there. Returns what answers a GET nothing else matched, or undefined
 * when the request is not a browser's page load (the caller answers 404).
 */
export async function webAppRoutes(
  app: ZodApp,
  webRoot: string,
): Promise<(request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined> {
  const indexFile = join(webRoot, 'index.html');
  const built = existsSync(indexFile);
  const page = built ? readFileSync(indexFile, 'utf8') : NOT_BUILT;
  if (built) {
    await app.register(fastifyStatic, {
      root: join(webRoot, 'static'),
      prefix: '/static/',
      // Vite names every file by its content's hash: a name never changes what it holds.
      immutable: true,
      maxAge: '365d',
      index: false,
      schemaHide: true,
    });
  }
  return (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const isPage =
      request.method === 'GET' &&
      !path.startsWith('/api/') &&
      (request.headers.accept ?? '').includes('text/html');
    if (!isPage) return undefined;
    return reply
      .status(200)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', WEB_CSP)
      .header('referrer-policy', 'same-origin')
      .send(page);
  };
}
