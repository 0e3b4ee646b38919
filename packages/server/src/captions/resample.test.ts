import { describe, expect, it } from 'vitest';
import { Downsampler48to16 } from './resample.ts';

const tone = (freq: number, n: number, amp = 10_000) => Int16Array.from({ length: n }, (_, i) => Math.round(Math.sin((2 * Math.PI * freq * i) / 48_000) * amp));
const rms = (x: Int16Array) => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);

describe('Downsampler48to16', () => {
  it('keeps speech-band tones and removes what would alias above 8 kHz', () => {
    const pass = new Downsampler48to16().process(tone(1000, 48_000));
    expect(pass.length).toBe(16_000);
    expect(rms(pass.subarray(100))).toBeGreaterThan(0.9 * (10_000 / Math.SQRT2));
    const stop = new Downsampler48to16().process(tone(12_000, 48_000));
    expect(rms(stop.subarray(100))).toBeLessThan(0.01 * (10_000 / Math.SQRT2));
  });

  it('streams: chunk boundaries give exactly the same output as one block', () => {
    const input = tone(440, 4801);
    const whole = new Downsampler48to16().process(input);
    const d = new Downsampler48to16();
    const parts: number[] = [];
    for (let i = 0; i < input.length; i += 479) parts.push(...d.process(input.subarray(i, Math.min(input.length, i + 479))));
    expect(Int16Array.from(parts)).toEqual(whole);
  });
});
