import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SpatialAudioEngine } from './engine.ts';

/** An <audio> element whose play() autoplay rules refuse until `allowed` (a user gesture). */
function element() {
  const el = {
    paused: true,
    muted: false,
    allowed: false,
    plays: 0,
    play(): Promise<void> {
      el.plays++;
      if (!el.allowed) return Promise.reject(new Error('NotAllowedError: play() needs a user gesture'));
      el.paused = false;
      return Promise.resolve();
    },
  };
  return el;
}
const track = (readyState: MediaStreamTrackState = 'live') => ({ readyState }) as MediaStreamTrack;
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('SpatialAudioEngine and autoplay rules (spatial audio off: no AudioContext)', () => {
  let win: EventTarget;
  beforeEach(() => {
    win = new EventTarget();
    vi.stubGlobal('window', win);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('starts the element, and after a refusal starts it again on the first gesture, then stops listening', async () => {
    const engine = new SpatialAudioEngine();
    const a = element();
    engine.attach('p1', track(), a as unknown as HTMLAudioElement);
    await settle();
    expect(a.plays).toBe(1);
    expect(a.paused).toBe(true);
    expect(engine.snapshot().voices[0]).toMatchObject({ elementMuted: false, elementPaused: true });

    // A gesture the page does not honour yet (still refused): keeps listening.
    win.dispatchEvent(new Event('keydown'));
    await settle();
    expect(a.plays).toBe(2);

    a.allowed = true;
    win.dispatchEvent(new Event('pointerdown'));
    await settle();
    expect(a.plays).toBe(3);
    expect(engine.snapshot().voices[0]).toMatchObject({ elementMuted: false, elementPaused: false });

    win.dispatchEvent(new Event('pointerdown'));
    await settle();
    expect(a.plays).toBe(3);
  });

  it('leaves an element that already plays alone, and does not wait on one whose track has ended', async () => {
    const engine = new SpatialAudioEngine();
    const playing = element();
    playing.paused = false;
    engine.attach('p1', track(), playing as unknown as HTMLAudioElement);
    const gone = element();
    engine.attach('p2', track('ended'), gone as unknown as HTMLAudioElement);
    await settle();
    expect(playing.plays).toBe(0);
    win.dispatchEvent(new Event('touchend'));
    await settle();
    expect(gone.plays).toBe(1); // its first try only
    win.dispatchEvent(new Event('touchend'));
    await settle();
    expect(gone.plays).toBe(1);
  });
});
