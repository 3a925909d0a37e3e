/**
 * Digitoll road v2 over HTTP (`shared/reference/digitoll-road-v2.md` §2, §2.5, §7, §10): Digitoll's
 * messages in, Digitoll's answers interpreted as outcomes out. It knows the wire, not the domain:
 * `reporting.ts` maps the domain's messages to bodies with it (the `DigitollPort`).
 *
 * Exactly-once comes first. A POST/PUT/DELETE that may have been processed (our timeout fired, the
 * connection broke after sending, a 5xx, a 2xx we cannot read) is never sent again in-call: it ends in
 * UNKNOWN and the reporter looks the message up by key before sending again. In-call retries of a
 * submission happen only when the request provably was not processed: 429 / 408, a 401 (once, after
 * `tokens.invalidate()`), or a connection that was never made (refused, DNS, unreachable, connect
 * timeout). GETs (validation status, key lookup) are safe to repeat and are retried on anything transient.
 *
 * Backoff: exponential with full jitter, but never shorter than the server's `Retry-After`; a
 * `Retry-After` longer than `maxDelayMs` is not slept in-call (a Lambda must not idle): the call ends in
 * RETRY_LATER with that delay. Every request (retries included) first takes a slot from the per-instance
 * client-side rate limiter, which queues callers instead of failing them.
 *
 * Every response body is validated with zod (`lib/digitoll/schemas.ts`, lookup in `./lookup.ts`). Neither
 * tokens nor message bodies are logged or put into `reason` texts (they hold personal data); the only body
 * text passed on is a 400 that does not parse, which the port asks to keep verbatim as a REFUSED error.
 */
import type { z } from 'zod';
import {
  AIR_LOOKUP_PATHS,
  AIR_STATUS_BASE_PATH,
  AIR_SUBMISSION_BASE_PATH,
} from '../../digitoll/air-schemas.ts';
import { AIR_SCOPE, ROAD_V2_SCOPE } from '../../digitoll/codes.ts';
import { ROUTING_PATH, RoutingPage, type RoutingSignal } from '../../digitoll/routing-schemas.ts';
import {
  type MessageKind,
  mrnOf,
  SubmissionAccepted,
  SyncValidationErrorBody,
  ValidationStatus,
  type WaybillKey,
} from '../../digitoll/schemas.ts';
import { systemClock } from '../../domain/ids.ts';
import type { Clock } from '../../domain/ports.ts';
import { LOOKUP_PATHS, lookupQuery, readLookup, WaybillLookupBody } from './lookup.ts';
import { type RateLimiter, TokenBucketRateLimiter } from './rate-limiter.ts';
import { classifyFetchError, fullJitterDelayMs, parseRetryAfterMs } from './retry.ts';

export type DigitollKind = MessageKind;
export type { WaybillKey };

/** A synchronous (400) validation error, verbatim. */
export interface DigitollFieldError {
  field: string;
  error: string;
}

/** An asynchronous validation error, verbatim. */
export interface DigitollValidationError {
  description: string;
  messageElementPath: string;
}

export type SubmitOutcome =
  /** 202: Digitoll took it; poll `requestId`. */
  | { outcome: 'TAKEN'; requestId: string }
  /** 400: refused as sent, nothing stored; permanent for this content. */
  | { outcome: 'REFUSED'; errors: DigitollFieldError[] }
  /** Definitely not processed (429, connection refused, 401 before a token refresh...): send again later. */
  | { outcome: 'RETRY_LATER'; retryAfterSeconds: number; reason: string }
  /** May or may not have been processed (timeout, dropped connection, 5xx): look before sending again. */
  | { outcome: 'UNKNOWN'; reason: string };

export type StatusOutcome =
  | { outcome: 'NOT_READY' }
  | { outcome: 'SUCCESS'; mrn: string; documentStatus?: string; incompleteReasons?: string[] }
  | { outcome: 'FAILURE'; errors: DigitollValidationError[] }
  | { outcome: 'RETRY_LATER'; retryAfterSeconds: number; reason: string };

