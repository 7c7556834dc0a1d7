#!/usr/bin/env node
// Entry point. Inside node_modules (an installed package) run the compiled dist/; in a checkout run the
// TypeScript sources directly (Node 24 strips types; it refuses to do so under node_modules).
// PORTICO_FROM=dist runs the compiled build from a checkout too (what an installed package runs).
const useDist = import.meta.url.includes('/node_modules/') || process.env.PORTICO_FROM === 'dist';
const from = (name) => (useDist ? `../dist/cli/${name}.js` : `../src/cli/${name}.ts`);

// `portico start` re-executes itself once, in place, with Node settings sized for a proxy (src/cli/tuning.ts).
if (typeof process.execve === 'function') {
  const { tunedExec } = await import(from('tuning'));
  const next = tunedExec(process.argv.slice(2), {
    execPath: process.execPath,
    execArgv: process.execArgv,
    script: process.argv[1],
    env: process.env,
    platform: process.platform,
  });
  if (next) {
    try {
      process.execve(process.execPath, next.args, next.env);
    } catch (err) {
      // Only reached when the exec itself failed; this process carries on with Node's defaults.
      process.stderr.write(`portico: running without Node tuning (re-exec failed: ${err.message})\n`);
    }
  }
}

const { main } = await import(from('main'));
const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
