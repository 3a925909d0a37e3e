/**
 * The console's only way to the network: the voec-border API, with the signed-in key as
 * `Authorization: Bearer`. Failures become an `ApiError` whose kind the pages act on.
 */
import type { Problem } from './types.ts';

export type ApiErrorKind =
  /** 401/403: no key, or a key the authorizer refused (unknown or revoked). */
  | 'unauthorized'
  /** A problem document 404: the manifest or shipment does not exist (or is another partner's). */
  | 'not-found'
  /** 404 `…/problems/no-such-operation` (or API Gateway's own `{"message":"Not Found"}`): no such route (yet). */
  | 'endpoint-missing'
  /** 4xx with a problem document: the request was wrong. */
  | 'invalid'
  | 'server'
  | 'network';

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    readonly status: number,
    message: string,
    readonly problem?: Problem,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | undefined>;

const REQUEST_TIMEOUT_MS = 20_000;

export class ApiClient {
  constructor(
    /** The API's origin, or '' when it is the console's own origin (npm start). */
    readonly baseUrl: string,
    private readonly key: string,
    /** Called when the key stops being accepted mid-session (revoked, or expired cache). */
    private readonly onUnauthorized: () => void = () => {},
  ) {}

  url(path: string, query: Query = {}): string {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') search.set(name, String(value));
    }
    const qs = search.toString();
    return `${this.baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  async json<T>(path: string, query: Query = {}): Promise<T> {
    const response = await this.send(path, query, 'application/json');
    return (await response.json()) as T;
  }

  /** A file the API offers as a download (CSV, PDF): fetched with the key, handed over as a Blob. */
  async file(path: string, query: Query, accept: string): Promise<{ blob: Blob; filename?: string }> {
    const response = await this.send(path, query, accept);
    const disposition = response.headers.get('content-disposition') ?? '';
    const filename = /filename="?([^";]+)"?/i.exec(disposition)?.[1];
    return { blob: await response.blob(), ...(filename ? { filename } : {}) };
  }

  private async send(path: string, query: Query, accept: string): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(this.url(path, query), {
        headers: { authorization: `Bearer ${this.key}`, accept },
        // Never a cached answer: the board is about what is true now.
        cache: 'no-store',
        credentials: 'omit',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ApiError(
        'network',
        0,
        `The API did not answer (${error instanceof Error ? error.message : String(error)}).`,
      );
    }
    if (response.ok) return response;
    throw await errorFrom(response, () => this.onUnauthorized());
  }
}

async function errorFrom(response: Response, onUnauthorized: () => void): Promise<ApiError> {
  const type = response.headers.get('content-type') ?? '';
  let body: unknown;
  try {
    body = type.includes('json') ? await response.json() : await response.text();
  } catch {
    body = undefined;
  }
  const problem = type.includes('problem+json') ? (body as Problem) : undefined;
  const status = response.status;
  if (status === 401 || status === 403) {
    onUnauthorized();
    return new ApiError('unauthorized', status, 'This key was not accepted.', problem);
  }
  // "This API has no such route": our $default route's problem type, or API Gateway's own answer.
  const noSuchOperation = problem?.type?.endsWith('/problems/no-such-operation') ?? false;
  const gatewayNotFound = !problem && (body as { message?: unknown } | undefined)?.message === 'Not Found';
  if (status === 404 && (noSuchOperation || gatewayNotFound)) {
    return new ApiError('endpoint-missing', status, 'This API does not offer this yet.');
  }
  if (status === 404) {
    return new ApiError('not-found', status, problem?.detail ?? 'Not found.', problem);
  }
  const message = problem
    ? [problem.title, problem.detail].filter(Boolean).join(': ')
    : `The API answered ${status}.`;
  return new ApiError(status >= 500 ? 'server' : 'invalid', status, message, problem);
}
