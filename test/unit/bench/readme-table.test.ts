import { describe, expect, it } from 'vitest';
import { renderTable, updateReadme } from '../../../bench/readme-table.ts';

const bench = {
  ranAt: '2026-12-02T03:00:00.000Z',
  elapsedMs: 281_400,
  quick: false,
  machine: { cpus: 2, cpuModel: 'Xeon', memoryGiB: 24, node: 'v22.23.3' },
  table: [
    { figure: 'per M posts, 10 non-SMS recipients each', value: '$1.22', target: '<= $2' },
    { figure: 'a | pipe', value: 'x', target: '' },
  ],
};

describe('the README performance table from bench.json', () => {
  it('renders the run date, machine and one row per figure, pipes escaped', () => {
    const table = renderTable(bench);
    expect(table).toContain('Run of 2026-12-02 (281 s) on 2 cores (Xeon), 24 GiB, Node v22.23.3.');
    expect(table).toMatch(/\| per M posts, 10 non-SMS recipients each +\| \$1.22 +\| <= \$2 +\|/);
    expect(table).toMatch(/\| a \\\| pipe +\| x +\| +\|/);
    // Columns padded as the formatter lays tables out: every row is as wide as the header.
    const rows = table.split('\n').filter((l) => l.startsWith('|'));
    expect(new Set(rows.map((r) => r.length)).size).toBe(1);
  });

  it('replaces only the block between the markers, and refuses a README without them', () => {
    const readme = `intro\n${renderTable({ ...bench, table: [] })}\noutro\n`;
    const updated = updateReadme(readme, renderTable(bench));
    expect(updated.startsWith('intro\n')).toBe(true);
    expect(updated.endsWith('\noutro\n')).toBe(true);
    expect(updated).toContain('$1.22');
    expect(() => updateReadme('no markers', renderTable(bench))).toThrow(/bench-table/);
  });

  it('refuses a bench file of another shape', () => {
    expect(() => renderTable({ ranAt: 1 })).toThrow();
  });
});
