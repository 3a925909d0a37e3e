/** The board's colour: what needs a human, with its reasons in words. */
import { describe, expect, it } from 'vitest';
import type { ManifestSummary } from '../../../console/src/api/types.ts';
import { attention } from '../../../console/src/model/attention.ts';

const now = new Date('2026-12-01T12:00:00Z');
const summary = (overrides: Partial<ManifestSummary> = {}, etaInMinutes = 300): ManifestSummary => {
  const eta = new Date(now.getTime() + etaInMinutes * 60_000);
  return {
    manifestId: 'm1',
    reference: 'R1',
    receivedAt: '2026-12-01T10:00:00Z',
    transport: {
      borderCrossing: 'NO371001',
      estimatedArrival: eta.toISOString(),
      digitollStatus: 'ACCEPTED',
    },
    reportingCutoff: new Date(eta.getTime() - 7_200_000).toISOString(),
    shipmentCount: 3,
    counts: { ACCEPTED: 3 },
    openFlags: {},
    ...overrides,
  };
};

describe('board attention', () => {
  it('is green when every shipment and the transport are accepted', () => {
    expect(attention(summary(), now)).toEqual({
      level: 'ok',
      reasons: ['all shipments and the transport accepted'],
    });
  });

  it('is grey while shipments are being reported with time to spare', () => {
    expect(attention(summary({ counts: { ACCEPTED: 1, SUBMITTED: 2 } }), now)).toEqual({
      level: 'waiting',
      reasons: ['2 shipments being reported'],
    });
  });

  it('is amber as the cut-off nears with shipments open, or for a flag someone should read', () => {
    const near = summary({ counts: { ACCEPTED: 2, RECEIVED: 1 } }, 140);
    expect(attention(near, now)).toEqual({
      level: 'watch',
      reasons: ['cut-off near with 1 shipment not yet accepted'],
    });
    expect(attention(summary({ openFlags: { VOEC_NUMBER_SUSPECT: 1 } }), now).level).toBe('watch');
    expect(attention(summary({ counts: { ACCEPTED: 2, REJECTED: 1 } }), now).reasons).toEqual([
      '1 shipment rejected by the VOEC rules',
    ]);
  });

  it('is red for a refusal, an open shipment inside the cut-off, a mixed transit, TVINN or a border stop', () => {
    expect(attention(summary({ counts: { ACCEPTED: 2, FAILED: 1 } }), now)).toEqual({
      level: 'action',
      reasons: ['1 shipment refused by Digitoll'],
    });
    const inside = attention(summary({ counts: { SUBMITTED: 3 } }, 60), now);
    expect(inside.level).toBe('action');
    expect(inside.reasons).toContain('3 shipments not accepted inside the cut-off');
    const transport = summary({}, 60);
    transport.transport.digitollStatus = 'SUBMITTED';
    expect(attention(transport, now).reasons).toEqual(['transport not accepted inside the cut-off']);
    expect(attention(summary({ transit: { mrn: 'X', mixed: true } }), now).reasons).toEqual([
      'mixed transit: cannot be closed through VOEC',
    ]);
    expect(attention(summary({ openFlags: { DECLARE_IN_TVINN: 2 } }), now).reasons).toEqual([
      '2 shipments to declare in TVINN',
    ]);
    expect(attention(summary({ border: { CONTROL_ORDERED: 1 } }), now).reasons).toEqual([
      'control ordered for 1 shipment',
    ]);
  });

  it('lists the amber reasons after the red ones', () => {
    const both = summary({ counts: { ACCEPTED: 1, FAILED: 1, REJECTED: 1 } });
    expect(attention(both, now).reasons).toEqual([
      '1 shipment refused by Digitoll',
      '1 shipment rejected by the VOEC rules',
    ]);
  });
});
