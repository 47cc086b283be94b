/**
 * Writes the figures of a full bench run into the README's Performance section, between the
 * `bench-table` markers, so the table there is always the committed `bench/results/bench.json`'s.
 * `npm run bench` calls it after a full run; `npx tsx bench/readme-table.ts` re-renders by hand.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';

const START = '<!-- bench-table:start (written by bench/readme-table.ts from bench/results/bench.json) -->';
const END = '<!-- bench-table:end -->';

const benchFile = z.object({
  ranAt: z.string(),
  elapsedMs: z.number(),
  quick: z.boolean(),
  machine: z.object({ cpus: z.number(), cpuModel: z.string(), memoryGiB: z.number(), node: z.string() }),
  table: z.array(z.object({ figure: z.string(), value: z.string(), target: z.string() })),
});

const cell = (s: string) => s.trim().replaceAll('|', '\\|');

/** Rows padded to their column's width, as the repository's formatter (Biome) lays tables out. */
function aligned(rows: string[][]): string[] {
  const widths = [0, 1, 2].map((c) => Math.max(3, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]) => `| ${widths.map((w, c) => (r[c] ?? '').padEnd(w)).join(' | ')} |`;
  const [head, ...body] = rows;
  return [line(head ?? []), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
}

/** The generated block: the run's date and machine, then one row per figure. */
export function renderTable(raw: unknown): string {
  const bench = benchFile.parse(raw);
  const m = bench.machine;
  const lines = [
    START,
    '',
    `Run of ${bench.ranAt.slice(0, 10)} (${Math.round(bench.elapsedMs / 1000)} s${bench.quick ? ', quick' : ''}) on ${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}.`,
    '',
    ...aligned([
      ['figure', 'measured', 'target'],
      ...bench.table.map((r) => [cell(r.figure), cell(r.value), cell(r.target)]),
    ]),
    '',
    END,
  ];
  return lines.join('\n');
}

/** Replaces the block between the markers (they must be there once each). */
export function updateReadme(readme: string, table: string): string {
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) throw new Error(`README.md has no ${START} ... ${END} block`);
  return readme.slice(0, from) + table + readme.slice(to + END.length);
}

export function writeReadmeTable(root = join(import.meta.dirname, '..')): void {
  const bench: unknown = JSON.parse(readFileSync(join(root, 'bench/results/bench.json'), 'utf8'));
  const readmePath = join(root, 'README.md');
  writeFileSync(readmePath, updateReadme(readFileSync(readmePath, 'utf8'), renderTable(bench)));
}

if (process.argv[1] && import.meta.filename === process.argv[1]) writeReadmeTable();
