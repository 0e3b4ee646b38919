/** Tiny typed event emitter for browser and Node; listener exceptions are reported, never thrown. */
export class TypedEmitter<T extends Record<string, unknown[]>> {
  private listeners: { [K in keyof T]?: Set<(...args: T[K]) => void> } = {};
  onListenerError: (err: unknown) => void = (err) => console.error(err);

  on<K extends keyof T>(event: K, fn: (...args: T[K]) => void): () => void {
    (this.listeners[event] ??= new Set()).add(fn);
    return () => this.off(event, fn);
  }
  off<K extends keyof T>(event: K, fn: (...args: T[K]) => void): void {
    this.listeners[event]?.delete(fn);
  }
  protected emit<K extends keyof T>(event: K, ...args: T[K]): void {
    for (const fn of [...(this.listeners[event] ?? [])]) {
      try {
        fn(...args);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
  removeAllListeners(): void {
    this.listeners = {};
  }
}