export type RoutingOutcome =
  | { outcome: 'PAGE'; signals: RoutingSignal[] }
  | { outcome: 'RETRY_LATER'; retryAfterSeconds: number; reason: string };

export type LookupOutcome =
  | { outcome: 'FOUND'; mrn: string }
  | { outcome: 'NOT_FOUND' }
  | { outcome: 'RETRY_LATER'; retryAfterSeconds: number; reason: string };

/** Digitoll hosts per environment (§2.1). */
export const DIGITOLL_BASE_URLS = {
  test: 'https://api-test.toll.no',
  prod: 'https://api.toll.no',
} as const;

export const SUBMISSION_BASE_PATH = '/api/movement/road/v2';
export const STATUS_BASE_PATH = '/api/movement/road/status/v2';

/** One Digitoll movement API: where its submissions, validation statuses and key lookups live. */
export interface MovementApiPaths {
  submissionBasePath: string;
  statusBasePath: string;
  lookupPaths: Record<'master-consignment' | 'house-consignment', string>;
  /** The Maskinporten scope its token needs (named in the 403 texts). */
  scope: string;
}

/** Road v2 (§2, §10). */
export const ROAD_V2_API: MovementApiPaths = {
  submissionBasePath: SUBMISSION_BASE_PATH,
  statusBasePath: STATUS_BASE_PATH,
  lookupPaths: LOOKUP_PATHS,
  scope: ROAD_V2_SCOPE,
};

/** movement-air-api v1 and movement-air-query-api [DOC prosedyre-mo-fly; lookup paths INF]. */
export const AIR_API: MovementApiPaths = {
  submissionBasePath: AIR_SUBMISSION_BASE_PATH,
  statusBasePath: AIR_STATUS_BASE_PATH,
  lookupPaths: AIR_LOOKUP_PATHS,
  scope: AIR_SCOPE,
};

/** Where the Customs API token comes from (`MaskinportenTokenProvider` in production). */
export interface DigitollTokenSource {
  getToken(): Promise<string>;
  /** Called with the token the API answered 401 (or 403) to. */
  invalidate(rejectedToken?: string): void;
}

export interface DigitollHttpClientConfig {
  /** `DIGITOLL_BASE_URLS.test` / `.prod`, or a simulator URL. */
  baseUrl: string;
  /** Which movement API this client talks to; road v2 when not given. One client per API. */
  api?: MovementApiPaths;
  /** A token for this API's scope (one token source per scope). */
  tokens: DigitollTokenSource;
  /** Per HTTP request, body included (`AbortSignal.timeout`). Default 10 000. */
  timeoutMs?: number;
  /** HTTP attempts per call for retryable failures (a 401 refresh is extra). Default 3. */
  maxAttempts?: number;
  /** Backoff base: retry n waits up to baseDelayMs · 2^(n−1) (full jitter). Default 200. */
  baseDelayMs?: number;
  /** Longest in-call wait, also the longest Retry-After slept in-call. Default 2 000. */
  maxDelayMs?: number;
  /** RETRY_LATER delay when the server gave no Retry-After. Default 30 s. */
  retryLaterSeconds?: number;
  /** Client-side token buckets, per instance and per API (submission, query); undefined or 0 = unlimited. */
  rateLimitPerSecond?: number;
  /** Burst of that bucket. Default 1 (strict spacing of 1/rate s). */
  rateLimitBurst?: number;
  /**
   * The rate budgets to wait on instead, per API: the reporter passes the budget all its instances
   * share (lib/adapters/dynamodb/rate-budget.ts). Takes precedence over `rateLimitPerSecond`.
   */
  rateLimiters?: Record<'submission' | 'query', RateLimiter>;
  fetch?: typeof fetch;
  /** Wall clock, for Retry-After HTTP dates. Default the system clock. */
  clock?: Clock;
  /** Monotonic ms, for the rate limiter. Default `performance.now()`. */
  nowMs?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1), for jitter. Default Math.random. */
  random?: () => number;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface HttpRequest {
  method: Method;
  /** Path (no query) — also what reasons name. */
  path: string;
  query?: string;
  body?: unknown;
}

