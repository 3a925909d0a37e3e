/**
 * `npm run partner`: argument parsing, where the keys are, and create / list / revoke against an
 * in-memory store (the DynamoDB store is the same interface).
 */
import { describe, expect, it } from 'vitest';
import {
  authenticate,
  hashKey,
  keyIdOf,
  knownPartnerIds,
  type PartnerKeyAdminStore,
  type PartnerKeyRecord,
  readablePartnerIds,
} from '../../lib/domain/partner-keys.ts';
import {
  main,
  type Output,
  parsePartnerArgs,
  resolveTarget,
  runPartnerCommand,
  UsageError,
} from '../../scripts/partner.ts';

class FakeKeyStore implements PartnerKeyAdminStore {
  readonly records = new Map<string, PartnerKeyRecord>();
  async findByHash(keyHash: string) {
    return this.records.get(keyHash);
  }
  async put(record: PartnerKeyRecord) {
    this.records.set(record.keyHash, { ...record });
  }
  async list(partnerId?: string) {
    return [...this.records.values()].filter((record) => !partnerId || record.partnerId === partnerId);
  }
  async revoke(keyHash: string, revokedAt: string) {
    const record = this.records.get(keyHash);
    if (!record) return undefined;
    const revoked = { ...record, revokedAt: record.revokedAt ?? revokedAt };
    this.records.set(keyHash, revoked);
    return revoked;
  }
}

function capture(): Output & { lines: string[]; errors: string[]; text: () => string } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (line) => lines.push(line),
    err: (line) => errors.push(line),
    text: () => lines.join('\n'),
  };
}

const local = { local: true } as const;
const NOW = new Date('2026-12-01T08:00:00Z');

describe('partner CLI: arguments', () => {
  it('parses create, list and revoke with their options', () => {
    expect(parsePartnerArgs(['create', 'acme', '--label', ' ERP prod ', '--local'])).toEqual({
      command: { command: 'create', partnerId: 'acme', label: 'ERP prod' },
      target: { local: true },
      json: false,
    });
    expect(parsePartnerArgs(['list', '--stage', 'prod', '--table', 'T', '--json'])).toEqual({
      command: { command: 'list' },
      target: { local: false, stage: 'prod', table: 'T' },
      json: true,
    });
    expect(parsePartnerArgs(['list', 'acme', '--table', 'T', '--endpoint', 'http://127.0.0.1:8000'])).toEqual(
      {
        command: { command: 'list', partnerId: 'acme' },
        target: { local: false, table: 'T', endpoint: 'http://127.0.0.1:8000' },
        json: false,
      },
    );
    expect(parsePartnerArgs(['revoke', 'acme', 'vb_AbCd', '--local']).command).toEqual({
      command: 'revoke',
      partnerId: 'acme',
      key: 'vb_AbCd',
    });
    expect(parsePartnerArgs([]).command).toEqual({ command: 'help' });
    expect(parsePartnerArgs(['create', '--help']).command).toEqual({ command: 'help' });
  });

  it('refuses what it cannot mean', () => {
    for (const argv of [
      ['frob'],
      ['create'],
      ['create', 'a', 'b'],
      ['list', 'a', 'b'],
      ['revoke', 'acme'],
      ['list', '--label', 'x'],
      ['list', '--stage', 'staging', '--table', 'T'],
      ['list', '--stage', 'dev', '--local'],
      ['list', '--frobnicate'],
    ]) {
      expect(() => parsePartnerArgs(argv), argv.join(' ')).toThrow(UsageError);
    }
  });
});

