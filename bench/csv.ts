/**
 * CSV reading throughput (issue #14, ahead of the upload processor): 100,000 generated shipments of
 * two item lines each, streamed through lib/manifest/csv.ts in this process. Wall time, rows per
 * second, this thread's CPU time per 1,000 shipments, and the heap the read added at its peak (exact:
 * the GC profiler's before-GC sizes), to show that memory does not follow the file.
 */
import { Readable } from 'node:stream';
import { GCProfiler, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CSV_COLUMNS, readShipmentsCsv } from '../lib/manifest/csv.ts';
import type { ManifestRequest } from '../lib/manifest/schema.ts';
import { type Figure, figure, progress, round } from './support.ts';

const GROUP = 'D CSV reading (#14)';

/** RFC 4180 quoting, for the generated rows only. */
const quote = (field: string) => (/[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field);

/** The template shipment's first two item lines as CSV text after the shipment number (the first column). */
function rowTails(template: ManifestRequest): string[] {
  const [shipment] = template.shipments;
  if (!shipment) throw new Error('template has no shipment');
  const items = [shipment.items[0], shipment.items[1] ?? shipment.items[0]];
  return items.map((item) =>
    CSV_COLUMNS.slice(1)
      .map((column) => {
        const path = column.name.split('.');
        let value: unknown = column.level === 'item' ? item : shipment;
        for (const key of column.level === 'item' ? path.slice(1) : path) {
          value = (value as Record<string, unknown> | undefined)?.[key];
        }
        return quote(value === undefined ? '' : String(value));
      })
      .join(','),
  );
}

export async function csvFigures(options: {
  template: ManifestRequest;
  shipments?: number;
}): Promise<Figure[]> {
  const count = options.shipments ?? 100_000;
  const tails = rowTails(options.template);
  let bytes = 0;
  function* generate() {
    yield `${CSV_COLUMNS.map((column) => column.name).join(',')}\n`;
    for (let start = 0; start < count; start += 1_000) {
      let block = '';
      for (let i = start; i < Math.min(count, start + 1_000); i++) {
        const number = `CSV${String(i).padStart(9, '0')}`;
        for (const tail of tails) block += `${number},${tail}\n`;
      }
      bytes += Buffer.byteLength(block);
      yield block;
    }
  }
  progress(`D: reading ${count.toLocaleString('en-US')} generated shipments (${tails.length} rows each)`);
  // A full GC on demand, to weigh what the reader holds (live) apart from garbage not yet collected.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const liveAtStart = getHeapStatistics().used_heap_size;
  let peakLive = 0;
  let chunks = 0;
  const profiler = new GCProfiler();
  profiler.start();
  const heapAtStart = getHeapStatistics().used_heap_size;
  const cpu = process.threadCpuUsage();
  const started = performance.now();
  let valid = 0;
  let problems = 0;
  for await (const chunk of readShipmentsCsv(Readable.from(generate()), { chunkSize: 1_000 })) {
    valid += chunk.shipments.length;
    problems += chunk.problems.length;
    if (++chunks % 20 === 0) {
      gc();
      peakLive = Math.max(peakLive, getHeapStatistics().used_heap_size - liveAtStart);
    }
  }
  const ms = performance.now() - started;
  const used = process.threadCpuUsage(cpu);
  const heapAtEnd = getHeapStatistics().used_heap_size;
  const { statistics = [] } = profiler.stop() ?? {};
  const peak = statistics.reduce(
    (max, gc) => Math.max(max, gc.beforeGC.heapStatistics.usedHeapSize),
    heapAtEnd,
  );
  const cpuMs = (used.user + used.system) / 1000;
  const rows = count * tails.length;
  const mb = (value: number) => (value / 1024 / 1024).toFixed(0);
  const what = `${count.toLocaleString('en-US')} shipments × ${tails.length} item rows (${mb(bytes)} MB of CSV) generated on the fly and streamed through readShipmentsCsv (csv-parse + the Shipment schema) in the bench process; ${valid.toLocaleString('en-US')} valid, ${problems} problems`;
  return [
    figure(
      GROUP,
      'CSV rows read per second',
      round(rows / (ms / 1000), 0),
      'rows/s',
      null,
      `${what}; ${round(ms / 1000, 1)} s`,
    ),
    figure(
      GROUP,
      'CSV reading CPU per 1,000 shipments',
      round((cpuMs * 1000) / count, 0),
      'ms',
      null,
      `this thread's CPU time (process.threadCpuUsage): ${round(cpuMs / 1000, 1)} s for ${count.toLocaleString('en-US')} shipments`,
    ),
    figure(
      GROUP,
      'CSV reading: peak heap added while reading',
      round((peak - heapAtStart) / 1024 / 1024, 0),
      'MB',
      null,
      `peak heap in use (the GC profiler's before-GC sizes, ${statistics.length} GCs) minus the heap in use at the start (${mb(heapAtStart)} MB); garbage not yet collected included; the file was ${mb(bytes)} MB`,
    ),
    figure(
      GROUP,
      'CSV reading: live heap held by the reader (max, after a full GC)',
      round(peakLive / 1024 / 1024, 1),
      'MB',
      null,
      `heap in use right after a forced full GC, every 20 chunks of 1,000 shipments, minus the same at the start: what the reader holds (a chunk, csv-parse's buffer, the shipment numbers seen), while ${mb(bytes)} MB of CSV stream through; the forced GCs are inside the timed read`,
    ),
  ];
}
