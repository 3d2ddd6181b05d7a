// Integration suites start the built CLI, simulator and engine worker: build them once.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNode } from '../runner/build/node';
import { buildScenarios } from '../runner/build/scenarios';

export default async function setup(): Promise<void> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  await buildNode(root);
  await buildScenarios({ root });
}
