/** Decay time of the latency EWMA: a sample's weight halves in about 7 s (linkerd/Finagle use 10 s). */
export const EWMA_DECAY_MS = 10_000;

/**
 * Peak EWMA (Finagle, linkerd): a sample above the average replaces it at once (react to a slowdown now),
 * one below decays into it with a weight that depends on the time since the last sample (so a quiet target's
 * old latency fades). Returns the new average; `prevAt`/`now` are monotonic ms.
 */
export function peakEwma(prev: number, prevAt: number, sample: number, now: number, decayMs = EWMA_DECAY_MS): number {
  if (prev === 0 || sample > prev) return sample;
  const w = Math.exp(-Math.max(0, now - prevAt) / decayMs);
  return prev * w + sample * (1 - w);
}
