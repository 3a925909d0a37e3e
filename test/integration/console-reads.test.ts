/**
 * The console's read routes on the local stack (bundled functions, DynamoDB Local, fauxqs, the
 * Digitoll simulator over HTTP): the driver's list as JSON and as a PDF read back as text.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quarterOf } from '../../lib/domain/voec-statement.ts';
import type { ManifestRequest } from '../../lib/manifest/schema.ts';
import type { FullStack } from '../../local/full-stack.ts';
import { startTestStack } from './support/full-stack.ts';

let full: FullStack;
const key = `vb_${randomUUID().replaceAll('-', '')}`;

beforeAll(async () => {
  full = await startTestStack('console', { partnerId: 'console-reads', key });
});

afterAll(async () => {
  await full?.stop();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${full.stack.apiUrl}${path}`, { headers: { authorization: `Bearer ${key}`, ...headers } });

async function until<T>(what: string, probe: () => Promise<T | undefined>, deadlineMs = 45_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Submits a manifest (202 expected) and answers its id. */
async function post(m: ManifestRequest): Promise<string> {
  const posted = await fetch(`${full.stack.apiUrl}/v1/manifests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(m),
  });
  expect(posted.status).toBe(202);
  return ((await posted.json()) as { manifestId: string }).manifestId;
}

/** The road example with unique shipment numbers, 3 hours from the border; one VOEC number Digitoll refuses. */
function manifest(): ManifestRequest {
  const m = JSON.parse(
    readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8'),
  ) as ManifestRequest;
  const tag = randomUUID().replaceAll('-', '').slice(0, 6).toUpperCase();
  m.reference = `CONSOLE-${tag}`;
  m.transport.estimatedArrival = new Date(Date.now() + 3 * 3_600_000).toISOString();
  m.shipments = m.shipments.map((s, index) => ({ ...s, shipmentNumber: `DL${tag}${index}SE` }));
  const refused = m.shipments[2];
  if (!refused) throw new Error('fixture changed');
  refused.voecNumber = '1234567'; // not in the simulator's VOEC register
  return m;
}

describe('the VOEC seller statement', () => {
  it('lists the accepted shipments of the quarter per VOEC number, in whole kroner, as JSON and CSV', async () => {
    const m = manifest();
    const manifestId = await post(m);
    const [first, second, refused] = m.shipments.map((s) => s.shipmentNumber);
    // Accepted now, so in this quarter (Norway's calendar; the quarter is the input, not the answer).
    const quarter = quarterOf(new Date().toISOString());
    type Statement = {
      quarter: string;
      filingDeadline: string;
      sellers: Array<{
        voecNumber: string;
        valueNok: number;
        shipments: Array<{ shipmentNumber: string; valueNok: number; itemLines: number }>;
      }>;
    };
    const mine = (statement: Statement) =>
      statement.sellers
        .flatMap((seller) => seller.shipments.map((s) => ({ voecNumber: seller.voecNumber, ...s })))
        .filter((s) => m.shipments.some((own) => own.shipmentNumber === s.shipmentNumber));
    const statement = await until('both accepted shipments in the statement', async () => {
      const body = (await (await get(`/v1/voec-statements?quarter=${quarter}`)).json()) as Statement;
      return mine(body).length === 2 ? body : undefined;
    });
    // By hand from the example: RR… 2 × 199.00 + 449.50 = 847.50 → 848; LX… 1,249.00.
    expect(mine(statement)).toEqual([
      { voecNumber: '2021137', manifestId, shipmentNumber: second, itemLines: 1, valueNok: 1249 },
      { voecNumber: '2056550', manifestId, shipmentNumber: first, itemLines: 2, valueNok: 848 },
    ]);
    expect(JSON.stringify(statement)).not.toContain(refused);
    expect(statement.quarter).toBe(quarter);

    const one = (await (
      await get(`/v1/voec-statements?quarter=${quarter}&voecNumber=VOEC%202021137`)
    ).json()) as Statement;
    expect(one.sellers.map((seller) => seller.voecNumber)).toEqual(['2021137']);

    const csv = await get(`/v1/voec-statements?quarter=${quarter}&voecNumber=2021137`, {
      accept: 'text/csv',
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toBe(
      `attachment; filename="voec-statement-${quarter}-2021137.csv"`,
    );
    expect(await csv.text()).toContain(
      `${quarter},2021137,${manifestId},${second},1,1249,${statement.filingDeadline}`,
    );

    const bad = await get('/v1/voec-statements?quarter=2026-Q5');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe("the driver's list", () => {
  it('lists the shipments on board as JSON and as a PDF, the one Digitoll refused marked', async () => {
    const m = manifest();
    const manifestId = await post(m);
    const [first, second, refused] = m.shipments.map((s) => s.shipmentNumber);

    const list = await until('every report settled', async () => {
      const body = (await (await get(`/v1/manifests/${manifestId}/driver-list`)).json()) as {
        shipments: Array<{ status: string }>;
        transport: { mrn?: string };
      };
      const settled = body.shipments.every((s) => s.status === 'ACCEPTED' || s.status === 'FAILED');
      return settled && body.transport.mrn ? body : undefined;
    });
    expect(list).toMatchObject({
      manifestId,
      reference: m.reference,
      transport: {
        mode: 'ROAD',
        vehicleRegistration: 'ABC123',
        vehicleCountry: 'SE',
        borderCrossing: 'NO371001',
      },
      notAcceptedCount: 1,
    });
    expect(list.shipments).toEqual([
      expect.objectContaining({
        shipmentNumber: first,
        voecNumber: '2056550',
        itemCount: 2,
        status: 'ACCEPTED',
        accepted: true,
        mrn: expect.any(String),
      }),
      expect.objectContaining({
        shipmentNumber: second,
        voecNumber: '2021137',
        itemCount: 1,
        status: 'ACCEPTED',
        accepted: true,
      }),
      expect.objectContaining({
        shipmentNumber: refused,
        voecNumber: '1234567',
        itemCount: 2,
        status: 'FAILED',
        accepted: false,
      }),
    ]);

    const pdf = await get(`/v1/manifests/${manifestId}/driver-list?format=pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toBe(
      `attachment; filename="driver-list-${m.reference}.pdf"`,
    );
    const bytes = new Uint8Array(await pdf.arrayBuffer());
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const dir = mkdtempSync(join(tmpdir(), 'driver-list-'));
    writeFileSync(join(dir, 'list.pdf'), bytes);
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'list.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain("Driver's list: VOEC shipments on board");
    expect(text).toContain('Vehicle ABC123 (SE)');
    expect(text).toContain(`Transport MRN: ${(list.transport as { mrn: string }).mrn}`);
    expect(text).toContain('Border office: NO371001');
    expect(text).toContain('3 VOEC shipments; 1 NOT accepted by Digitoll');
    expect(text).toMatch(new RegExp(`${first}\\s+2056550\\s+2\\s+\\S+\\s+ACCEPTED`));
    expect(text).toMatch(new RegExp(`${refused}\\s+1234567\\s+2\\s+-\\s+NOT ACCEPTED \\(FAILED\\)`));
    // The ETA in Norway's time with its offset, as the driver reads it.
    expect(text).toMatch(/ETA: \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\+0[12]:00/);

    // Accept: application/pdf works as well as ?format=pdf.
    const byAccept = await get(`/v1/manifests/${manifestId}/driver-list`, { accept: 'application/pdf' });
    expect(byAccept.headers.get('content-type')).toBe('application/pdf');
  });

  it('answers a problem document for a manifest that does not exist', async () => {
    const response = await get('/v1/manifests/nope/driver-list');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });
});
