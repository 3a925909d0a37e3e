/** Codes and pointers in the desk's words. */
import { describe, expect, it } from 'vitest';
import {
  digitollErrorField,
  digitollMessageWords,
  eventWords,
  humanize,
  kroner,
  pointerWords,
} from '../../../console/src/model/words.ts';

describe('console words', () => {
  it('names the field a JSON pointer points at, counting items from 1', () => {
    expect(pointerWords('/items/0/commodityCode')).toBe('item 1 › commodity code');
    expect(pointerWords('/items/11/unitValueNok')).toBe('item 12 › value per piece (NOK)');
    expect(pointerWords('/consignee/address/postcode')).toBe('consignee › address › postcode');
    expect(pointerWords('/transport/estimatedArrival')).toBe('transport › ETA');
    expect(pointerWords('/a~1b')).toBe('a/b');
    expect(pointerWords('')).toBe('the whole document');
  });

  it("says where a Digitoll error points: our field when mapped, else Digitoll's path", () => {
    expect(
      digitollErrorField({ digitollPath: 'x.vatIdentificationNumber', path: '/voecNumber', in: 'shipment' }),
    ).toBe('shipment › VOEC number');
    expect(
      digitollErrorField({
        digitollPath: 'transport.eta',
        path: '/transport/estimatedArrival',
        in: 'manifest',
      }),
    ).toBe('manifest › transport › ETA');
    expect(digitollErrorField({ digitollPath: 'consignmentHouseLevel.weird' })).toBe(
      'Digitoll field consignmentHouseLevel.weird',
    );
  });

  it("puts Digitoll's documented refusals in plain words, and leaves unknown ones verbatim", () => {
    expect(digitollMessageWords('Unknown vatIdentificationNumber')).toBe(
      'Digitoll does not know this VOEC number',
    );
    expect(digitollMessageWords('estimatedDateAndTimeOfArrival has already passed')).toMatch(
      /ETA had already passed/,
    );
    expect(digitollMessageWords('size must be between 1 and 70')).toMatch(/too long/);
    expect(digitollMessageWords('Something new from Customs')).toBeUndefined();
  });

  it('reads codes and timeline events as words', () => {
    expect(humanize('ARRIVAL_NOTIFICATION_PREPARED')).toBe('Arrival notification prepared');
    expect(eventWords({ type: 'ACCEPTED', subject: 'TRANSPORT' })).toBe('Transport: accepted');
    expect(eventWords({ type: 'FLAG_RAISED', subject: 'HOUSE' })).toBe('Shipment: flag raised');
    expect(eventWords({ type: 'RECEIVED' })).toBe('Received');
    expect(kroner(12345).replace(/\s/g, ' ')).toBe('12 345 kr');
  });
});
