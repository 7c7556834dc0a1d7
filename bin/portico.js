#!/usr/bin/env node
// Entry point. Inside node_modules (an installed package) run the compiled dist/; in a checkout run the
// TypeScript sources directly (Node 24 strips types; it refuses to do so under node_modules).
const inNodeModules = import.meta.url.includes('/node_modules/');
const entry = inNodeModules ? '../dist/cli/main.js' : '../src/cli/main.ts';
const { main } = await import(entry);
const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