describe('partner CLI: where the keys are', () => {
  const cdkOut = '/nowhere/cdk.out';
  const fromAssembly = () => 'VoecBorder-dev-Stateful-TableCD117FA1';

  it('--local takes the endpoint npm start printed and the table from cdk.out', () => {
    expect(
      resolveTarget(
        { local: true, endpoint: 'http://127.0.0.1:8000' },
        {},
        { cdkOut, localTableName: fromAssembly },
      ),
    ).toMatchObject({
      tableName: 'VoecBorder-dev-Stateful-TableCD117FA1',
      endpoint: 'http://127.0.0.1:8000',
      localCredentials: true,
    });
    expect(
      resolveTarget(
        local,
        { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9000', TABLE_NAME: 'other' },
        { cdkOut, localTableName: fromAssembly },
      ),
    ).toMatchObject({ tableName: 'other', endpoint: 'http://127.0.0.1:9000' });
    expect(() => resolveTarget(local, {}, { cdkOut, localTableName: fromAssembly })).toThrow(/--endpoint/);
    // A state file the runtime left (.local-data/runtime.json) fills in what flags and env do not give.
    const localState = () => ({ dynamoEndpoint: 'http://127.0.0.1:7000', tableName: 'from-state' });
    expect(resolveTarget(local, {}, { cdkOut, localTableName: fromAssembly, localState })).toMatchObject({
      tableName: 'from-state',
      endpoint: 'http://127.0.0.1:7000',
    });
    expect(
      resolveTarget(
        { local: true, endpoint: 'http://127.0.0.1:8000', table: 'T' },
        {},
        { cdkOut, localState },
      ),
    ).toMatchObject({ tableName: 'T', endpoint: 'http://127.0.0.1:8000' });
  });

  it('--stage needs the table (the stack output) and uses the AWS credential chain', () => {
    expect(() => resolveTarget({ local: false, stage: 'prod' }, {}, { cdkOut })).toThrow(
      /VoecBorder-prod-Stateful.*OutputKey=='TableName'/s,
    );
    const target = resolveTarget(
      { local: false, stage: 'prod', table: 'VoecBorder-prod-Stateful-TableCD117FA1-ABC' },
      { AWS_REGION: 'eu-north-1' },
      { cdkOut },
    );
    expect(target).toMatchObject({ region: 'eu-north-1', localCredentials: false, warnings: [] });
    expect(target.endpoint).toBeUndefined();
    expect(
      resolveTarget({ local: false, stage: 'prod', table: 'VoecBorder-dev-Stateful-Table' }, {}, { cdkOut })
        .warnings,
    ).toEqual([expect.stringMatching(/does not look like VoecBorder-prod-Stateful/)]);
  });

  it('otherwise takes --table/--endpoint or AWS_ENDPOINT_URL_DYNAMODB + TABLE_NAME', () => {
    expect(
      resolveTarget(
        { local: false },
        { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000', TABLE_NAME: 'T' },
        { cdkOut },
      ),
    ).toMatchObject({ tableName: 'T', endpoint: 'http://127.0.0.1:8000', localCredentials: true });
    expect(() => resolveTarget({ local: false }, {}, { cdkOut })).toThrow(/--local, --stage/);
  });
});

describe('partner CLI: create, list, revoke', () => {
  it('creates a key shown once, stored only as its hash, that the authorizer accepts', async () => {
    const store = new FakeKeyStore();
    const output = capture();
    const key = `vb_${'A'.repeat(43)}`;
    await runPartnerCommand(
      parsePartnerArgs(['create', 'acme', '--label', 'ERP', '--local']),
      store,
      output,
      {
        now: NOW,
        newKey: () => key,
      },
    );
    expect(output.text()).toContain(key);
    expect(output.text()).toMatch(/only time the key is shown/);
    const [record] = [...store.records.values()];
    expect(record).toEqual({
      partnerId: 'acme',
      keyHash: hashKey(key),
      createdAt: NOW.toISOString(),
      keyPrefix: 'vb_AAAA',
      label: 'ERP',
    });
    expect(JSON.stringify(record)).not.toContain(key);
    expect(await authenticate(store, `Bearer ${key}`)).toEqual({ id: 'acme', role: 'partner' });
  });

  it('creates operator keys (npm run operator) that the authorizer knows as operators; one id has one role', async () => {
    const store = new FakeKeyStore();
    const output = capture();
    const key = `vb_${'O'.repeat(43)}`;
    await runPartnerCommand(parsePartnerArgs(['create', 'desk', '--local']), store, output, {
      now: NOW,
      newKey: () => key,
      role: 'operator',
    });
    expect(output.text()).toMatch(/hand it to the operator/);
    expect(output.text()).toMatch(/npm run operator -- revoke desk/);
    expect(await authenticate(store, `Bearer ${key}`)).toEqual({ id: 'desk', role: 'operator' });
    await runPartnerCommand(parsePartnerArgs(['create', 'acme', '--local']), store, capture(), { now: NOW });
    // A partner key under the operator's id, or the other way round, is refused.
    await expect(
      runPartnerCommand(parsePartnerArgs(['create', 'desk', '--local']), store, capture(), { now: NOW }),
    ).rejects.toThrow(/"desk" already has operator keys/);
    await expect(
      runPartnerCommand(parsePartnerArgs(['create', 'acme', '--local']), store, capture(), {
        role: 'operator',
      }),
    ).rejects.toThrow(/"acme" already has partner keys/);
    // Each command lists its own role's keys only; operators read every partner's data, which is
    // every partner that has (had) a key.
    const operators = capture();
    await runPartnerCommand(parsePartnerArgs(['list', '--local', '--json']), store, operators, {
      role: 'operator',
    });
    expect(JSON.parse(operators.text()).map((k: { partnerId: string }) => k.partnerId)).toEqual(['desk']);
    const partners = capture();
    await runPartnerCommand(parsePartnerArgs(['list', '--local', '--json']), store, partners);
    expect(JSON.parse(partners.text()).map((k: { partnerId: string }) => k.partnerId)).toEqual(['acme']);
    expect(await knownPartnerIds(store)).toEqual(['acme']);
    expect(await readablePartnerIds({ id: 'desk', role: 'operator' }, store)).toEqual(['acme']);
    expect(await readablePartnerIds({ id: 'acme', role: 'partner' }, store)).toEqual(['acme']);
  });

  it('refuses an invalid partner id', async () => {
    await expect(
      runPartnerCommand(parsePartnerArgs(['create', 'Not_Valid', '--local']), new FakeKeyStore(), capture()),
    ).rejects.toThrow(/lower-case letters/);
  });

  it('lists keys by partner without the keys or their hashes', async () => {
    const store = new FakeKeyStore();
    const keys: string[] = [];
    for (const partner of ['globex', 'acme', 'acme']) {
      const output = capture();
      await runPartnerCommand(parsePartnerArgs(['create', partner, '--json', '--local']), store, output);
      keys.push(JSON.parse(output.text()).key);
    }
    const output = capture();
    await runPartnerCommand(parsePartnerArgs(['list', '--json', '--local']), store, output);
    const listed = JSON.parse(output.text()) as Array<Record<string, string>>;
    expect(listed.map((key) => key.partnerId)).toEqual(['acme', 'acme', 'globex']);
    expect(listed[0]).toMatchObject({ keyId: expect.stringMatching(/^[0-9a-f]{12}$/), status: 'active' });
    for (const key of keys) {
      expect(output.text()).not.toContain(key);
      expect(output.text()).not.toContain(hashKey(key));
    }
    const acme = capture();
    await runPartnerCommand(parsePartnerArgs(['list', 'acme', '--local']), store, acme);
    expect(acme.lines[0]).toMatch(/^PARTNER\s+KEY ID\s+PREFIX\s+STATUS/);
    expect(acme.lines).toHaveLength(3);
  });

  it('revokes by key id, prefix or the key itself; the authorizer then refuses the key', async () => {
    const store = new FakeKeyStore();
    const keys = [`vb_One${'1'.repeat(40)}`, `vb_Two${'2'.repeat(40)}`, `vb_Thr${'3'.repeat(40)}`];
    for (const key of keys) {
      await runPartnerCommand(parsePartnerArgs(['create', 'acme', '--local']), store, capture(), {
        newKey: () => key,
      });
    }
    const [one, two, three] = keys as [string, string, string];
    const revoke = async (ref: string, at = NOW) => {
      const output = capture();
      await runPartnerCommand(parsePartnerArgs(['revoke', 'acme', ref, '--local']), store, output, {
        now: at,
      });
      return output.text();
    };

    expect(await revoke(keyIdOf(hashKey(one)))).toMatch(
      /Revoked key \w{12} of acme at 2026-12-01T08:00:00.000Z/,
    );
    expect(await authenticate(store, `Bearer ${one}`)).toBeUndefined();
    expect(await authenticate(store, `Bearer ${two}`)).toEqual({ id: 'acme', role: 'partner' });

    expect(await revoke('vb_Two2')).toMatch(/Revoked/);
    expect(await authenticate(store, `Bearer ${two}`)).toBeUndefined();
    expect(await revoke(three)).toMatch(/Revoked/);
    expect(await authenticate(store, `Bearer ${three}`)).toBeUndefined();

    // Again: nothing changes, the first revocation time stays.
    expect(await revoke(keyIdOf(hashKey(one)), new Date('2027-01-01T00:00:00Z'))).toMatch(
      /already revoked \(2026-12-01T08:00:00.000Z\)/,
    );
    expect(store.records.get(hashKey(one))?.revokedAt).toBe(NOW.toISOString());
  });

  it('refuses an unknown, ambiguous or other partner’s key', async () => {
    const store = new FakeKeyStore();
    for (const [partner, key] of [
      ['acme', `vb_Same${'a'.repeat(40)}`],
      ['acme', `vb_Same${'b'.repeat(40)}`],
      ['globex', `vb_Glob${'c'.repeat(40)}`],
    ] as const) {
      await runPartnerCommand(parsePartnerArgs(['create', partner, '--local']), store, capture(), {
        newKey: () => key,
      });
    }
    const revoke = (partner: string, ref: string) =>
      runPartnerCommand(parsePartnerArgs(['revoke', partner, ref, '--local']), store, capture());
    await expect(revoke('acme', 'vb_Same')).rejects.toThrow(/names 2 keys of acme .*use the key id/);
    await expect(revoke('acme', 'vb_Glob')).rejects.toThrow(/no key "vb_Glob" for partner acme/);
    await expect(revoke('acme', 'ffffffffffff')).rejects.toThrow(/no key/);
    await expect(revoke('acme', 'vb_')).rejects.toThrow(/key id/);
    expect([...store.records.values()].every((record) => !record.revokedAt)).toBe(true);
  });

  it('main: exit codes, usage on stderr, failures named', async () => {
    const store = new FakeKeyStore();
    const open = () => ({ store, close: () => {} });
    const localState = () => undefined;
    const env = { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000', TABLE_NAME: 'T' };
    const ok = capture();
    expect(await main(['create', 'acme', '--json'], { env, output: ok, open, localState })).toBe(0);
    expect(JSON.parse(ok.text())).toMatchObject({ partnerId: 'acme', key: expect.stringMatching(/^vb_/) });

    const usage = capture();
    expect(await main(['frob'], { env, output: usage, open, localState })).toBe(2);
    expect(usage.errors.join('\n')).toMatch(/unknown command "frob"[\s\S]*Usage:/);

    const nowhere = capture();
    expect(await main(['list'], { env: {}, output: nowhere, open, localState })).toBe(2);

    const failed = capture();
    expect(await main(['revoke', 'acme', 'vb_Nope'], { env, output: failed, open, localState })).toBe(1);
    expect(failed.errors.at(-1)).toMatch(/no key "vb_Nope"/);

    const help = capture();
    expect(await main([], { env, output: help, open, localState })).toBe(0);
    expect(help.text()).toMatch(/npm run partner -- create/);
  });
});