interface HttpAnswer {
  status: number;
  text: string;
  /** The token the request carried (to invalidate exactly that one). */
  token: string;
}

type RetryLater = { outcome: 'RETRY_LATER'; retryAfterSeconds: number; reason: string };

type Exchange =
  | { done: 'answer'; answer: HttpAnswer }
  | { done: 'retry-later'; retryAfterSeconds: number; reason: string }
  | { done: 'unknown'; reason: string };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const RAW_TEXT_LIMIT = 2_000;

export class DigitollHttpClient {
  private readonly baseUrl: string;
  private readonly api: MovementApiPaths;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly retryLaterSeconds: number;
  private readonly fetchImpl: typeof fetch;
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  /** One bucket per Digitoll API: submissions and queries are limited separately (§2.2, §2.3). */
  private readonly limiters?: Record<'submission' | 'query', RateLimiter>;

  constructor(private readonly config: DigitollHttpClientConfig) {
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
    this.api = config.api ?? ROAD_V2_API;
    this.timeoutMs = config.timeoutMs ?? 10_000;
    this.maxAttempts = Math.max(1, Math.floor(config.maxAttempts ?? 3));
    this.baseDelayMs = config.baseDelayMs ?? 200;
    this.maxDelayMs = config.maxDelayMs ?? 2_000;
    this.retryLaterSeconds = config.retryLaterSeconds ?? 30;
    this.fetchImpl = config.fetch ?? globalThis.fetch;
    this.clock = config.clock ?? systemClock;
    this.sleep = config.sleep ?? defaultSleep;
    this.random = config.random ?? Math.random;
    const { rateLimitPerSecond } = config;
    if (config.rateLimiters) {
      this.limiters = config.rateLimiters;
    } else if (rateLimitPerSecond) {
      const bucket = () =>
        new TokenBucketRateLimiter({
          ratePerSecond: rateLimitPerSecond,
          burst: config.rateLimitBurst,
          nowMs: config.nowMs ?? (() => performance.now()),
          sleep: this.sleep,
        });
      this.limiters = { submission: bucket(), query: bucket() };
    }
  }

  // -------------------------------------------------------------------------------------------------
  // The movement API (road v2 or air)
  // -------------------------------------------------------------------------------------------------

  /** POST (no mrn) or PUT (mrn given: full replacement) of a transport, master or house message. */
  submit(kind: DigitollKind, body: unknown, mrn?: string): Promise<SubmitOutcome> {
    return mrn === undefined
      ? this.submission({ method: 'POST', path: `${this.api.submissionBasePath}/${kind}`, body })
      : this.submission({
          method: 'PUT',
          path: `${this.api.submissionBasePath}/${kind}/${segment(mrn)}`,
          body,
        });
  }

  /** DELETE by MRN. */
  withdraw(kind: DigitollKind, mrn: string, documentIssueDate: string): Promise<SubmitOutcome> {
    return this.submission({
      method: 'DELETE',
      path: `${this.api.submissionBasePath}/${kind}/${segment(mrn)}`,
      body: { documentIssueDate },
    });
  }

  async validationStatus(kind: DigitollKind, requestId: string): Promise<StatusOutcome> {
    const request: HttpRequest = {
      method: 'GET',
      path: `${this.api.statusBasePath}/${kind}/validation-status/${segment(requestId)}`,
    };
    const exchange = await this.exchange(request, 'query');
    if (exchange.done !== 'answer') return this.queryGiveUp(exchange);
    const { status, text } = exchange.answer;
    const where = `${request.method} ${request.path}`;
    // §2.5: 404 until processed.
    if (status === 404) return { outcome: 'NOT_READY' };
    if (status < 200 || status > 299) return this.unexpectedQueryStatus(where, exchange.answer);
    // §2.5/§14.3: a finished result comes as 200 or 202 with a body; an empty 2xx is not finished.
    if (text.trim() === '') return { outcome: 'NOT_READY' };
    const parsed = parseBody(ValidationStatus, text);
    if (!parsed.ok) return this.retryLater(`${where}: HTTP ${status} body ${parsed.problem}`);
    const result = parsed.value;
    if (result.status === 'FAILURE') {
      return {
        outcome: 'FAILURE',
        errors: result.validationErrorList.map((error) => ({
          description: error.description,
          messageElementPath: error.pointer.messageElementPath,
        })),
      };
    }
    const mrn = mrnOf(result);
    if (mrn === undefined || mrn === '') {
      return this.retryLater(`${where}: SUCCESS without mrn/masterReferenceNumber`);
    }
    return {
      outcome: 'SUCCESS',
      mrn,
      ...(result.documentStatus !== undefined ? { documentStatus: result.documentStatus } : {}),
      ...(result.incompleteDocumentationReasonList !== undefined
        ? { incompleteReasons: [...result.incompleteDocumentationReasonList] }
        : {}),
    };
  }

