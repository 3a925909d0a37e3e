/**
 * The reporter's state machine is its transition table (lib/domain/report-state.ts): the diagram
 * in the module's comment is the table's, illegal transitions do not compile, and nothing else in
 * lib/ sets a report's phase.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  initialReport,
  isIn,
  ReportPhase,
  type ReportState,
  reportDiagram,
  TRANSITIONS,
  transition,
} from '../../lib/domain/report-state.ts';

const root = new URL('../..', import.meta.url).pathname;
const MODULE = 'lib/domain/report-state.ts';

describe('the report transition table', () => {
  it('is the diagram in the comment of report-state.ts', () => {
    const source = readFileSync(join(root, MODULE), 'utf8');
    const block = /<diagram>\n([\s\S]*?)\n \* <\/diagram>/.exec(source)?.[1];
    const documented = (block ?? '').split('\n').map((line) => line.replace(/^ \* {3}/, '').trimEnd());
    // When this fails, paste the expected lines (each prefixed with " *   ") between the markers.
    expect(documented).toEqual(reportDiagram());
  });

  it('reaches every phase, and every phase but the first is reached by some event', () => {
    const reached = new Set(
      Object.values(TRANSITIONS).flatMap((entry) => (entry.to === 'same' ? [...entry.from] : [entry.to])),
    );
    for (const phase of ReportPhase.options) {
      const leaves = Object.values(TRANSITIONS).some((entry) =>
        (entry.from as readonly string[]).includes(phase),
      );
      expect(leaves, `${phase} has a way on`).toBe(true);
      if (phase !== 'PENDING') expect(reached.has(phase), `${phase} is reached`).toBe(true);
    }
  });

  it('moves a report one seq on, as the table says', () => {
    const pending = initialReport('2026-12-01T08:00:00.000Z');
    const claim = {
      at: '2026-12-01T08:00:01.000Z',
      claimId: 'c1',
      operation: 'CREATE' as const,
      contentHash: 'h',
    };
    const inFlight = transition(pending, 'claim', claim);
    expect(inFlight).toMatchObject({
      phase: 'IN_FLIGHT',
      seq: 1,
      attempts: 1,
      claimId: 'c1',
      contentHash: 'h',
    });
    const released = transition(inFlight, 'throttled', { at: claim.at, reason: '429' });
    expect(released).toMatchObject({ phase: 'PENDING', seq: 2, lastError: '429' });
    expect(released.claimId).toBeUndefined();
    const again = transition(transition(released, 'claim', { ...claim, claimId: 'c2' }), 'taken', {
      at: claim.at,
      requestId: 'r1',
    });
    expect(again).toMatchObject({ phase: 'SUBMITTED', seq: 4, attempts: 2, requestId: 'r1' });
    const accepted = transition(again, 'validated', { at: claim.at, mrn: 'MRN1' });
    expect(accepted).toMatchObject({ phase: 'ACCEPTED', seq: 5, mrn: 'MRN1', attempts: 0 });
    // An update claims the accepted report afresh: its first attempt.
    expect(transition(accepted, 'claim', { ...claim, operation: 'UPDATE' })).toMatchObject({
      phase: 'IN_FLIGHT',
      operation: 'UPDATE',
      attempts: 1,
    });
    const withdrawnUnreported = transition(pending, 'withdraw-locally', { at: claim.at });
    expect(withdrawnUnreported).toMatchObject({ phase: 'PENDING', seq: 1 });
  });

  it('refuses, at compile time and at run time, what the table does not allow', () => {
    const pending = initialReport('2026-12-01T08:00:00.000Z');
    // @ts-expect-error a report not yet sent cannot be validated
    expect(() => transition(pending, 'validated', { at: 'now', mrn: 'M' })).toThrow(
      /PENDING cannot go through/,
    );
    const stored: ReportState = { ...pending, phase: 'ACCEPTED' };
    // @ts-expect-error a report of unknown phase must be narrowed first
    expect(() => transition(stored, 'taken', { at: 'now', requestId: 'r' })).toThrow(/ACCEPTED cannot/);
    if (isIn(stored, 'ACCEPTED')) {
      // @ts-expect-error an accepted report is only ever claimed again
      expect(() => transition(stored, 'gave-up', { at: 'now', reason: 'x' })).toThrow();
    }
  });

  it('is the only place in lib/ that sets a phase', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? files(path) : name.endsWith('.ts') ? [path] : [];
      });
    const offences = files(join(root, 'lib'))
      .filter((file) => relative(root, file) !== MODULE)
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .flatMap((line, index) =>
            // A report's phases (an upload's own phases, VALIDATING/STORING, are another machine).
            /\bphase\s*:\s*['"`](?:PENDING|IN_FLIGHT|UNCERTAIN|SUBMITTED|ACCEPTED|FAILED)\b|\.phase\s*=[^=]/.test(
              line,
            )
              ? [`${relative(root, file)}:${index + 1}: ${line.trim()}`]
              : [],
          ),
      );
    expect(offences).toEqual([]);
  });
});
