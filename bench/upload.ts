/**
 * G — a bulk CSV upload of 100,000 shipments on the local stack (issue #14 item 3/5): POST the
 * upload, PUT the file to the presigned URL (fauxqs S3), wait for COMPLETED. Reported: the wall time
 * from the PUT to COMPLETED, the processor's CPU per 1,000 shipments (thread CPU of its invocations,
 * from the local runtime's REPORT), its peak heap (it must not grow with the file: compare the
 * live heap with the file's size), and the modelled AWS duration at the processor's memory size
 * (wall + CPU × the vCPU stretch). The reporter is not polled (pollQueues: false): the figure is
 * the upload's, not the reporting's.
 *
 * Only the processor's event source is polled (`pollFunctions`): the reporter, the outbox stream
 * and the webhooks would otherwise report the uploaded houses on the same two cores meanwhile
 * (in AWS they are other Lambdas), and the figure would be theirs as much as the processor's.
 * Memory: the peak heap before a collection depends on when V8 chose to collect, and the heap
 * left after a scavenge still counts the old generation's garbage; the live heap, sampled after a
 * full collection forced every 2 s (liveHeapSampleMs, bench only), is what the processor holds —
 * the figure that must not grow with the file (compare two sizes: BENCH_UPLOAD_SHIPMENTS).
 */

import { gzipSync } from 'node:zlib';
import { newKey } from '../lib/domain/partner-keys.ts';
import type { ManifestRequest } from '../lib/manifest/schema.ts';
import type { InvocationReport } from '../local/runtime/index.ts';
import { startLocalStack } from '../local/runtime/index.ts';
import { startBackends } from './profiles.ts';
import { type Figure, figure, lambdaCpuStretch, progress, round, sleep, track } from './support.ts';

const GROUP = 'G bulk upload (#14)';
const isProcessor = (functionLogicalId: string) => /Upload.*Processor/i.test(functionLogicalId);
/** A forced full GC this often in the functions (bench only), to weigh the processor's live heap. */
const LIVE_HEAP_SAMPLE_MS = 2_000;
/** The processor's memory in the template (cdk/constructs/uploads.ts). */
const PROCESSOR_MEMORY_MB = 1769;

function csvFile(template: ManifestRequest, count: number): Buffer {
  const [shipment] = template.shipments;
  if (!shipment) throw new Error('the example has no shipment');
  const header =
    'shipmentNumber,voecNumber,goodsDescription,grossMassKg,packages,consignor.name,consignor.address.street,consignor.address.postcode,consignor.address.city,consignor.address.country,consignee.name,consignee.type,consignee.address.street,consignee.address.postcode,consignee.address.city,consignee.address.country,items.commodityCode,items.description,items.unitValueNok,items.quantity';
  const q = (value: string | number) => `"${String(value).replaceAll('"', '""')}"`;
  const rows: string[] = [header];
  for (let i = 0; i < count; i++) {
    const s = shipment;
    const c = s.consignee;
    for (const item of s.items) {
      rows.push(
        [
          `UP${String(i).padStart(9, '0')}SE`,
          q(s.voecNumber),
          q(s.goodsDescription),
          s.grossMassKg,
          s.packages,
          q(s.consignor.name),
          q(s.consignor.address.street),
          q(s.consignor.address.postcode),
          q(s.consignor.address.city),
          s.consignor.address.country,
          q(c.name),
          c.type,
          q(c.address.street),
          q(c.address.postcode),
          q(c.address.city),
          c.address.country,
          item.commodityCode,
          q(item.description),
          item.unitValueNok,
          item.quantity,
        ].join(','),
      );
    }
  }
  return Buffer.from(`${rows.join('\n')}\n`);
}