  /** Key-based lookup (query API): is a master or house with this waybill key already at Digitoll? */
  async findByWaybill(
    kind: 'master-consignment' | 'house-consignment',
    key: WaybillKey,
  ): Promise<LookupOutcome> {
    const request: HttpRequest = { method: 'GET', path: this.api.lookupPaths[kind], query: lookupQuery(key) };
    const exchange = await this.exchange(request, 'query');
    if (exchange.done !== 'answer') return this.queryGiveUp(exchange);
    const { status, text } = exchange.answer;
    const where = `${request.method} ${request.path}`;
    if (status === 404) return { outcome: 'NOT_FOUND' };
    if (status < 200 || status > 299) return this.unexpectedQueryStatus(where, exchange.answer);
    const parsed = parseBody(WaybillLookupBody, text);
    if (!parsed.ok) return this.retryLater(`${where}: HTTP ${status} body ${parsed.problem}`);
    const reading = readLookup(parsed.value, key);
    if ('unusable' in reading) return this.retryLater(`${where}: ${reading.unusable}`);
    return reading.found ? { outcome: 'FOUND', mrn: reading.mrn } : { outcome: 'NOT_FOUND' };
  }

  /**
   * The routing API (§9.2, scope `toll:movement/entry`): the signals after `marker` (from the beginning
   * without one), oldest first; an empty page means nothing newer. Needs a token source for that scope.
   */
  async routingPage(marker: string | undefined): Promise<RoutingOutcome> {
    const request: HttpRequest = {
      method: 'GET',
      path: ROUTING_PATH,
      ...(marker === undefined ? {} : { query: `marker=${encodeURIComponent(marker)}` }),
    };
    const exchange = await this.exchange(request, 'query');
    if (exchange.done !== 'answer') return this.queryGiveUp(exchange);
    const { status, text } = exchange.answer;
    const where = `${request.method} ${request.path}`;
    if (status === 403) {
      this.config.tokens.invalidate(exchange.answer.token);
      return this.retryLater(
        `${where}: HTTP 403 Forbidden; the Customs token lacks permission (scope toll:movement/entry?)`,
      );
    }
    if (status === 400) return this.retryLater(`${where}: HTTP 400 ${rawText(text)}`);
    if (status < 200 || status > 299) return this.unexpectedQueryStatus(where, exchange.answer);
    if (text.trim() === '') return { outcome: 'PAGE', signals: [] };
    const parsed = parseBody(RoutingPage, text);
    if (!parsed.ok) return this.retryLater(`${where}: HTTP ${status} body ${parsed.problem}`);
    return { outcome: 'PAGE', signals: parsed.value };
  }

  // -------------------------------------------------------------------------------------------------
  // Submissions: interpretation of the final answer
  // -------------------------------------------------------------------------------------------------

