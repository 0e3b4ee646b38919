import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per server instance so tests can run several servers in one process. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const hooks: (() => Promise<void>)[] = [];
  const m = {
    registry,
    /** Register work to run before each scrape (e.g. pulling stats from media workers). */
    onScrape(fn: () => Promise<void>) {
      hooks.push(fn);
    },
    async render(): Promise<string> {
      await Promise.all(hooks.map((h) => h()));
      return registry.metrics();
    },
    rooms: new Gauge({ name: 'convene_rooms', help: 'Live rooms', registers: [registry] }),
    participants: new Gauge({ name: 'convene_participants', help: 'Joined participants', registers: [registry] }),
    producers: new Gauge({ name: 'convene_producers', help: 'Published tracks', registers: [registry] }),
    consumers: new Gauge({ name: 'convene_consumers', help: 'Forwarded tracks', registers: [registry] }),
    wsConnections: new Gauge({ name: 'convene_ws_connections', help: 'Open signalling sockets', registers: [registry] }),
    badFrames: new Counter({
      name: 'convene_bad_frames_total',
      help: 'Rejected signalling frames',
      labelNames: ['code'],
      registers: [registry],
    }),
    rtpForwarded: new Counter({ name: 'convene_rtp_forwarded_total', help: 'RTP packets forwarded', registers: [registry] }),
    nacks: new Counter({ name: 'convene_nack_total', help: 'NACKed packets retransmitted', registers: [registry] }),
    plis: new Counter({ name: 'convene_pli_total', help: 'PLIs sent to publishers', registers: [registry] }),
    mediaMajorGcs: new Counter({ name: 'convene_media_major_gc_total', help: 'Full (mark-compact) garbage collections in the media workers', registers: [registry] }),
    captionRooms: new Gauge({ name: 'convene_caption_rooms', help: 'Rooms with live captions on', registers: [registry] }),
    captionDropped: new Gauge({
      name: 'convene_caption_audio_dropped_seconds',
      help: 'Audio the caption engines dropped because they fell behind (live rooms)',
      registers: [registry],
    }),
    joinSeconds: new Histogram({
      name: 'convene_join_seconds',
      help: 'Signalling join latency',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
  return m;
}
export type Metrics = ReturnType<typeof createMetrics>;
