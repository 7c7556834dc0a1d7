/**
 * One full garbage collection after a config was parsed, validated and compiled, before the gateway serves.
 * Loading leaves megabytes of garbage (the YAML document, ajv's intermediate objects, the compile's scratch)
 * in the old generation, where V8 would only find it at the first full GC under load: the peak resident
 * memory then holds both. The "last resort" flavour also hands the emptied pages back to the system instead
 * of keeping them pooled. `portico start` runs Node with --expose-gc (src/cli/tuning.ts); without it (an
 * embedding process), this does nothing.
 */
export function collectLoadGarbage(): void {
  const gc = (globalThis as { gc?: (options?: object) => void }).gc;
  if (typeof gc === 'function') gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
