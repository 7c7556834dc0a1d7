#!/usr/bin/env node
// Entry point. Inside node_modules (an installed package) run the compiled dist/; in a checkout run the
// TypeScript sources directly (Node 24 strips types; it refuses to do so under node_modules).
// PORTICO_FROM=dist runs the compiled build from a checkout too (what an installed package runs).
const useDist = import.meta.url.includes('/node_modules/') || process.env.PORTICO_FROM === 'dist';
const entry = useDist ? '../dist/cli/main.js' : '../src/cli/main.ts';
const { main } = await import(entry);
const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
