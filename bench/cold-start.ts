/**
 * (e) Cold start: bundles each function with esbuild using infra/echobot-function.ts's options
 * (ESM, node22, minified, source map beside, `require` banner, nothing external), then imports
 * each bundle in fresh Node processes and times it. A second variant leaves `@aws-sdk/*` to
 * the runtime (nodejs22.x and later ship SDK v3), for comparison.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const FUNCTIONS = ['http', 'fanout', 'deliver'] as const;

export interface BundleFigures {
  fn: string;
  variant: 'bundled SDK (deployed)' | 'SDK from runtime';
  bytes: number;
  /** Median wall time of `await import(bundle)` in a fresh process, ms. */
  importMs: number;
  /** The largest packages inside the bundle, by output bytes. */
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

function heaviest(meta: Metafile): Array<{ pkg: string; bytes: number }> {
  const byPkg = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
      const pkg = m?.[1] ?? 'echobot (lib, functions)';
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
        const outfile = join(dir, `${fn}-${variant.startsWith('bundled') ? 'bundled' : 'external'}.mjs`);
        const result = await build({
          entryPoints: [join(ROOT, 'functions', `${fn}.ts`)],
          bundle: true,
          platform: 'node',
          format: 'esm',
          target: 'node22',
          minify: true,
          sourcemap: true,
          mainFields: ['module', 'main'],
          banner: {
            js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
          },
          external: variant.startsWith('bundled') ? [] : ['@aws-sdk/*'],
          outfile,
          metafile: true,
          logLevel: 'silent',
        });
        out.push({
          fn,
          variant,
          bytes: (await stat(outfile)).size,
          importMs: await importMs(outfile, options.runs ?? 5),
          heaviest: heaviest(result.metafile),
        });
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}
