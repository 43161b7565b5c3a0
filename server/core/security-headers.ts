import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import type { TongkeConfig } from '../config.js';
import type { TongkeApp } from './app-types.js';

/**
 * The response headers that keep the browser on our side, on every response (SPA, API, docs, errors):
 *
 * - CSP: scripts only from this origin (the built client has no inline script); styles may be inline
 *   because Svelte transitions and ECharts tooltips and Swagger UI set them at run time (style injection
 *   cannot run code); images also from `data:` and `blob:` (the favicon, chart snapshots); media from
 *   `blob:`/`mediastream:` (camera previews); connections to this origin, its WebSocket included; no
 *   plugins, no `<base>` rewriting, forms only back here.
 * - `frame-ancestors 'none'` (and X-Frame-Options): nobody frames the app to click-jack a teacher.
 * - nosniff, `Referrer-Policy: no-referrer` (a student link's token must not leak to another site).
 * - HSTS and `upgrade-insecure-requests` only when the public URL is https: a school LAN served over
 *   plain http must keep working.
 */
export function securityHeaderOptions(config: Pick<TongkeConfig, 'publicUrl'>): FastifyHelmetOptions {
  const https = config.publicUrl.startsWith('https:');
  const origin = new URL(config.publicUrl);
  const socketOrigin = `${https ? 'wss' : 'ws'}://${origin.host}`;
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        mediaSrc: ["'self'", 'blob:', 'mediastream:'],
        connectSrc: ["'self'", socketOrigin],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    hsts: https ? { maxAge: 180 * 24 * 3600, includeSubDomains: false } : false,
    // The lesson page embeds nothing cross-origin; COEP would only break a future CDN asset for no gain.
    crossOriginEmbedderPolicy: false,
  };
}

/** Registers the headers for every route (see securityHeaderOptions). */
export async function registerSecurityHeaders(app: TongkeApp, config: TongkeConfig): Promise<void> {
  await app.register(helmet, { global: true, ...securityHeaderOptions(config) });
}
