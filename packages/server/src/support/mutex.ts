/** FIFO async mutex: `acquire()` resolves with a release function once every earlier holder released. */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const prev = this.#tail;
    this.#tail = prev.then(() => held);
    let released = false;
    const once = () => {
      if (released) return;
      released = true;
      release();
    };
    return prev.then(() => once);
  }
}
