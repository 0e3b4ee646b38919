import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from './config/config.ts';
import { buildHttpApp } from './http/app.ts';
import { createInbox, type Inbox } from './inbox/compose.ts';
import { PocketSphinxEngine } from './captions/pocketsphinx.ts';
import { TranscriptStore } from './captions/transcript.ts';
import { HlsBroadcasts } from './broadcast/HlsBroadcasts.ts';
import { RecordingService } from './recording/RecordingService.ts';
import { WhipIngest } from './ingest/WhipIngest.ts';
import { StreamKeys } from './ingest/stream-keys.ts';
import { WhepService } from './whep/WhepService.ts';
import { SpaceService } from './spaces/space-service.ts';
import { InMemoryRooms } from './rooms/RoomRegistry.ts';
import { RoomBlocks } from './rooms/room-blocks.ts';
import { createServices } from './services-impl.ts';
import type { Services } from './services.ts';
import { SfuPool } from './sfu/SfuPool.ts';
import { registerSignaling } from './signaling/register.ts';
import { createLogger, type Logger } from './telemetry/logger.ts';
import { createMetrics } from './telemetry/metrics.ts';

export interface RunningServer {
  app: FastifyInstance;
  config: Config;
  /** http://host:port the server listens on. */
  url: string;
  pool: SfuPool;
  log: Logger;
  /** Durable services (tests and operator scripts use them directly). */
  services: Services;
  /** Devices, message delivery and calls on this node. */
  inbox: Inbox;
  /** Spaces' HLS broadcast tier. */
  hls: HlsBroadcasts;
  recordings: RecordingService;
  close(): Promise<void>;
}

/**
 * Compose and start one Convene node: durable services → media workers → live rooms →
 * HTTP + signalling. `overrides` are env-style keys (tests pass PORT=0, DATA_DIR=memory://).
 */
export async function startServer(overrides: Record<string, string> = {}): Promise<RunningServer> {
  const config = loadConfig({ ...process.env, ...overrides });
  const log = createLogger(config.LOG_LEVEL);
  const metrics = createMetrics();
  const services = await createServices(config, log);
  const pool = new SfuPool(
    config.sfuWorkers,
    { additionalHosts: config.RTC_ADDITIONAL_HOSTS, portRange: [config.RTC_MIN_PORT, config.RTC_MAX_PORT] },
    log,
    config.SFU_YOUNG_GENERATION_MB,
  );
  const recordings = new RecordingService(
    services.db,
    pool,
    { enabled: config.RECORDING === 'on', ffmpeg: config.SPACE_HLS_FFMPEG, dir: config.recordingsDir, slots: config.SPACE_HLS_SLOTS },
    log.child({ mod: 'recording' }),
  );
  await recordings.init();
  const transcripts = new TranscriptStore(services.db, log.child({ mod: 'transcripts' }));
  const rooms = new InMemoryRooms(pool, services.meetings, log, metrics, {
    resumeGraceMs: config.RESUME_GRACE_SECONDS * 1000,
    spreadAt: config.SFU_ROOM_SPREAD_AT,
    batchMs: 150,
    admission: { capacity: config.SPACE_WEBRTC_LISTENERS, perSecond: config.SPACE_JOINS_PER_SECOND },
    captionEngine: new PocketSphinxEngine(),
    questionStore: services.questions,
    recorder: recordings,
    transcripts,
    blocks: new RoomBlocks(services.db),
  });
  const inbox = await createInbox(config, services, rooms, log);
  const hls = new HlsBroadcasts(
    pool,
    rooms,
    {
      enabled: config.SPACE_HLS === 'on',
      ffmpeg: config.SPACE_HLS_FFMPEG,
      slots: config.SPACE_HLS_SLOTS,
      bitrateKbps: config.SPACE_HLS_BITRATE_KBPS,
      video: config.SPACE_HLS_VIDEO === 'on',
    },
    log,
  );
  await hls.init();
  const spaces = new SpaceService(services.db, rooms, config.publicUrl, undefined, (id) => hls.status(id));
  const keys = new StreamKeys(services.db);
  const whip = new WhipIngest(rooms, pool, services.meetings, keys, log.child({ mod: 'whip' }));
  const whep = new WhepService(
    rooms,
    pool,
    services.meetings,
    { enabled: config.SPACE_WHEP === 'on', ffmpeg: config.SPACE_HLS_FFMPEG, slots: config.SPACE_HLS_SLOTS, seats: config.SPACE_WEBRTC_LISTENERS },
    log.child({ mod: 'whep' }),
  );
  const app = await buildHttpApp({ config, log, metrics, services, inbox, spaces, hls, rooms, recordings, whip, keys, whep, transcripts });
  registerSignaling(app, { services, rooms, pool, metrics, log, calls: inbox.calls, hub: inbox.hub });

  // Media-plane gauges and counters are read from the workers when /metrics is scraped.
  const seen = { forwarded: 0, retransmitted: 0, plis: 0, majorGcs: 0 };
  const advance = (counter: { inc(n: number): void }, key: keyof typeof seen, total: number) => {
    if (total > seen[key]) counter.inc(total - seen[key]);
    seen[key] = Math.max(seen[key], total);
  };
  metrics.onScrape(async () => {
    const all = await pool.stats().catch(() => []);
    const sum = (k: 'producers' | 'consumers' | 'forwarded' | 'retransmitted' | 'plis' | 'majorGcs') => all.reduce((a, s) => a + s[k], 0);
    metrics.producers.set(sum('producers'));
    metrics.consumers.set(sum('consumers'));
    metrics.participants.set(rooms.participantCount());
    const captions = rooms.captionStats();
    metrics.captionRooms.set(captions.rooms);
    metrics.captionDropped.set(captions.droppedSeconds);
    advance(metrics.rtpForwarded, 'forwarded', sum('forwarded'));
    advance(metrics.nacks, 'retransmitted', sum('retransmitted'));
    advance(metrics.plis, 'plis', sum('plis'));
    advance(metrics.mediaMajorGcs, 'majorGcs', sum('majorGcs'));
  });

  await app.listen({ port: config.PORT, host: config.HOST });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
  const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;
  log.info({ url, mediaWorkers: pool.workerCount }, 'convene listening');
  return {
    app,
    config,
    url,
    pool,
    log,
    services,
    inbox,
    hls,
    recordings,
    async close() {
      await app.close();
      await whip.close();
      await whep.close();
      await hls.close();
      await rooms.close();
      await recordings.close();
      await transcripts.flush();
      await pool.close();
      await services.close();
    },
  };
}
