/**
 * Typed domain errors. Each knows its HTTP status and problem type; they are mapped to
 * `application/problem+json` (RFC 9457) in exactly one place, the HTTP wrapper.
 */
export interface FieldError {
  /** JSON pointer into the request body, e.g. `/shipments/3/items/0/commodityCode`. */
  path: string;
  code: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly type: string;
  abstract readonly title: string;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;
}

const problemType = (slug: string) => `https://voec-border.dev/problems/${slug}`;

export class ValidationError extends DomainError {
  readonly status = 400;
  readonly type = problemType('validation');
  readonly title = 'The request is not valid';
  constructor(
    override readonly errors: FieldError[],
    detail = `${errors.length} problem(s) found; each entry of errors[] points at the field.`,
  ) {
    super(detail);
  }
}

export class UnauthorizedError extends DomainError {
  readonly status = 401;
  readonly type = problemType('unauthorized');
  readonly title = 'A valid partner API key is required';
  override readonly headers = { 'www-authenticate': 'Bearer' };
}

export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly type = problemType('not-found');
  readonly title = 'Not found';
}

export class ConflictError extends DomainError {
  readonly status = 409;
  readonly type: string;
  readonly title: string;
  constructor(
    detail: string,
    options: { slug?: string; title?: string; errors?: FieldError[]; retryAfterSeconds?: number } = {},
  ) {
    super(detail);
    this.type = problemType(options.slug ?? 'conflict');
    this.title = options.title ?? 'Conflict with the current state';
    Object.assign(this, {
      errors: options.errors,
      headers: options.retryAfterSeconds ? { 'retry-after': String(options.retryAfterSeconds) } : undefined,
    });
  }
}

export class PayloadTooLargeError extends DomainError {
  readonly status = 413;
  readonly type = problemType('payload-too-large');
  readonly title = 'The request is larger than allowed';
}

/** Well-formed, but breaks a business rule (e.g. an amendment that is no longer VOEC-eligible). */
export class UnprocessableError extends DomainError {
  readonly status = 422;
  readonly type = problemType('unprocessable');
  readonly title = 'The request breaks a rule';
  constructor(
    detail: string,
    override readonly errors: FieldError[],
  ) {
    super(detail);
  }
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly status = 415;
  readonly type = problemType('unsupported-media-type');
  readonly title = 'Unsupported media type or encoding';
}

/** Something we depend on failed part-way; the same request may be retried safely. */
export class RetryableError extends DomainError {
  readonly status = 503;
  readonly type = problemType('retry');
  readonly title = 'Temporarily unable to complete the request; retry it unchanged';
  override readonly headers = { 'retry-after': '2' };
}
