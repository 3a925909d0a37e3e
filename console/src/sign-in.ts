/**
 * Checking a key before the console uses it: `GET /v1/me` says whose it is. Against an API that
 * has no `/v1/me` yet (API Gateway answers its own 404), any authorized read proves the key, and
 * it is a partner's (operator keys arrive together with `/v1/me`).
 */
import { ApiClient, ApiError } from './api/client.ts';
import type { Me } from './api/types.ts';

export async function verifyKey(
  apiUrl: string,
  key: string,
  onUnauthorized?: () => void,
): Promise<{ api: ApiClient; me: Me; roleAssumed: boolean }> {
  const probe = new ApiClient(apiUrl, key);
  let me: Me;
  let roleAssumed = false;
  try {
    me = await probe.json<Me>('/v1/me');
  } catch (error) {
    if (!(error instanceof ApiError && error.kind === 'endpoint-missing')) throw error;
    await probe.json('/v1/alerts');
    me = { role: 'partner' };
    roleAssumed = true;
  }
  return { api: new ApiClient(apiUrl, key, onUnauthorized), me, roleAssumed };
}
