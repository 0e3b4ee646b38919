/** Runs async tasks one at a time, in order (one queue per peer connection for all SDP work). */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  push<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
