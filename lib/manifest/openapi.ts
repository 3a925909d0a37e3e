/**
 * The OpenAPI 3.1 document, generated from the zod schemas (JSON Schema 2020-12, which 3.1 uses).
 */
import { z } from 'zod';
import { ShipmentListQuery } from '../domain/queries.ts';
import { IntakeResponse, ManifestView, Problem, ShipmentDetail, ShipmentPage } from './responses.ts';
import { AddShipmentsRequest, LIMITS, ManifestRequest } from './schema.ts';

const schema = (value: z.ZodType, io: 'input' | 'output' = 'output') =>
  z.toJSONSchema(value, { target: 'draft-2020-12', io, unrepresentable: 'any' });

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const json = (ref: string, description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
});

const secured = [{ partnerKey: [] }];
const commonErrors = {
  '401': problem('Missing or unknown API key'),
  '404': problem("Not found (or another partner's)"),
};

export function openApiDocument(): Record<string, unknown> {
  const queryParameters = Object.entries(
    (schema(ShipmentListQuery, 'input') as { properties: Record<string, unknown> }).properties,
  ).map(([name, value]) => ({ name, in: 'query', required: false, schema: value }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'voec-border partner API',
      version: '1.0.0',
      description: [
        'Submit the VOEC shipments of a transport heading for the Norwegian border; they are checked against',
        'the VOEC rules, stored, and reported to Norwegian Customs (Digitoll).',
        '',
        'Limits:',
        `- request body: ${LIMITS.requestPayloadBytes} bytes as sent (send large manifests with Content-Encoding: gzip);`,
        `  a gzip body may inflate to at most ${LIMITS.decompressedBodyBytes} bytes; above either: 413;`,
        `- shipments: ${LIMITS.shipmentsPerRequest} per request and ${LIMITS.shipmentsPerManifest} per manifest (413 above);`,
        `- items: ${LIMITS.itemsPerShipment} per shipment; string lengths are Digitoll's (see the schemas).`,
        'Errors are application/problem+json (RFC 9457); validation errors list every problem with a JSON pointer.',
      ].join('\n'),
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        partnerKey: { type: 'http', scheme: 'bearer', description: 'Your partner API key' },
      },
      schemas: {
        ManifestRequest: schema(ManifestRequest, 'input'),
        AddShipmentsRequest: schema(AddShipmentsRequest, 'input'),
        IntakeResponse: schema(IntakeResponse),
        ManifestView: schema(ManifestView),
        ShipmentPage: schema(ShipmentPage),
        ShipmentDetail: schema(ShipmentDetail),
        Problem: schema(Problem),
      },
    },
    paths: {
      '/v1/manifests': {
        post: {
          summary: 'Submit a transport with its VOEC shipments',
          security: secured,
          parameters: [
            {
              name: 'Content-Encoding',
              in: 'header',
              required: false,
              schema: { enum: ['gzip', 'identity'] },
            },
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ManifestRequest' } } },
          },
          responses: {
            '202': json('IntakeResponse', 'Accepted: every shipment with its initial status and flags'),
            '200': json(
              'IntakeResponse',
              'The same reference and body were already accepted: the original answer',
            ),
            '400': problem('Malformed JSON or schema errors, each with a JSON pointer'),
            '401': commonErrors['401'],
            '409': problem('The reference was used with a different body, or the same one is in progress'),
            '413': problem('Body or shipment count over the limits'),
            '415': problem('Not JSON, or an unsupported Content-Encoding'),
          },
        },
      },
      '/v1/manifests/{manifestId}': {
        get: {
          summary: 'A manifest with counts of shipments by status and open flags',
          security: secured,
          parameters: [{ name: 'manifestId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': json('ManifestView', 'The manifest'), ...commonErrors },
        },
      },
      '/v1/manifests/{manifestId}/shipments': {
        get: {
          summary: 'Shipments of a manifest, paginated, filterable by status and flag',
          security: secured,
          parameters: [
            { name: 'manifestId', in: 'path', required: true, schema: { type: 'string' } },
            ...queryParameters,
          ],
          responses: { '200': json('ShipmentPage', 'A page of shipments'), ...commonErrors },
        },
        post: {
          summary: 'Add shipments to a manifest whose transport has not reached the border',
          security: secured,
          parameters: [{ name: 'manifestId', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/AddShipmentsRequest' } } },
          },
          responses: {
            '202': json('IntakeResponse', 'New shipments accepted'),
            '200': json('IntakeResponse', 'All these shipments were already on the manifest, unchanged'),
            '400': problem('Schema errors'),
            ...commonErrors,
            '409': problem('A shipment number exists with other content, or the transport has crossed'),
            '413': problem('Over the limits'),
          },
        },
      },
      '/v1/shipments/{shipmentNumber}': {
        get: {
          summary: 'One shipment: status, MRN, flags and its timeline',
          security: secured,
          parameters: [{ name: 'shipmentNumber', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': json('ShipmentDetail', 'The shipment (its latest manifest)'), ...commonErrors },
        },
      },
      '/v1/openapi.json': {
        get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } },
      },
      '/health': { get: { summary: 'Liveness', responses: { '200': { description: 'OK' } } } },
    },
  };
}
