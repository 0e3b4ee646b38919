import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyWebsocket from '@fastify/websocket';
import fastifyStatic from '@fastify/static';
import fs from 'node:fs';
import path from 'node:path';
import { ConveneError, MAX_FRAME_BYTES } from '@convene/protocol';
import type { Config } from '../config/config.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { Services } from '../services.ts';
import { registerHttpRoutes } from './routes.ts';
import type { Inbox } from '../inbox/compose.ts';
import type { SpaceService } from '../spaces/space-service.ts';
import type { LiveRooms } from '../rooms/RoomRegistry.ts';
import type { HlsBroadcasts } from '../broadcast/HlsBroadcasts.ts';
import type { RecordingService } from '../recording/RecordingService.ts';
import type { WhipIngest } from '../ingest/WhipIngest.ts';
import type { StreamKeys } from '../ingest/stream-keys.ts';
import type { WhepService } from '../whep/WhepService.ts';
import type { TranscriptStore } from '../captions/transcript.ts';

export interface AppContext {
  config: Config;
  log: Logger;
  metrics: Metrics;
  services: Services;
  /** Real-time side of messaging and calls. */
  inbox: Inbox;
  spaces: SpaceService;
  /** Spaces' HLS broadcast tier (absent: every /hls URL is 404). */
  hls?: HlsBroadcasts;
  /** WHIP ingest and the hosts' stream keys (absent: no /whip routes). */
  whip?: WhipIngest;
  keys?: StreamKeys;
  /** Stored transcripts of live captions. */
  transcripts?: TranscriptStore;
  /** WHEP playback of Spaces (absent: no /whep routes). */
  whep?: WhepService;
  /** Recordings of meetings and Spaces (absent: none). */
  recordings?: RecordingService;
  /** Live rooms on this node (transcripts of live captions). */
  rooms: Pick<LiveRooms, 'get'>;
}

/** Fastify instance with every HTTP route; signalling is registered by the caller. */
export async function buildHttpApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    bodyLimit: 64 * 1024,
    // Only trust X-Forwarded-For when configured: per-IP rate limits must not be spoofable.
    trustProxy: ctx.config.TRUST_PROXY,
  });
  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_FRAME_BYTES } });

  // Stable error bodies: { code, message } with the code's HTTP status.
  app.setErrorHandler((err, req, reply) => {
    if (err instanceof ConveneError) {
      if (err.retryAfterMs !== undefined) void reply.header('retry-after', Math.ceil(err.retryAfterMs / 1000));
      return reply.status(err.status).send(err.toBody());
    }
    const e = err as { validation?: unknown; statusCode?: number; message?: string };
    if (e.validation || (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)) {
      return reply.status(e.statusCode ?? 400).send({ code: 'BAD_REQUEST', message: e.message ?? 'bad request' });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ code: 'INTERNAL', message: 'internal error' });
  });

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/metrics', async (_req, reply) => {
    void reply.header('content-type', ctx.metrics.registry.contentType);
    return ctx.metrics.render();
  });

  registerHttpRoutes(app, ctx);

  const dist = ctx.config.WEB_DIST;
  if (dist && fs.existsSync(path.join(dist, 'index.html'))) {
    await app.register(fastifyStatic, { root: path.resolve(dist), wildcard: false });
    // SPA: unknown GETs outside the API fall back to index.html.
    app.setNotFoundHandler((req, reply) => {
      if (req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/ws') && !req.url.startsWith('/hls/')) {
        return reply.sendFile('index.html');
      }
      return reply.status(404).send({ code: 'NOT_FOUND', message: 'not found' });
    });
  } else {
    app.setNotFoundHandler((_req, reply) => reply.status(404).send({ code: 'NOT_FOUND', message: 'not found' }));
  }
  return app;
}
