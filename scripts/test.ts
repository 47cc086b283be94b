/**
 * `npm test` after the type check and lint: runs Vitest, then prints one plain closing line
 * ("N passed, N failed[, N skipped]") that any CI can read, and exits with Vitest's status.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import * as z from 'zod';

const report = 'test-results/vitest.json';
mkdirSync('test-results', { recursive: true });
const args = [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
];
const run = spawnSync('vitest', args, { stdio: 'inherit' });

const summary = z.object({
  numPassedTests: z.number(),
  numFailedTests: z.number(),
  numPendingTests: z.number(),
  numTodoTests: z.number(),
});
try {
  const r = summary.parse(JSON.parse(readFileSync(report, 'utf8')));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(
    `\nvitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`,
  );
  if (skipped > 0) {
    console.error('skipped or todo tests are not allowed on a green run');
    process.exit(1);
  }
} catch (err) {
  console.error(`no test report: ${String(err)}`);
  process.exit(run.status || 1);
}
process.exit(run.status ?? 1);
