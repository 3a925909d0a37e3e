/**
 * A small HTTP client for the Digitoll simulator's movement APIs in tests: submit a message with a given
 * token, wait for its validation result, call any path. One instance per (API, token).
 */
import { expect } from 'vitest';
import { SubmissionAccepted, ValidationStatus } from '../../../lib/digitoll/schemas.ts';

export type MessageKind = 'transport' | 'master-consignment' | 'house-consignment';

export interface ApiPaths {
  submit: string;
  status: string;
}

export const ROAD_PATHS: ApiPaths = {
  submit: '/api/movement/road/v2',
  status: '/api/movement/road/status/v2',
};
export const AIR_PATHS: ApiPaths = { submit: '/api/movement/air/v1', status: '/api/movement/air/status/v1' };

export interface HttpAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

/** Any request to the simulator; a JSON body when `body` is given, the answer parsed when it is JSON. */
export async function request(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<HttpAnswer> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body: unknown = text === '' ? undefined : text;
  try {
    if (text !== '') body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body, headers: res.headers };
}

export class SimulatorApiClient {
  constructor(
    private readonly baseUrl: string,
    readonly paths: ApiPaths,
    private readonly token: string,
  ) {}

  call(method: string, path: string, body?: unknown): Promise<HttpAnswer> {
    return request(this.baseUrl, method, path, { token: this.token, body });
  }

  /** GET that waits while the answer is 404 (a result or message not processed yet). */
  async getWhenReady(path: string): Promise<HttpAnswer> {
    for (let attempt = 0; attempt < 400; attempt++) {
      const answer = await this.call('GET', path);
      if (answer.status !== 404) return answer;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`still 404 after waiting: ${path}`);
  }

  /** POST (or PUT/DELETE by MRN) a message, expect 202, and return its finished validation-status. */
  async submit(
    kind: MessageKind,
    body: unknown,
    options: { method?: 'POST' | 'PUT' | 'DELETE'; mrn?: string } = {},
  ): Promise<ValidationStatus> {
    const path = `${this.paths.submit}/${kind}${options.mrn ? `/${options.mrn}` : ''}`;
    const accepted = await this.call(options.method ?? 'POST', path, body);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
    const { requestId } = SubmissionAccepted.parse(accepted.body);
    const result = await this.getWhenReady(`${this.paths.status}/${kind}/validation-status/${requestId}`);
    expect(result.status).toBe(202);
    return ValidationStatus.parse(result.body);
  }

  /** The MRN of a message that must be accepted. */
  async accepted(kind: MessageKind, body: unknown): Promise<string> {
    const result = await this.submit(kind, body);
    expect(result.validationErrorList).toEqual([]);
    expect(result.status).toBe('SUCCESS');
    return result.mrn ?? '';
  }
}

/** The async errors of a result as `{description, path}` pairs, for exact comparisons. */
export const asyncErrors = (result: ValidationStatus) =>
  result.validationErrorList.map((e) => ({ description: e.description, path: e.pointer.messageElementPath }));
