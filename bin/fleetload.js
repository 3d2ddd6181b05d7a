#!/usr/bin/env node
// `npx fleetload …` after `npm ci`: bundles the Node side first, as `npm run scale` does (about a
// second; the runner starts the simulator and the engine from the bundle), then runs the CLI.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const build = spawnSync(process.execPath, [tsx, join(root, 'scripts', 'build.ts'), '--node-only', '--quiet'], { stdio: 'inherit', cwd: root });
if (build.status !== 0) process.exit(build.status ?? 1);
await import(pathToFileURL(join(root, 'dist', 'node', 'runner', 'main.js')).href);
