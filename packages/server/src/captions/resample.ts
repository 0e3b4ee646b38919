/**
 * 48 kHz → 16 kHz for speech recognition: a windowed-sinc low-pass (cut-off 7 kHz, below the
 * 8 kHz Nyquist of the output) and decimation by 3. Streaming: keeps the filter's history
 * between chunks, so chunk boundaries add no clicks.
 */
const TAPS = 47;
const COEFFS: Float32Array = (() => {
  const c = new Float32Array(TAPS);
  const fc = 7000 / 48000;
  const mid = (TAPS - 1) / 2;
  let sum = 0;
  for (let i = 0; i < TAPS; i++) {
    const n = i - mid;
    const sinc = n === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * n) / (Math.PI * n);
    const blackman = 0.42 - 0.5 * Math.cos((2 * Math.PI * i) / (TAPS - 1)) + 0.08 * Math.cos((4 * Math.PI * i) / (TAPS - 1));
    c[i] = sinc * blackman;
    sum += c[i]!;
  }
  for (let i = 0; i < TAPS; i++) c[i]! /= sum;
  return c;
})();

export class Downsampler48to16 {
  private history = new Float32Array(TAPS - 1);
  /** Input samples consumed modulo 3, so decimation phase survives chunk boundaries. */
  private phase = 0;

  /** Mono 48 kHz in, mono 16 kHz out. */
  process(input: Int16Array): Int16Array {
    const h = this.history.length;
    const buf = new Float32Array(h + input.length);
    buf.set(this.history);
    for (let i = 0; i < input.length; i++) buf[h + i] = input[i]!;
    const out: number[] = [];
    for (let i = (3 - this.phase) % 3; i < input.length; i += 3) {
      let acc = 0;
      for (let k = 0; k < TAPS; k++) acc += COEFFS[k]! * buf[i + k]!;
      out.push(Math.max(-32768, Math.min(32767, Math.round(acc))));
    }
    this.phase = (this.phase + input.length) % 3;
    this.history = buf.slice(buf.length - h);
    return Int16Array.from(out);
  }
}
