import type { LoadedConfig } from '../config/load.ts';
import type { CompiledTable } from '../compile/table.ts';
import { compileTable } from '../compile/compile.ts';
import { PoolRegistry } from '../upstream/pools.ts';
import { Metrics } from '../observability/metrics.ts';
import { nullLogger } from '../observability/logger.ts';
import { lookupPlugin } from '../plugins/registry.ts';
import { systemClock } from '../core/clock.ts';

/**
 * Compiles a config without serving it (validate, explain): every plugin's create() runs, so what only
 * shows at start-up (a malformed credential, a key that does not import) is reported here too. Everything
 * is disposed before `use` resolves.
 */
export async function withCompiled<T>(loaded: LoadedConfig, use: (table: CompiledTable) => T): Promise<T> {
  const pools = new PoolRegistry();
  try {
    const compiled = await compileTable(loaded, {
      plugins: lookupPlugin,
      pools,
      metrics: new Metrics({ defaultMetrics: false }),
      logger: nullLogger,
      clock: systemClock,
    });
    try {
      return use(compiled.table);
    } finally {
      await compiled.dispose();
    }
  } finally {
    await pools.closeAll();
  }
}
