/**
 * One Lambda execution environment: a worker thread that imports the function's bundled code
 * (init phase) and answers invocations one at a time, like the Node.js runtime interface client.
 * Plain JavaScript so it runs without any TypeScript loader, under tsx and vitest alike.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GCProfiler, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';

const { taskRoot, handler, sourceMaps, liveHeapSampleMs } = workerData;

/**
 * Benchmarks only (liveHeapSampleMs): a full garbage collection on demand, to weigh what the
 * handler holds alive apart from garbage V8 has not collected yet. Lambda has nothing like it.
 */
let fullGc;
if (liveHeapSampleMs > 0) {
  setFlagsFromString('--expose-gc');
  fullGc = runInNewContext('gc');
}

// NODE_OPTIONS is not read by worker threads; honour the one option our functions set.
if (sourceMaps && typeof process.setSourceMapsEnabled === 'function') process.setSourceMapsEnabled(true);

async function loadHandler() {
  const dot = handler.lastIndexOf('.');
  const modulePath = handler.slice(0, dot);
  const exportName = handler.slice(dot + 1);
  const base = join(taskRoot, modulePath);
  const file = ['.mjs', '.js', '.cjs'].map((extension) => base + extension).find((path) => existsSync(path));
  if (!file) throw named(new Error(`Cannot find module '${modulePath}'`), 'Runtime.ImportModuleError');
  const module = await import(pathToFileURL(file).href);
  const fn = module[exportName] ?? module.default?.[exportName];
  if (typeof fn !== 'function') {
    throw named(new Error(`${handler} is undefined or not exported`), 'Runtime.HandlerNotFound');
  }
  return fn;
}

function named(error, name) {
  error.name = name;
  return error;
}

function toLambdaError(error) {
  if (error instanceof Error) {
    return {
      errorType: error.name || 'Error',
      errorMessage: error.message,
      trace: String(error.stack ?? '').split('\n'),
    };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

const initStarted = performance.now();
const loading = loadHandler();
/** Lambda reports the init duration on the first invocation of an environment only. */
let initDurationMs;
loading.then(
  () => {
    initDurationMs = performance.now() - initStarted;
  },
  () => {},
);
loading.then(
  () => parentPort.postMessage({ type: 'ready' }),
  (error) => parentPort.postMessage({ type: 'init-error', error: toLambdaError(error) }),
);

/** Async handlers resolve their promise; callback-style handlers call back (the runtime supports both). */
function run(fn, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const callback = (error, value) => {
      if (settled) return;
      settled = true;
      if (error !== undefined && error !== null) reject(error);
      else resolve(value);
    };
    context.done = callback;
    context.succeed = (value) => callback(null, value);
    context.fail = (error) => callback(error ?? new Error('handled'));
    let returned;
    try {
      returned = fn(event, context, callback);
    } catch (error) {
      callback(error);
      return;
    }
    if (returned && typeof returned.then === 'function') {
      returned.then(
        (value) => callback(null, value),
        (error) => callback(error ?? new Error('Promise rejected without a reason')),
      );
    } else if (fn.length < 3) {
      callback(null, returned);
    }
  });
}

/**
 * What Lambda's REPORT line says about one invocation, measured inside this thread: wall time, this
 * thread's CPU time (process.threadCpuUsage: the handler's JavaScript, not V8's GC helper threads or
 * libuv's pool) and the isolate's peak heap. Heap in use only drops at a garbage collection, so its
 * peak is the largest of: at the start, just before each GC (the GC profiler records it), at the end.
 * This is exact, unlike sampling on a timer, which a synchronous handler would never let run.
 */
function startReport() {
  const started = performance.now();
  // The live heap: in use right after a forced full collection, every liveHeapSampleMs (benchmarks).
  let peakLive = 0;
  const sampleLive = () => {
    fullGc();
    peakLive = Math.max(peakLive, getHeapStatistics().used_heap_size);
  };
  const sampler = fullGc ? setInterval(sampleLive, liveHeapSampleMs) : undefined;
  const cpu = process.threadCpuUsage();
  const profiler = new GCProfiler();
  profiler.start();
  const atStart = getHeapStatistics();
  return () => {
    if (sampler) clearInterval(sampler);
    const atEnd = getHeapStatistics();
    const { statistics = [] } = profiler.stop() ?? {};
    const used = process.threadCpuUsage(cpu);
    let peakHeap = Math.max(atStart.used_heap_size, atEnd.used_heap_size);
    let peakExternal = Math.max(atStart.external_memory, atEnd.external_memory);
    // What each collection left: the live set plus garbage it did not reach (a scavenge leaves the
    // old generation's). Unlike the peak before a GC, it does not depend on when V8 chose to collect.
    let peakAfterGc = 0;
    for (const { beforeGC, afterGC } of statistics) {
      peakHeap = Math.max(peakHeap, beforeGC.heapStatistics.usedHeapSize);
      peakExternal = Math.max(peakExternal, beforeGC.heapStatistics.externalMemory);
      peakAfterGc = Math.max(peakAfterGc, afterGC.heapStatistics.usedHeapSize);
    }
    const report = {
      durationMs: performance.now() - started,
      cpuUserMs: used.user / 1000,
      cpuSystemMs: used.system / 1000,
      heapUsedAtStartBytes: atStart.used_heap_size,
      peakHeapUsedBytes: peakHeap,
      peakHeapAfterGcBytes: peakAfterGc,
      peakLiveHeapBytes: peakLive,
      peakExternalBytes: peakExternal,
      heapLimitBytes: atEnd.heap_size_limit,
      gcCount: statistics.length,
    };
    if (initDurationMs !== undefined) {
      report.initDurationMs = initDurationMs;
      initDurationMs = undefined;
    }
    return report;
  };
}

parentPort.on('message', async (message) => {
  if (message.type !== 'invoke') return;
  const { id, eventJson, context: base } = message;
  const context = {
    ...base,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, base.deadlineMs - Date.now()),
  };
  delete context.deadlineMs;
  const finish = startReport();
  try {
    const fn = await loading;
    const value = await run(fn, JSON.parse(eventJson), context);
    // Lambda serializes the result as JSON; undefined becomes null.
    const payload = JSON.stringify(value ?? null);
    parentPort.postMessage({ type: 'result', id, ok: true, payload, report: finish() });
  } catch (error) {
    parentPort.postMessage({ type: 'result', id, ok: false, error: toLambdaError(error), report: finish() });
  }
});