export async function uploadFigures(options: {
  cdkOut: string;
  template: ManifestRequest;
  shipments: number;
  timeoutMs: number;
}): Promise<Figure[]> {
  const key = newKey();
  const backends = await startBackends('local');
  const reports: InvocationReport[] = [];
  const stack = await startLocalStack({
    port: 0,
    synth: false,
    cdkOut: options.cdkOut,
    dynamoEndpoint: backends.dynamoEndpoint,
    sqsEndpoint: backends.sqsEndpoint,
    scheduleEnabled: false,
    partnerKeys: [{ partnerId: 'bench', key }],
    log: () => {},
    functionLogs: false,
    onInvocationReport: (report) => reports.push(report),
    pollFunctions: (functionLogicalId) => isProcessor(functionLogicalId),
    liveHeapSampleMs: LIVE_HEAP_SAMPLE_MS,
  });
  const stop = track('upload local stack', async () => {
    await stack.stop();
    await backends.stop();
  });
  try {
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${stack.apiUrl}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers },
      });
    const csv = csvFile(options.template, options.shipments);
    // Sent gzip (contentEncoding), as a partner would send a file this size (100,000 shipments are
    // ~41 MB of CSV, 0.7 MB gzip; a plain PUT works too: local/runtime/s3-front.ts). The processor
    // inflates the stream as it reads: the figures include the gunzip.
    const file = gzipSync(csv);
    const transport = {
      ...options.template.transport,
      estimatedArrival: new Date(Date.now() + 48 * 3_600_000).toISOString(),
    };
    const created = await api('/v1/manifest-uploads', {
      method: 'POST',
      // A CSV upload carries the manifest's head as a manifest does: transport, master, transit.
      body: JSON.stringify({
        reference: `BENCH-UPLOAD-${Date.now()}`,
        format: 'csv',
        contentEncoding: 'gzip',
        transport,
        masterConsignment: options.template.masterConsignment,
        ...(options.template.transit ? { transit: options.template.transit } : {}),
      }),
    });
    if (created.status !== 201) {
      throw new Error(
        `POST /v1/manifest-uploads answered ${created.status}: ${(await created.text()).slice(0, 300)}`,
      );
    }
    const { uploadId, uploadUrl } = (await created.json()) as { uploadId: string; uploadUrl: string };
    progress(
      `G: PUT ${(file.length / 1e6).toFixed(1)} MB gzip (${(csv.length / 1e6).toFixed(1)} MB of CSV, ${options.shipments} shipments)`,
    );
    const started = performance.now();
    const put = await fetch(uploadUrl, {
      method: 'PUT',
      body: file,
      headers: { 'content-encoding': 'gzip' },
    });
    if (put.status !== 200) throw new Error(`PUT to the presigned URL answered ${put.status}`);
    let body: Record<string, any> = {};
    const deadline = Date.now() + options.timeoutMs;
    let lastLog = Date.now();
    for (;;) {
      body = (await (await api(`/v1/manifest-uploads/${uploadId}`)).json()) as Record<string, any>;
      if (body.status === 'COMPLETED' || body.status === 'FAILED' || Date.now() > deadline) break;
      if (Date.now() - lastLog > 15_000) {
        lastLog = Date.now();
        progress(
          `G: ${body.status} ${body.phase ?? ''} read ${body.progress?.shipmentsRead ?? '?'}, stored ${body.progress?.shipmentsStored ?? '?'} after ${((performance.now() - started) / 1000).toFixed(0)} s`,
        );
      }
      await sleep(1000);
    }
    const wallMs = performance.now() - started;
    const processor = reports.filter((report) => isProcessor(report.functionLogicalId));
    const cpuMs = processor.reduce((sum, r) => sum + r.cpuUserMs + r.cpuSystemMs, 0);
    const peakHeap = Math.max(0, ...processor.map((r) => r.peakHeapUsedBytes));
    const keptHeap = Math.max(0, ...processor.map((r) => r.peakHeapAfterGcBytes));
    const liveHeap = Math.max(0, ...processor.map((r) => r.peakLiveHeapBytes));
    const peakExternal = Math.max(0, ...processor.map((r) => r.peakExternalBytes));
    const gcs = processor.reduce((sum, r) => sum + r.gcCount, 0);
    const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);
    const size = options.shipments.toLocaleString('en-US');
    const modelledMs = wallMs + cpuMs * lambdaCpuStretch(PROCESSOR_MEMORY_MB);
    const stored = Number(body.progress?.shipmentsStored ?? 0);
    const fileSize = `${(csv.length / 1e6).toFixed(1)} MB of CSV, PUT gzip as ${(file.length / 1e6).toFixed(1)} MB`;
    const note = `status ${body.status}, ${stored} of ${options.shipments} stored, ${processor.length} processor invocation(s); ${fileSize}`;
    return [
      figure(
        GROUP,
        `${size}-shipment CSV upload → COMPLETED, wall`,
        round(wallMs / 1000, 1),
        's',
        null,
        note,
      ),
      figure(
        GROUP,
        `${size}-shipment upload: processor CPU per 1,000 shipments`,
        stored ? round(cpuMs / (stored / 1000), 1) : null,
        'ms',
        null,
        `thread CPU (user + system) of the processor invocations, both passes (validate, store): ${round(cpuMs / 1000, 1)} s in all`,
      ),
      figure(
        GROUP,
        `${size}-shipment upload: processor heap kept (largest after a GC)`,
        mb(keptHeap),
        'MB',
        null,
        `the largest heap in use just after any of the ${gcs} collections during its invocations: what it kept alive (with garbage a scavenge does not reach); against a file of ${fileSize}. Peak before a collection ${mb(peakHeap)} MB (garbage included: V8 collects when it likes); Buffers outside the heap at most ${mb(peakExternal)} MB`,
      ),
      figure(
        GROUP,
        `${size}-shipment upload: processor live heap (largest after a forced full GC)`,
        mb(liveHeap),
        'MB',
        null,
        `the heap in use right after a full collection forced every ${LIVE_HEAP_SAMPLE_MS / 1000} s during its invocations (bench only): what the processor holds alive — the bundle's modules and clients, one or two chunks, the shipment numbers seen (~60 bytes each, to refuse duplicates) — against a file of ${fileSize}`,
      ),
      figure(
        GROUP,
        `${size}-shipment upload: modelled AWS duration`,
        round(modelledMs / 1000, 1),
        's',
        null,
        `wall + CPU × ${round(lambdaCpuStretch(PROCESSOR_MEMORY_MB), 2)} (1,769 MB = one vCPU); local emulator latency, not AWS's`,
      ),
    ];
  } finally {
    await stop();
  }
}
