/**
 * Webhook HTTP: resolving a target's host (A and AAAA, as connecting would) and POSTing to it.
 * The POST never follows redirects, gives up after 5 s, and connects only to an address the
 * target rules allow: the address is checked in the socket's own lookup, so a host that answers
 * a public address to the check and a private one to the connection gains nothing.
 */
import { type LookupAddress, lookup } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { type Resolver, refusedAddress, type TargetSettings } from '../../domain/webhook-targets.ts';
import type { Poster } from '../../domain/webhooks.ts';

const POST_TIMEOUT_MS = 5_000;

/** All addresses of a host, through the system resolver (what a connection would use). */
export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    lookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
      if (error) reject(error);
      else resolve(addresses.map((a) => a.address));
    });
  });

function guardedLookup(settings: TargetSettings): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.map((a) => refusedAddress(a.address, settings)).find(Boolean);
      if (refused || addresses.length === 0) {
        const why = Object.assign(new Error(`refused to connect: ${refused ?? 'no address'}`), {
          code: 'EADDRNOTALLOWED',
        });
        return callback(why, '', 0);
      }
      if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const [first] = addresses as [LookupAddress];
      return callback(null, first.address, first.family);
    });
  };
}

/** POSTs the body; only the answer's status matters (its body is discarded). */
export function webhookPoster(settings: TargetSettings): Poster {
  const lookupFn = guardedLookup(settings);
  return (url, body, headers) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const request = send(
        target,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          lookup: lookupFn,
          signal: AbortSignal.timeout(POST_TIMEOUT_MS),
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
}
