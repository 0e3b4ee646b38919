import { EventEmitter } from 'node:events';

/**
 * Typed EventEmitter whose `safeEmit` reports listener exceptions instead of letting one bad
 * listener break the emitter's owner (mediasoup's EnhancedEventEmitter).
 */
export class SafeEmitter<T extends Record<string, unknown[]>> extends EventEmitter {
  onError: (err: unknown, event: string) => void = (err, event) => {
    console.error(`listener for "${event}" threw`, err);
  };
  override on<K extends keyof T & string>(event: K, listener: (...args: T[K]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }
  override once<K extends keyof T & string>(event: K, listener: (...args: T[K]) => void): this {
    return super.once(event, listener as (...args: unknown[]) => void);
  }
  override off<K extends keyof T & string>(event: K, listener: (...args: T[K]) => void): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }
  safeEmit<K extends keyof T & string>(event: K, ...args: T[K]): boolean {
    try {
      return super.emit(event, ...args);
    } catch (err) {
      this.onError(err, event);
      return false;
    }
  }
}
