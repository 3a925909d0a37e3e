/** Who a request is, or why nobody (lib/domain/partner-keys.ts `identify`): the authorizer's answer. */
import { describe, expect, it } from 'vitest';
import {
  hashKey,
  identify,
  type PartnerKeyRecord,
  type PartnerKeyStore,
} from '../../lib/domain/partner-keys.ts';

const key = 'vb_0123456789abcdefghijklmnopqrstuvwxyzABCDEF';
const revoked = 'vb_revokedrevokedrevokedrevokedrevokedrevoked';

const store: PartnerKeyStore = {
  findByHash: async (keyHash) =>
    (
      [
        { partnerId: 'acme', keyHash: hashKey(key), createdAt: '2026-01-01T00:00:00Z' },
        {
          partnerId: 'acme',
          keyHash: hashKey(revoked),
          createdAt: '2026-01-01T00:00:00Z',
          revokedAt: '2026-02-01T00:00:00Z',
        },
      ] satisfies PartnerKeyRecord[]
    ).find((record) => record.keyHash === keyHash),
  put: async () => {},
};

describe('identify', () => {
  it('names the partner of a Bearer key (the scheme in any case)', async () => {
    expect(await identify(store, `Bearer ${key}`)).toEqual({ id: 'acme', role: 'partner' });
    expect(await identify(store, `bearer ${key}`)).toEqual({ id: 'acme', role: 'partner' });
  });

  it('says why nobody: missing, malformed or unknown (revoked included)', async () => {
    expect(await identify(store, undefined)).toEqual({ refusal: 'missing' });
    expect(await identify(store, '   ')).toEqual({ refusal: 'missing' });
    expect(await identify(store, key)).toEqual({ refusal: 'malformed' });
    expect(await identify(store, `Basic ${key}`)).toEqual({ refusal: 'malformed' });
    expect(await identify(store, 'Bearer short')).toEqual({ refusal: 'malformed' });
    expect(await identify(store, `Bearer ${key}x`)).toEqual({ refusal: 'unknown' });
    expect(await identify(store, `Bearer ${revoked}`)).toEqual({ refusal: 'unknown' });
  });
});
