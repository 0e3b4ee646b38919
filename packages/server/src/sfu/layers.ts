/**
 * Simulcast layer choice for one consumer: the smallest layer that covers the rendered tile,
 * lowered while the subscriber's estimated bandwidth cannot carry it. Layers are ordered low → high.
 */
export interface LayerInfo {
  /** Height in pixels this layer is encoded at (0 when unknown). */
  height: number;
  /** Measured bitrate in bits/s over the last second (0 when not yet measured). */
  bitrate: number;
  /** Packets seen in the last second: a layer the encoder paused is not selectable. */
  active: boolean;
}

export interface Viewport {
  width: number;
  height: number;
}

/** Returns the layer index to forward, or -1 when nothing should be sent (hidden tile / no layers). */
export function selectLayer(layers: readonly LayerInfo[], viewport: Viewport | null, availableBitrate: number): number {
  if (viewport && (viewport.width === 0 || viewport.height === 0)) return -1;
  const active = layers.map((l, i) => ({ ...l, i })).filter((l) => l.active);
  if (active.length === 0) return -1;
  // Size: the first layer at least as tall as the tile (allow 10 % upscaling); no viewport = highest.
  let wanted = active[active.length - 1]!;
  if (viewport) {
    const fit = active.find((l) => l.height > 0 && l.height * 1.1 >= viewport.height);
    if (fit) wanted = fit;
  }
  // Bandwidth: step down while the wanted layer does not fit the estimate.
  if (availableBitrate > 0) {
    let idx = active.indexOf(wanted);
    while (idx > 0 && active[idx]!.bitrate > availableBitrate) idx--;
    wanted = active[idx]!;
  }
  return wanted.i;
}
