/**
 * Operator API keys (issue #11): the carrier's staff, who read every partner's data in the
 * operations console and change nothing. The same commands and targets as `npm run partner`
 * (scripts/partner.ts), for keys with the operator role:
 *
 *   npm run operator -- create <operatorId> [--label <text>]
 *   npm run operator -- list [<operatorId>]
 *   npm run operator -- revoke <operatorId> <keyId | keyPrefix | key>
 */
import { pathToFileURL } from 'node:url';
import { main } from './partner.ts';

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2), { role: 'operator' });
}
