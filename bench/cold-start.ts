/**
 * (e) Cold start: bundles each function exactly as the stack does (infra/echobot-function.ts's
 * bundleOptions: ESM with split chunks, node22, minified, source map beside, `require` banner,
 * nothing external), then imports each bundle in fresh Node processes and times it. "Loaded at cold
 * start" is the entry file plus every chunk it imports statically; chunks reached only through
 * `await import()` (SES for mail, SSM for secrets, SQS for the status page) load when that feature
 * runs. A second variant leaves `@aws-sdk/*` to the runtime (nodejs22.x and later ship SDK v3),
 * for comparison.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { bundleOptions } from '../infra/echobot-function.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const FUNCTIONS = ['http', 'fanout', 'deliver'] as const;

/** The issue 14 target for the bytes each function loads at cold start (minified). */
export const COLD_START_BUDGET_BYTES = 300_000;

export interface BundleFigures {
  fn: string;
  variant: 'bundled SDK (deployed)' | 'SDK from runtime';
  /** Bytes Node reads at cold start: the entry and the chunks it imports statically. */
  bytes: number;
  /** Every output file (lazy chunks included), without source maps. */
  totalBytes: number;
  /** The chunks loaded only on demand, by their heaviest package. */
  lazy: Array<{ pkg: string; bytes: number }>;
  /** Median wall time of `await import(bundle)` in a fresh process, ms. */
  importMs: number;
  /** The largest packages loaded at cold start, by output bytes. */
  heaviest: Array<{ pkg: string; bytes: number }>;
}

/** The env each function reads at import (no value is real; nothing is called). */
const ENV = {
  TABLE_NAME: 'bench',
  DELIVERY_QUEUE_URL: 'http://127.0.0.1:9/q',
  DELIVERY_DLQ_URL: 'http://127.0.0.1:9/dlq',
  TWILIO_AUTH_TOKEN_PARAM: '/bench/token',
  ADMIN_TOKEN_PARAM: '/bench/admin',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POWERTOOLS_SERVICE_NAME: 'echobot',
  LOG_LEVEL: 'WARN',
};

/**
 * The caller's environment without the settings a function reads (`ECHOBOT_*`, `AWS_*`,
 * `POWERTOOLS_*`, `NODE_OPTIONS`): a bundle imports with what ENV gives it, as from its
 * template, whatever the shell running the bench has set (a malformed `ECHOBOT_POST_RATE_LIMIT`
 * would otherwise fail the import).
 */
function runtimeEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(ECHOBOT_|AWS_|POWERTOOLS_|NODE_OPTIONS$)/.test(k)),
  );
}

const packageOf = (input: string): string =>
  input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? 'echobot (lib, functions)';

/** The entry's output file and the chunks it imports statically, transitively. */
function staticClosure(meta: Metafile): string[] {
  const entry = Object.keys(meta.outputs).find((name) => /(^|\/)index\.mjs$/.test(name));
  if (!entry) throw new Error('no index.mjs in the bundle');
  const seen = new Set<string>();
  const todo = [entry];
  for (let name = todo.pop(); name !== undefined; name = todo.pop()) {
    if (seen.has(name)) continue;
    seen.add(name);
    for (const i of meta.outputs[name]?.imports ?? [])
      if (i.kind === 'import-statement' && !i.external) todo.push(i.path);
  }
  return [...seen];
}

function heaviest(meta: Metafile, outputs: string[]): Array<{ pkg: string; bytes: number }> {
  const byPkg = new Map<string, number>();
  for (const name of outputs) {
    for (const [input, { bytesInOutput }] of Object.entries(meta.outputs[name]?.inputs ?? {})) {
      const pkg = packageOf(input);
      byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + bytesInOutput);
    }
  }
  return [...byPkg]
    .map(([pkg, bytes]) => ({ pkg, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 5);
}

async function importMs(file: string, runs: number): Promise<number> {
  const times: number[] = [];
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`;
  for (let i = 0; i < runs; i++) {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...runtimeEnv(), ...ENV },
      cwd: ROOT,
    });
    times.push(Number(stdout.trim()));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

export async function coldStart(options: { runs?: number } = {}): Promise<BundleFigures[]> {
  // Inside the repo so a bundle that leaves the SDK external resolves it from node_modules.
  const dir = join(ROOT, 'bench', 'results', '.bundles');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const out: BundleFigures[] = [];
  try {
    for (const variant of ['bundled SDK (deployed)', 'SDK from runtime'] as const) {
      for (const fn of FUNCTIONS) {
        const outdir = join(dir, `${fn}-${variant.startsWith('bundled') ? 'bundled' : 'external'}`);
        const result = await build({
          ...bundleOptions(fn, outdir),
          external: variant.startsWith('bundled') ? [] : ['@aws-sdk/*'],
          metafile: true,
          logLevel: 'silent',
        });
        const meta = result.metafile;
        const code = Object.keys(meta.outputs).filter((name) => !name.endsWith('.map'));
        const cold = staticClosure(meta);
        const size = (names: string[]) =>
          names.reduce((sum, name) => sum + (meta.outputs[name]?.bytes ?? 0), 0);
        out.push({
          fn,
          variant,
          bytes: size(cold),
          totalBytes: size(code),
          lazy: code
            .filter((name) => !cold.includes(name))
            .map((name) => ({ pkg: heaviest(meta, [name])[0]?.pkg ?? name, bytes: size([name]) }))
            .filter((chunk) => chunk.bytes > 10_000)
            .sort((a, b) => b.bytes - a.bytes),
          importMs: await importMs(join(outdir, 'index.mjs'), options.runs ?? 5),
          heaviest: heaviest(meta, cold),
        });
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}
