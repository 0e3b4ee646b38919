/** Monotonic media-plane counters of one router, summed per worker for /metrics. */
export interface MediaCounters {
  forwarded: number;
  retransmitted: number;
  plis: number;
}

export function newCounters(): MediaCounters {
  return { forwarded: 0, retransmitted: 0, plis: 0 };
}
