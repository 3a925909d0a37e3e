/**
 * The enterprise certificate's key and the Maskinporten client id: from Secrets Manager when
 * deployed (read with Powertools parameters, cached), from the environment locally.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { z } from 'zod';
import type { DigitollAccessConfig } from '../config.ts';

export const MaskinportenCredentials = z.object({
  clientId: z.string().min(1),
  privateKeyPem: z.string().includes('PRIVATE KEY', { message: 'must be a PKCS8 PEM private key' }),
  certificateChainPem: z.string().optional(),
  keyId: z.string().optional(),
});
export type MaskinportenCredentials = z.infer<typeof MaskinportenCredentials>;

/** Secrets are re-read at most this often, so a rotated key is picked up without a redeploy. */
const SECRET_MAX_AGE_SECONDS = 300;

export async function maskinportenCredentials(
  config: Pick<
    DigitollAccessConfig,
    | 'MASKINPORTEN_SECRET_ARN'
    | 'MASKINPORTEN_CLIENT_ID'
    | 'MASKINPORTEN_PRIVATE_KEY_PEM'
    | 'MASKINPORTEN_KEY_ID'
  >,
): Promise<MaskinportenCredentials> {
  if (config.MASKINPORTEN_SECRET_ARN) {
    const value = await getSecret(config.MASKINPORTEN_SECRET_ARN, {
      transform: 'json',
      maxAge: SECRET_MAX_AGE_SECONDS,
    });
    const parsed = MaskinportenCredentials.safeParse(value);
    if (!parsed.success) {
      throw new Error(
        `Secret ${config.MASKINPORTEN_SECRET_ARN} is not {clientId, privateKeyPem, ...}: ${parsed.error.message}`,
      );
    }
    return parsed.data;
  }
  return MaskinportenCredentials.parse({
    clientId: config.MASKINPORTEN_CLIENT_ID,
    // Environment variables cannot hold newlines comfortably: accept "\n" escapes.
    privateKeyPem: config.MASKINPORTEN_PRIVATE_KEY_PEM?.replaceAll('\\n', '\n'),
    ...(config.MASKINPORTEN_KEY_ID ? { keyId: config.MASKINPORTEN_KEY_ID } : {}),
  });
}
