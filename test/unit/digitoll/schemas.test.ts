/** The shared Digitoll schemas: the §12 examples and responses parse, and the §7.1 texts come out. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  A11_VOEC_VALUE_LIMIT,
  SYNC_INVALID_INSTANT,
  syncDigits,
  syncSize,
} from '../../../lib/digitoll/errors.ts';
import {
  HouseConsignmentRequest,
  isDigitollInstant,
  MasterConsignmentRequest,
  mrnOf,
  SubmissionAccepted,
  SyncValidationErrorBody,
  TokenResponse,
  TransportRequest,
  ValidationStatus,
} from '../../../lib/digitoll/schemas.ts';
import { exampleHouse, exampleMaster, exampleTransport } from '../../../local/digitoll-simulator/examples.ts';

describe('request schemas', () => {
  it('accept the §12 example messages', () => {
    expect(TransportRequest.safeParse(exampleTransport()).success).toBe(true);
    expect(MasterConsignmentRequest.safeParse(exampleMaster()).success).toBe(true);
    expect(HouseConsignmentRequest.safeParse(exampleHouse()).success).toBe(true);
  });

  it('require ETA and scheduled time on the transport (the client-side schema is strict)', () => {
    const { scheduledDateAndTimeOfArrival: _dropped, ...transport } = exampleTransport();
    const result = TransportRequest.safeParse(transport);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('must not be null');
  });

  it('give the bean-validation texts for size, instants and digits', () => {
    const house = exampleHouse();
    house.consignmentHouseLevel.transportDocumentHouseLevel.type = 'N7';
    house.documentIssueDate = '2026-05-04T06:00:00+02:00';
    const item = house.consignmentHouseLevel.goodsItem?.[0];
    if (item) item.itemAmountInvoicedVOEC.value = 1e22;
    const messages = HouseConsignmentRequest.safeParse(house).error?.issues.map((i) => i.message);
    expect(messages).toEqual(
      expect.arrayContaining([syncSize(4, 4), SYNC_INVALID_INSTANT, syncDigits(16, 2)]),
    );
  });
});

describe('instants', () => {
  it('accept exactly yyyy-MM-ddTHH:mm:ssZ for real dates', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const text = `${date.toISOString().slice(0, 19)}Z`;
          expect(isDigitollInstant(text)).toBe(true);
          expect(isDigitollInstant(date.toISOString())).toBe(false); // with milliseconds
        },
      ),
    );
    expect(isDigitollInstant('2026-02-30T10:00:00Z')).toBe(false);
    expect(isDigitollInstant('2026-05-04 10:00:00Z')).toBe(false);
  });
});

describe('response schemas', () => {
  it('parse the documented §12.4 bodies', () => {
    expect(
      SubmissionAccepted.parse({ requestId: '1bdf0f33-f42e-48e2-b334-3944722e3fe5' }).requestId,
    ).toBeDefined();
    const ok = ValidationStatus.parse({
      status: 'SUCCESS',
      requestId: '1bdf0f33-f42e-48e2-b334-3944722e3fe5',
      notificationDate: '2026-05-04T06:02:02Z',
      mrn: '26NO0000000000ABC1',
      validationErrorList: [],
    });
    expect(mrnOf(ok)).toBe('26NO0000000000ABC1');
    expect(mrnOf(ValidationStatus.parse({ ...ok, mrn: undefined, masterReferenceNumber: 'X' }))).toBe('X');
    const failed = ValidationStatus.parse({
      status: 'FAILURE',
      requestId: 'r',
      notificationDate: '2026-05-04T06:02:02Z',
      validationErrorList: [
        {
          description: A11_VOEC_VALUE_LIMIT,
          pointer: { messageElementPath: 'consignmentHouseLevel.goodsItem[1].itemAmountInvoicedVOEC.value' },
        },
      ],
      eoriValidation: { anything: true },
    });
    expect(failed.validationErrorList[0]?.description).toBe(A11_VOEC_VALUE_LIMIT);
    expect(
      SyncValidationErrorBody.parse({
        validationErrors: [{ field: 'consignmentHouseLevel.goodsDescription', error: 'must not be blank' }],
      }).validationErrors,
    ).toHaveLength(1);
    expect(
      TokenResponse.parse({
        issued_token_type: 'access_token',
        access_token: 'a',
        token_type: 'Bearer',
        expires_in: 970,
      }).expires_in,
    ).toBe(970);
    expect(
      ValidationStatus.safeParse({ status: 'DONE', requestId: 'r', notificationDate: 'x' }).success,
    ).toBe(false);
  });
});