  private async submission(request: HttpRequest): Promise<SubmitOutcome> {
    const exchange = await this.exchange(request, 'submission');
    if (exchange.done === 'retry-later') {
      return {
        outcome: 'RETRY_LATER',
        retryAfterSeconds: exchange.retryAfterSeconds,
        reason: exchange.reason,
      };
    }
    if (exchange.done === 'unknown') return { outcome: 'UNKNOWN', reason: exchange.reason };
    const { status, text } = exchange.answer;
    const where = `${request.method} ${request.path}`;

    if (status >= 200 && status <= 299) {
      const parsed = parseBody(SubmissionAccepted, text);
      if (parsed.ok) return { outcome: 'TAKEN', requestId: parsed.value.requestId };
      // A 2xx means Digitoll took it, but without a requestId we cannot follow it: look it up.
      return {
        outcome: 'UNKNOWN',
        reason: `${where}: HTTP ${status} without a valid requestId (${parsed.problem}); may have been processed`,
      };
    }
    if (status === 400) {
      // §7.1: a synchronous rejection; nothing stored.
      const parsed = parseBody(SyncValidationErrorBody, text);
      if (parsed.ok && parsed.value.validationErrors.length > 0) {
        return {
          outcome: 'REFUSED',
          errors: parsed.value.validationErrors.map(({ field, error }) => ({ field, error })),
        };
      }
      return refused({ field: '', error: rawText(text) || 'HTTP 400 Bad Request without validation errors' });
    }
    if (status === 403) {
      // Not processed, and a missing scope/permission does not fix itself: REFUSED, loudly. The token is
      // also dropped so the next call starts from a fresh token (in case scopes were granted meanwhile).
      this.config.tokens.invalidate(exchange.answer.token);
      return refused({
        field: '',
        error: `HTTP 403 Forbidden at ${where}: the Customs token lacks permission for this API (is scope ${this.api.scope} granted to the Maskinporten client and the org registered with Digitoll?)`,
      });
    }
    if (status === 415) {
      return refused({ field: '', error: `HTTP 415 Unsupported Media Type at ${where}` });
    }
    // Any other answer below 500 (404 unknown MRN/route, 405, 409, 413, 3xx...) was refused before
    // processing and will be refused again as sent.
    return refused({ field: '', error: `HTTP ${status} at ${where}` });
  }

  private unexpectedQueryStatus(where: string, answer: HttpAnswer): RetryLater {
    if (answer.status === 403) {
      this.config.tokens.invalidate(answer.token);
      return this.retryLater(
        `${where}: HTTP 403 Forbidden; the Customs token lacks permission (scope ${this.api.scope}?)`,
      );
    }
    return this.retryLater(`${where}: unexpected HTTP ${answer.status}`);
  }

  private queryGiveUp(exchange: Exclude<Exchange, { done: 'answer' }>): RetryLater {
    // A GET never ends in UNKNOWN (it changes nothing); `exchange` only says 'unknown' for submissions.
    return {
      outcome: 'RETRY_LATER',
      retryAfterSeconds:
        exchange.done === 'retry-later' ? exchange.retryAfterSeconds : this.retryLaterSeconds,
      reason: exchange.reason,
    };
  }

  private retryLater(reason: string, retryAfterSeconds = this.retryLaterSeconds): RetryLater {
    return { outcome: 'RETRY_LATER', retryAfterSeconds, reason };
  }

  // -------------------------------------------------------------------------------------------------
  // HTTP with the retry policy
  // -------------------------------------------------------------------------------------------------

