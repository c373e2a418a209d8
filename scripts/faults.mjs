#!/usr/bin/env node
// The fault harness, longer and with a random seed: `npm run faults`.
// FAULT_SEED (random unless set), FAULT_ROUNDS (default 2), FAULT_MESSAGES (default 1500 per platform and round; ~10-15 min).
// The seed is printed first, so a failing run can be replayed exactly with FAULT_SEED=<seed>.
// Needs a build (npm run build, or EXTENSION_DIR pointing at one).
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

const seed = process.env.FAULT_SEED ?? String(randomInt(1, 2 ** 31 - 1));
const rounds = process.env.FAULT_ROUNDS ?? '2';
const messages = process.env.FAULT_MESSAGES ?? '1500';
console.log(`fault harness: FAULT_SEED=${seed} FAULT_ROUNDS=${rounds} FAULT_MESSAGES=${messages}`);

const run = spawnSync('npx', ['vitest', 'run', '--config', 'vitest.e2e.config.ts', 'tests/e2e/faults.e2e.ts'], {
  stdio: 'inherit',
  env: { ...process.env, FAULT_SEED: seed, FAULT_ROUNDS: rounds, FAULT_MESSAGES: messages },
});
if (run.status !== 0)
  console.error(`fault harness failed: replay with FAULT_SEED=${seed} FAULT_ROUNDS=${rounds} FAULT_MESSAGES=${messages} npm run faults`);
process.exit(run.status ?? 1);
