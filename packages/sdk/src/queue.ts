/** Runs async tasks one at a time, in order (one queue per peer connection for all SDP work). */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  push<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

/** Resolves when `pred()` holds, polling every `everyMs`, or rejects after `timeoutMs`. */
export async function waitFor(pred: () => boolean, timeoutMs: number, what: string, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
