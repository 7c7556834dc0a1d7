import { readFile } from 'node:fs/promises';
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Found } from './dns.ts';

/** Parses a targets file: a JSON array of `{ "url", "weight" }` objects or URL strings. Throws when malformed. */
export function parseTargetsFile(text: string): Found[] {
  const data: unknown = JSON.parse(text);
  const list = Array.isArray(data) ? data : (data as { targets?: unknown })?.targets;
  if (!Array.isArray(list)) throw new Error('targets file must hold a JSON array of targets');
  return list.map((item, i) => {
    const o = typeof item === 'string' ? { url: item } : (item as { url?: unknown; weight?: unknown });
    if (typeof o?.url !== 'string' || !/^https?:\/\/[^\s/?#]+/.test(o.url)) throw new Error(`targets[${i}]: url must be http(s)://host[:port]`);
    const w = o.weight ?? 1;
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > 65535) throw new Error(`targets[${i}]: weight must be an integer 0..65535`);
    new URL(o.url);
    return { url: o.url, weight: w };
  });
}

/**
 * Watches a targets file (its folder, since editors replace files by rename) and applies its content on every
 * change after a short debounce. A malformed file keeps the previous targets and is reported.
 */
export class FileDiscovery {
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly file: string;
  private readonly apply: (targets: Found[]) => void;
  private readonly onError: (err: unknown) => void;

  constructor(file: string, apply: (targets: Found[]) => void, onError: (err: unknown) => void) {
    this.file = file;
    this.apply = apply;
    this.onError = onError;
  }

  async start(): Promise<void> {
    const name = basename(this.file);
    try {
      this.watcher = watch(dirname(this.file), (_e, changed) => {
        if (changed !== null && changed !== name) return;
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.load(), 50);
      });
      this.watcher.on('error', (err) => this.onError(err));
      this.watcher.unref();
    } catch (err) {
      this.onError(err);
    }
    await this.load();
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
    if (this.timer) clearTimeout(this.timer);
  }

  /** Reads and applies the file now. */
  async load(): Promise<void> {
    try {
      const targets = parseTargetsFile(await readFile(this.file, 'utf8'));
      if (!this.stopped) this.apply(targets);
    } catch (err) {
      if (!this.stopped) this.onError(err);
    }
  }
}
