/**
 * Bulk uploads (POST /v1/manifest-uploads, GET /v1/manifest-uploads/{uploadId}): the request and the
 * answers, as zod schemas. The file itself is a manifest body (json) or shipments CSV (csv, see
 * docs/csv-format.md); its rules are those of POST /v1/manifests.
 */
import { z } from 'zod';
import { ShipmentStatus } from '../domain/shipment.ts';
import { UploadError, UploadStatus } from '../domain/uploads.ts';
import {
  MASTER_REQUIRED,
  ManifestFields,
  MasterConsignment,
  manifestRules,
  Transit,
  Transport,
} from './schema.ts';

export const UploadFormat = z.enum(['json', 'csv']);

export const UploadRequest = z
  .strictObject({
    reference: ManifestFields.shape.reference,
    format: UploadFormat.describe(
      'json: a whole manifest body as POST /v1/manifests takes it; csv: its shipments (docs/csv-format.md)',
    ),
    contentEncoding: z
      .enum(['gzip'])
      .optional()
      .describe('gzip: the file is gzip-compressed (PUT it with Content-Encoding: gzip)'),
    transport: Transport.optional().describe('csv only (required there): the transport, as in a manifest'),
    masterConsignment: MasterConsignment.optional().describe('csv only: as in a manifest'),
    transit: Transit.optional().describe('csv only: as in a manifest'),
  })
  .superRefine((request, ctx) => {
    if (request.format === 'csv' && !request.transport) {
      ctx.addIssue({
        code: 'custom',
        path: ['transport'],
        message: 'is required for a csv upload (the CSV holds the shipments only)',
        params: { code: 'required' },
      });
    }
    if (request.format === 'csv' && !request.masterConsignment) {
      ctx.addIssue({
        code: 'custom',
        path: ['masterConsignment'],
        message: MASTER_REQUIRED,
        params: { code: 'required' },
      });
    }
    // The rules across a manifest's fields hold for a CSV upload's head as for a manifest.
    if (request.format === 'csv' && request.transport && request.masterConsignment) {
      manifestRules(
        {
          transport: request.transport,
          masterConsignment: request.masterConsignment,
          transit: request.transit,
        },
        ctx,
      );
    }
    if (request.format === 'json') {
      for (const field of ['transport', 'masterConsignment', 'transit'] as const) {
        if (request[field] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: 'belongs in the uploaded file for a json upload (the file is the whole manifest)',
            params: { code: 'unrecognized_keys' },
          });
        }
      }
    }
  });
export type UploadRequest = z.infer<typeof UploadRequest>;

export const UploadCreated = z.object({
  uploadId: z.string(),
  uploadUrl: z
    .string()
    .describe(
      'Presigned S3 PUT URL: PUT the file there (curl -T file URL), with Content-Encoding: gzip for gzip',
    ),
  expiresAt: z.string().describe('The URL works until then (15 minutes)'),
  maxBytes: z.number().int(),
});

export const UploadView = z.object({
  uploadId: z.string(),
  reference: z.string(),
  format: UploadFormat,
  status: UploadStatus,
  createdAt: z.string(),
  updatedAt: z.string(),
  progress: z.object({
    shipmentsRead: z.number().int().describe('Shipments read from the file (valid or not) so far'),
    shipmentsStored: z.number().int().describe('Shipments stored and handed to reporting'),
    shipmentsTotal: z.number().int().optional().describe('Known once the file has been validated'),
  }),
  manifestId: z.string().optional(),
  counts: z.partialRecord(ShipmentStatus, z.number().int()),
  errors: z
    .array(UploadError)
    .describe('Why the upload FAILED: JSON pointers for json files, line and column for csv files'),
  errorsTruncated: z.boolean().optional(),
  completedAt: z.string().optional(),
});
export type UploadView = z.infer<typeof UploadView>;

export type UploadCreated = z.infer<typeof UploadCreated>;
