/**
 * Hosts one Lambda function: a small pool of worker threads (execution environments) created on
 * demand, each with the function's own environment, running its bundled code. Enforces the
 * function timeout (the environment is discarded, as Lambda does) and the 6 MB payload limits.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';

/** Lambda's synchronous invocation payload limit (request and response). */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;

const WORKER_URL = new URL('./lambda-worker.mjs', import.meta.url);

export interface LambdaFunctionSpec {
  stackName: string;
  logicalId: string;
  functionName: string;
  functionArn: string;
  handler: string;
  /** Directory holding the bundled code (the asset directory). */
  taskRoot: string;
  timeoutSeconds: number;
  memorySize: number;
  /** The complete environment the function sees: nothing else leaks in from this process. */
  environment: Record<string, string>;
}

export interface LambdaError {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

export type InvokeOutcome =
  | { status: 'ok'; requestId: string; payload: string }
  | { status: 'error'; requestId: string; error: LambdaError }
  | { status: 'request-too-large'; requestId: string; bytes: number };

export type FunctionLogSink = (functionLogicalId: string, line: string) => void;

/** Measured by the execution environment itself for one invocation (lambda-worker.mjs). */
export interface EnvironmentReport {
  /** From the event reaching the thread to the serialized result, like Lambda's Duration. */
  durationMs: number;
  /** CPU time of the environment's own thread (process.threadCpuUsage), user and system. */
  cpuUserMs: number;
  cpuSystemMs: number;
  /**
   * The isolate's peak heap in use during the invocation (exact: the GC profiler's before-GC sizes).
   * "In use" includes garbage not yet collected, also what earlier invocations left, as on Lambda.
   */
  peakHeapUsedBytes: number;
  /** Heap in use when the invocation started: the peak minus this is what the invocation added. */
  heapUsedAtStartBytes: number;
  /**
   * The largest heap in use just after a garbage collection during the invocation (0 if none ran):
   * what the invocation kept alive, plus garbage that GC did not reach. The measure of retention.
   */
  peakHeapAfterGcBytes: number;
  /**
   * With liveHeapSampleMs (benchmarks): the largest heap in use right after a forced full
   * collection, sampled that often during the invocation: the live set. 0 otherwise.
   */
  peakLiveHeapBytes: number;
  /** Peak memory held outside the heap (Buffers, ArrayBuffers) at the same instants. */
  peakExternalBytes: number;
  /** The heap limit (maxOldGenerationSizeMb = the function's MemorySize, plus the young generation). */
  heapLimitBytes: number;
  gcCount: number;
  /** On an environment's first invocation only: how long the init phase (module load) took. */
  initDurationMs?: number;
}

/**
 * Lambda's REPORT line, locally: one per invocation that the environment answered (an invocation
 * that timed out or whose environment died reports nothing: its thread's figures are gone).
 */
export interface InvocationReport extends EnvironmentReport {
  functionLogicalId: string;
  functionName: string;
  requestId: string;
  memorySizeMb: number;
  outcome: 'ok' | 'error';
}

export type InvocationReportSink = (report: InvocationReport) => void;

interface WorkerMessage {
  type: 'ready' | 'init-error' | 'result';
  id?: number;
  ok?: boolean;
  payload?: string;
  error?: LambdaError;
  report?: EnvironmentReport;
}

/** One execution environment. */
class Environment {
  readonly worker: Worker;
  readonly ready: Promise<LambdaError | undefined>;
  dead = false;
  private crash?: Error;
  private current?: { id: number; settle: (message: WorkerMessage) => void };

  constructor(spec: LambdaFunctionSpec, log: FunctionLogSink | undefined, liveHeapSampleMs = 0) {
    this.worker = new Worker(WORKER_URL, {
      name: spec.functionName,
      workerData: {
        taskRoot: spec.taskRoot,
        handler: spec.handler,
        sourceMaps: /--enable-source-maps/.test(spec.environment.NODE_OPTIONS ?? ''),
        liveHeapSampleMs,
      },
      env: spec.environment,
      // A clean thread: no TypeScript loader from the parent, exactly the bundle like on Lambda.
      execArgv: [],
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: spec.memorySize },
    });
    for (const stream of [this.worker.stdout, this.worker.stderr]) {
      if (log) createInterface({ input: stream }).on('line', (line) => log(spec.logicalId, line));
      else stream.resume();
    }
    this.ready = new Promise((resolve) => {
      const onMessage = (message: WorkerMessage) => {
        if (message.type === 'ready') resolve(undefined);
        else if (message.type === 'init-error') resolve(message.error);
        else return;
        this.worker.off('message', onMessage);
      };
      this.worker.on('message', onMessage);
      this.worker.once('exit', () =>
        resolve({
          errorType: 'Runtime.ExitError',
          errorMessage: `The environment exited during init${this.crash ? `: ${this.crash.message}` : ''}`,
        }),
      );
    });
    this.worker.on('message', (message: WorkerMessage) => {
      const current = this.current;
      if (current && message.type === 'result' && current.id === message.id) current.settle(message);
    });
    this.worker.on('error', (error) => {
      this.crash = error;
    });
    this.worker.on('exit', (code) => {
      this.dead = true;
      const current = this.current;
      current?.settle({
        type: 'result',
        id: current.id,
        ok: false,
        error: {
          errorType: 'Runtime.ExitError',
          errorMessage: `The environment exited (code ${code})${this.crash ? `: ${this.crash.stack ?? this.crash.message}` : ''}`,
        },
      });
    });
  }

