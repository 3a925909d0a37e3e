/** The public API as one partner calls it in an integration test: its key, JSON in, JSON (or text) out. */
export interface ApiAnswer {
  status: number;
  /** Parsed JSON, or the text: tests read answers by shape and assert on them. */
  body: any;
}

export type PartnerApi = (method: string, path: string, body?: unknown) => Promise<ApiAnswer>;

/** Calls `apiUrl()` (read at each call: the stack starts after the module loads) with `key`. */
export function partnerApi(apiUrl: () => string, key: string): PartnerApi {
  return async (method, path, body) => {
    const response = await fetch(`${apiUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
    };
  };
}
