import { mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';
import type { AccessRecord } from '../sdk/context.ts';

/** The sonic-boom stream `pino.destination()` returns (sonic-boom itself is a transitive dep). */
type Destination = ReturnType<typeof pino.destination>;

/**
 * Characters collected before handing a batch to the stream. A partial batch goes out once the event
 * loop has run the I/O callbacks of this turn (setImmediate): under load that batches the lines of every
 * request finished in one turn into one write, and a quiet gateway's line is in the file about a
 * millisecond after its response, so `tail -f` (or a test reading the log) never waits on traffic.
 */
const BATCH_CHARS = 4096;
/**
 * Cap on bytes queued for a stalled target (a full disk, a blocked stdout pipe). Past it batches
 * are dropped and their lines counted (`dropped`) rather than growing the heap until the gateway
 * dies: the access log must never take traffic down with it.
 */
const MAX_BUFFERED = 64 * 1024 * 1024;

/**
 * The per-request access log: one JSON object per line, holding exactly the record's fields.
 *
 * Measured with access-log.bench.ts (ns/line, ~430-byte lines, median of 5 rounds on the 2-vCPU dev
 * VM): JSON.stringify alone (the floor) 1400; this class 2200; JSON.stringify into sonic-boom's own
 * batching (minLength 4096) 5400; pino.info 8000–9000.
 * - Not `pino.info(record)`: it cannot drop its `level` key cleanly (`formatters.level: () => ({})`
 *   yields `{,"request_id":…`, invalid JSON, so every line needs a `streamWrite` repair), its
 *   per-key loop is slower than V8's JSON.stringify fast path for a flat object, and its extras
 *   (redaction, serializers) are unused: the record carries no secrets.
 * - Not sonic-boom's `minLength` batching: on every write it computes `Buffer.byteLength` of its
 *   pending chunk, which flattens a growing concatenated string (up to 16 KiB) per line. We
 *   concatenate ourselves (`.length` is O(1)) and hand sonic-boom one 4 KiB string at a time.
 * The stream still comes from `pino.destination()` for pino's flush-on-exit hook and EPIPE handling
 * (a closed stdout pipe silences the log instead of crashing the process).
 */
export class AccessLog {
  readonly #target: string;
  #dest: Destination | null;
  /** Lines not yet handed to the stream (see BATCH_CHARS). */
  #pending = '';
  #dropped = 0;
  #immediate: NodeJS.Immediate | null = null;
  #onExit: (() => void) | null = null;
  #closing: Promise<void> | null = null;
  /**
   * EPIPE made pino stub the stream out: nothing more can be written, and end() would never emit
   * 'close'.
   */
  #dead = false;

  /**
   * @param target `stdout`, `stderr`, `off`, or a file path (appended to; parent dirs created).
   * @param onError Called on write errors (never thrown: the request already succeeded). Defaults
   *   to a process warning for the first error only, so a broken disk cannot flood stderr.
   * @throws when a file target cannot be opened. The file is opened synchronously on purpose: a bad
   *   path fails the start or reload that asked for it, with the OS error, instead of a log that
   *   silently never writes (and a stream whose fd never opens also breaks pino's flush-on-exit
   *   hook).
   */
  constructor(target: string, onError: (err: Error) => void = warnOnce()) {
    this.#target = target;
    if (target === 'off') {
      this.#dest = null;
      return;
    }
    let fd: number;
    if (target === 'stdout') fd = 1;
    else if (target === 'stderr') fd = 2;
    else {
      mkdirSync(dirname(target), { recursive: true });
      fd = openSync(target, 'a');
    }
    // minLength 1, not 0: we batch ourselves, so any write goes out at once either way, but
    // sonic-boom's flush(cb) returns before in-flight writes finish when minLength is 0. sonic-boom
    // closes the fd on end() except for 1 and 2.
    const dest = pino.destination({ dest: fd, sync: false, minLength: 1, maxLength: MAX_BUFFERED });
    this.#dest = dest;

    let last: Error | null = null;
    dest.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'EPIPE') this.#dead = true;
      // pino's EPIPE filter re-emits other errors, so this listener can see the same error twice.
      if (err === last) return;
      last = err;
      onError(err);
    });
    dest.on('drop', (batch: string) => {
      this.#dropped += countLines(batch);
    });

    // pino's own exit hook flushes the stream but cannot see #pending; on a crash or process.exit()
    // the last lines are the ones worth having.
    this.#onExit = () => {
      this.#handOver();
      try {
        dest.flushSync();
      } catch {
        // not open yet or already destroyed: nothing we can do while exiting
      }
    };
    process.on('exit', this.#onExit);
  }

  /**
   * What the log was built with (`stdout`, `stderr`, `off` or the path), to decide whether a reload
   * must reopen it.
   */
  get target(): string {
    return this.#target;
  }

  /** False for `off` (and after close): the caller can skip building the record altogether. */
  get enabled(): boolean {
    return this.#dest !== null;
  }

  /** Lines discarded because the target could not keep up (see MAX_BUFFERED). */
  get dropped(): number {
    return this.#dropped;
  }

  /** Queue one line. Never throws and never waits; a no-op when `off` or closed. */
  write(record: AccessRecord): void {
    if (this.#dest === null) return;
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch {
      // A plugin put a BigInt or a cycle into ctx.logFields: keep the line, lose the bad field.
      line = stringifyLenient(record);
    }
    const pending = this.#pending + line + '\n';
    if (pending.length >= BATCH_CHARS) {
      this.#pending = '';
      this.#dest.write(pending);
    } else {
      this.#pending = pending;
      // Not unref'd: an unref'd immediate scheduled outside the I/O phase (a timer's 504) would wait for the
      // next unrelated event. A ref'd one delays a process exit by one turn at most.
      this.#immediate ??= setImmediate(this.#handOverSoon);
    }
  }

  readonly #handOverSoon = (): void => {
    this.#immediate = null;
    this.#handOver();
  };

  /** Resolves once every line written so far has been handed to the OS. */
  flush(): Promise<void> {
    const dest = this.#dest;
    if (dest === null || this.#dead) return Promise.resolve();
    this.#handOver();
    return new Promise((resolve) => {
      // Errors already reach onError through the 'error' listener; flush must not reject too.
      dest.flush(() => resolve());
    });
  }

  /**
   * Flush and release the target. Files are closed; stdout/stderr are not (sonic-boom leaves fds 1
   * and 2 open). Idempotent; later `write()` calls are dropped silently (late onLog from a drained
   * table).
   */
  close(): Promise<void> {
    if (this.#closing !== null) return this.#closing;
    const dest = this.#dest;
    this.#handOver();
    this.#dest = null;
    if (this.#immediate !== null) clearImmediate(this.#immediate);
    this.#immediate = null;
    if (this.#onExit !== null) process.off('exit', this.#onExit);
    if (dest === null || this.#dead) {
      this.#closing = Promise.resolve();
      return this.#closing;
    }
    this.#closing = new Promise((resolve) => {
      dest.once('close', () => resolve());
      // A write error while ending (reported through onError) leaves sonic-boom neither ended nor
      // closed, and still registered for pino's exit flush, which would throw again at exit. Drop
      // the rest and close.
      dest.once('error', () => dest.destroy());
      dest.end();
    });
    return this.#closing;
  }

  /** Give the partial batch to the stream. */
  #handOver(): void {
    if (this.#pending === '' || this.#dest === null || this.#dead) return;
    const pending = this.#pending;
    this.#pending = '';
    this.#dest.write(pending);
  }
}

function countLines(batch: string): number {
  let n = 0;
  for (let i = batch.indexOf('\n'); i !== -1; i = batch.indexOf('\n', i + 1)) n++;
  return n;
}

/** Serialize field by field, replacing what JSON cannot hold. Used after JSON.stringify threw. */
function stringifyLenient(record: AccessRecord): string {
  const safe: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    const value = record[key];
    try {
      JSON.stringify(value);
      safe[key] = value;
    } catch {
      safe[key] = typeof value === 'bigint' ? value.toString() : '[unserializable]';
    }
  }
  return JSON.stringify(safe);
}

function warnOnce(): (err: Error) => void {
  let warned = false;
  return (err) => {
    if (warned) return;
    warned = true;
    process.emitWarning(`access log: ${err.message} (further errors are not reported)`);
  };
}