  run(id: number, eventJson: string, context: Record<string, unknown>): Promise<WorkerMessage> {
    return new Promise((resolve) => {
      this.current = {
        id,
        settle: (message) => {
          this.current = undefined;
          resolve(message);
        },
      };
      this.worker.postMessage({ type: 'invoke', id, eventJson, context });
    });
  }

  async terminate(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
  }
}

export class LambdaFunctionHost {
  private readonly environments = new Set<Environment>();
  private readonly idle: Environment[] = [];
  private readonly waiting: Array<{ resolve: (env: Environment) => void; reject: (error: Error) => void }> =
    [];
  private sequence = 0;
  private stopped = false;

  constructor(
    readonly spec: LambdaFunctionSpec,
    private readonly options: {
      maxConcurrency: number;
      log?: FunctionLogSink;
      /** Called with every invocation's resource report (the bench reads CPU and heap from it). */
      onReport?: InvocationReportSink;
      /** Benchmarks: force a full GC this often during invocations and report the live heap. */
      liveHeapSampleMs?: number;
    },
  ) {}

  /** Synchronous invocation (RequestResponse). Never throws for function errors: see the outcome. */
  async invoke(event: unknown, options: { requestId?: string } = {}): Promise<InvokeOutcome> {
    const requestId = options.requestId ?? randomUUID();
    const eventJson = JSON.stringify(event ?? null);
    const bytes = Buffer.byteLength(eventJson);
    if (bytes > MAX_SYNC_PAYLOAD_BYTES) return { status: 'request-too-large', requestId, bytes };
    const environment = await this.acquire();
    try {
      const outcome = await this.runOn(environment, eventJson, requestId);
      if (outcome.status === 'error') {
        this.options.log?.(
          this.spec.logicalId,
          `ERROR Invoke Error ${JSON.stringify({ requestId, errorType: outcome.error.errorType, errorMessage: outcome.error.errorMessage })}`,
        );
      }
      return outcome;
    } finally {
      this.release(environment);
    }
  }

  /** Environments currently alive (for tests and the queue view). */
  get size(): number {
    return this.environments.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const waiter of this.waiting.splice(0)) waiter.reject(new Error('The local runtime is stopping'));
    await Promise.all([...this.environments].map((environment) => environment.terminate()));
    this.environments.clear();
    this.idle.length = 0;
  }

  private async runOn(
    environment: Environment,
    eventJson: string,
    requestId: string,
  ): Promise<InvokeOutcome> {
    const initError = await environment.ready;
    if (initError) {
      // Lambda discards an environment whose init failed and retries init on the next invocation.
      await environment.terminate();
      return { status: 'error', requestId, error: initError };
    }
    const { spec } = this;
    const timeoutMs = spec.timeoutSeconds * 1000;
    const context = {
      functionName: spec.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: spec.functionArn,
      memoryLimitInMB: String(spec.memorySize),
      awsRequestId: requestId,
      logGroupName: spec.environment.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: spec.environment.AWS_LAMBDA_LOG_STREAM_NAME,
      deadlineMs: Date.now() + timeoutMs,
    };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<InvokeOutcome>((resolve) => {
      timer = setTimeout(() => {
        // The sandbox is frozen and discarded: whatever the handler was doing stops here.
        void environment.terminate();
        resolve({
          status: 'error',
          requestId,
          error: {
            errorType: 'Sandbox.Timedout',
            errorMessage: `${requestId} Task timed out after ${spec.timeoutSeconds.toFixed(2)} seconds`,
          },
        });
      }, timeoutMs);
    });
    const ran = environment.run(++this.sequence, eventJson, context).then((message): InvokeOutcome => {
      if (message.report) {
        this.options.onReport?.({
          functionLogicalId: spec.logicalId,
          functionName: spec.functionName,
          requestId,
          memorySizeMb: spec.memorySize,
          outcome: message.ok ? 'ok' : 'error',
          ...message.report,
        });
      }
      if (!message.ok) {
        return {
          status: 'error',
          requestId,
          error: message.error ?? { errorType: 'Error', errorMessage: '' },
        };
      }
      const payload = message.payload ?? 'null';
      if (Buffer.byteLength(payload) > MAX_SYNC_PAYLOAD_BYTES) {
        return {
          status: 'error',
          requestId,
          error: {
            errorType: 'Function.ResponseSizeTooLarge',
            errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_SYNC_PAYLOAD_BYTES} bytes).`,
          },
        };
      }
      return { status: 'ok', requestId, payload };
    });
    try {
      return await Promise.race([ran, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  private acquire(): Promise<Environment> {
    if (this.stopped) return Promise.reject(new Error('The local runtime is stopping'));
    for (let warm = this.idle.pop(); warm; warm = this.idle.pop()) {
      if (!warm.dead) return Promise.resolve(warm);
      this.environments.delete(warm);
    }
    if (this.environments.size < this.options.maxConcurrency) return Promise.resolve(this.create());
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(environment: Environment): void {
    if (environment.dead) this.environments.delete(environment);
    if (this.stopped) return;
    const next = this.waiting.shift();
    if (!next) {
      if (!environment.dead) this.idle.push(environment);
      return;
    }
    next.resolve(environment.dead ? this.create() : environment);
  }

  private create(): Environment {
    const environment = new Environment(this.spec, this.options.log, this.options.liveHeapSampleMs);
    this.environments.add(environment);
    return environment;
  }
}