  /**
   * Sends with in-call retries; returns the first answer that is not retryable (to interpret), or gives up.
   * `submission`: only provably-unprocessed failures are retried; the rest ends in 'unknown'.
   * `query`: every transient failure is retried.
   */
  private async exchange(request: HttpRequest, policy: 'submission' | 'query'): Promise<Exchange> {
    const where = `${request.method} ${request.path}`;
    let refreshedAfter401 = false;
    let attempt = 0;
    for (;;) {
      attempt++;
      let token: string;
      try {
        token = await this.config.tokens.getToken();
      } catch (error) {
        // No request was sent. Token trouble (Maskinporten down, bad client config) is for the queue to retry.
        return {
          done: 'retry-later',
          retryAfterSeconds: this.retryLaterSeconds,
          reason: `${where}: no Customs token (${error instanceof Error ? error.message : String(error)})`,
        };
      }
      try {
        await this.limiters?.[policy === 'submission' ? 'submission' : 'query'].acquire();
      } catch (error) {
        // No request was sent either: the shared budget could not be reached (its table
        // throttled or failed). The queue retries later, as for a token it could not have; thrown,
        // it would leave the report claimed (in flight) until the claim went stale.
        return {
          done: 'retry-later',
          retryAfterSeconds: this.retryLaterSeconds,
          reason: `${where}: no slot of the rate budget (${error instanceof Error ? error.message : String(error)})`,
        };
      }

      let retryReason: string;
      let retryAfterMs: number | undefined;
      const sent = await this.send(request, token);
      if ('failure' in sent) {
        const { failure } = sent;
        if (failure.kind !== 'not-sent' && policy === 'submission') {
          return {
            done: 'unknown',
            reason:
              failure.kind === 'timeout'
                ? `${where}: no answer within ${this.timeoutMs} ms; may have been processed`
                : `${where}: connection failed after sending (${failure.detail}); may have been processed`,
          };
        }
        retryReason = `${where}: ${failure.kind === 'not-sent' ? 'not sent' : failure.kind} (${failure.detail})`;
      } else {
        const { answer, retryAfter } = sent;
        const { status } = answer;
        if (status === 401) {
          // The token was rejected before processing: refresh once and resend (does not use an attempt).
          this.config.tokens.invalidate(token);
          if (!refreshedAfter401) {
            refreshedAfter401 = true;
            attempt--;
            continue;
          }
          return {
            done: 'retry-later',
            retryAfterSeconds: this.retryLaterSeconds,
            reason: `${where}: HTTP 401 Unauthorized even with a fresh token`,
          };
        }
        retryAfterMs = parseRetryAfterMs(retryAfter, this.clock.now().getTime());
        if (status === 429 || status === 408) {
          retryReason = `${where}: HTTP ${status}`;
        } else if (status >= 500 && status <= 599) {
          if (policy === 'submission') {
            return { done: 'unknown', reason: `${where}: HTTP ${status}; may have been processed` };
          }
          retryReason = `${where}: HTTP ${status}`;
        } else {
          return { done: 'answer', answer };
        }
      }

      // Retryable. Give up when out of attempts or when the server asks for more than we may sleep.
      const retryAfterSeconds =
        retryAfterMs !== undefined ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : this.retryLaterSeconds;
      if (attempt >= this.maxAttempts) {
        return {
          done: 'retry-later',
          retryAfterSeconds,
          reason: `${retryReason}; gave up after ${attempt} attempt(s)`,
        };
      }
      if (retryAfterMs !== undefined && retryAfterMs > this.maxDelayMs) {
        return {
          done: 'retry-later',
          retryAfterSeconds,
          reason: `${retryReason}; Retry-After ${retryAfterMs} ms exceeds the in-call limit`,
        };
      }
      const jittered = fullJitterDelayMs(attempt, this.baseDelayMs, this.maxDelayMs, this.random);
      await this.sleep(Math.max(jittered, retryAfterMs ?? 0));
    }
  }

  /** One HTTP request; the body is read inside the same deadline. */
  private async send(
    request: HttpRequest,
    token: string,
  ): Promise<
    { answer: HttpAnswer; retryAfter: string | null } | { failure: ReturnType<typeof classifyFetchError> }
  > {
    const url = `${this.baseUrl}${request.path}${request.query ? `?${request.query}` : ''}`;
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await this.fetchImpl(url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.text();
      return {
        answer: { status: response.status, text, token },
        retryAfter: response.headers.get('retry-after'),
      };
    } catch (error) {
      return { failure: classifyFetchError(error) };
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------

const segment = (value: string) => encodeURIComponent(value);

const refused = (error: DigitollFieldError): SubmitOutcome => ({ outcome: 'REFUSED', errors: [error] });

function rawText(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > RAW_TEXT_LIMIT ? `${trimmed.slice(0, RAW_TEXT_LIMIT)}…` : trimmed;
}

/** JSON + zod; the problem text names paths and zod messages only (never values from the body). */
function parseBody<S extends z.ZodType>(
  schema: S,
  text: string,
): { ok: true; value: z.infer<S> } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: text.trim() === '' ? 'is empty' : 'is not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  return { ok: false, problem: `does not match the expected shape (${issues})` };
}
