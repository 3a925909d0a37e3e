/**
 * The DigitollPort: the domain's messages on Digitoll's wire. It picks the movement API of the
 * transport's mode (road v2 today; the air API will sit beside it in `MovementApis`), builds the
 * body with that API's mapping, sends it with that API's HTTP client, and turns the answers into
 * the domain's outcomes, with Digitoll's error paths located in our data.
 */
import type { MessageKind } from '../../digitoll/schemas.ts';
import type {
  DigitollMessage,
  DigitollPort,
  DigitollSubject,
  KeyedMessage,
  LookupOutcome,
  PreparedMessage,
  StatusOutcome,
  Submission,
  SubmitOutcome,
} from '../../domain/digitoll-port.ts';
import type { Clock } from '../../domain/ports.ts';
import { type TransportMode, transportModeOf } from '../../domain/records.ts';
import type { ReportTarget } from '../../domain/report-message.ts';
import type { DigitollError } from '../../domain/report-state.ts';
import type { DigitollHttpClient } from './client.ts';
import type { WireMapping } from './wire-mapping.ts';

/** One Digitoll movement API: how our records map to its messages, and its client. */
export interface MovementApi {
  mapping: WireMapping;
  client: Pick<DigitollHttpClient, 'submit' | 'withdraw' | 'validationStatus' | 'findByWaybill'>;
}

export type MovementApis = Record<TransportMode, MovementApi>;

const KIND: Record<ReportTarget, MessageKind> = {
  TRANSPORT: 'transport',
  MASTER: 'master-consignment',
  HOUSE: 'house-consignment',
};

export class DigitollReporting implements DigitollPort {
  /** What `prepare` built, so sending the same message does not build it again. */
  private readonly built = new WeakMap<DigitollMessage, ReturnType<WireMapping['content']>>();

  constructor(
    private readonly apis: MovementApis,
    /** For the documents' issue dates. */
    private readonly clock: Clock,
  ) {}

  private api(subject: DigitollSubject): MovementApi {
    return this.apis[transportModeOf(subject.manifest)];
  }

  private content(message: DigitollMessage) {
    let content = this.built.get(message);
    if (!content) {
      content = this.api(message).mapping.content(message, this.clock.now());
      this.built.set(message, content);
    }
    return content;
  }

  prepare(message: DigitollMessage): PreparedMessage {
    const content = this.content(message);
    return {
      contentHash: content.contentHash,
      ...(content.scheduledArrival ? { scheduledArrival: content.scheduledArrival } : {}),
    };
  }

  async submit(message: DigitollMessage, submission: Submission): Promise<SubmitOutcome> {
    const api = this.api(message);
    const content = this.content(message);
    const outcome = await api.client.submit(
      content.kind,
      content.body,
      submission.operation === 'UPDATE' ? submission.mrn : undefined,
    );
    return this.located(api, content.kind, outcome);
  }

  async withdraw(subject: DigitollSubject, mrn: string): Promise<SubmitOutcome> {
    const api = this.api(subject);
    const kind = KIND[subject.kind];
    const outcome = await api.client.withdraw(
      kind,
      mrn,
      api.mapping.deleteBody(this.clock.now()).documentIssueDate ?? '',
    );
    return this.located(api, kind, outcome);
  }

  async validationStatus(subject: DigitollSubject, requestId: string): Promise<StatusOutcome> {
    const api = this.api(subject);
    const kind = KIND[subject.kind];
    const status = await api.client.validationStatus(kind, requestId);
    if (status.outcome !== 'FAILURE') return status;
    return {
      outcome: 'FAILURE',
      errors: status.errors.map((error) =>
        locate(api, kind, { message: error.description, digitollPath: error.messageElementPath }),
      ),
    };
  }

  async findExisting(message: KeyedMessage): Promise<LookupOutcome> {
    const api = this.api(message);
    const content = this.content(message);
    if (!content.waybillKey || content.kind === 'transport') return { outcome: 'NOT_FOUND' };
    return api.client.findByWaybill(content.kind, content.waybillKey);
  }

  private located(
    api: MovementApi,
    kind: MessageKind,
    outcome: Awaited<ReturnType<MovementApi['client']['submit']>>,
  ): SubmitOutcome {
    if (outcome.outcome !== 'REFUSED') return outcome;
    return {
      outcome: 'REFUSED',
      errors: outcome.errors.map((error) =>
        locate(api, kind, { message: error.error, digitollPath: error.field }),
      ),
    };
  }
}

/** A Digitoll error verbatim, with where it points in our data when the mapping can tell. */
function locate(api: MovementApi, kind: MessageKind, error: DigitollError): DigitollError {
  const where = api.mapping.locate(kind, error.digitollPath);
  return where ? { ...error, path: where.path, in: where.in } : error;
}
