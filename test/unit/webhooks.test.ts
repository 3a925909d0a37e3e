/**
 * Partner webhooks in the domain: Standard Webhooks signatures (checked with the maintained
 * `standardwebhooks` verifier, not our own code), retries, one POST per (event, webhook) however
 * often it is handed over, which events a webhook gets, and where a webhook may point (SSRF).
 */
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { drainOutbox, handOver, type OutboxStore } from '../../lib/domain/outbox.ts';
import { forbiddenAddress, type Resolver, refusedTarget } from '../../lib/domain/webhook-targets.ts';
import {
  type Claim,
  type DeliveryDeps,
  deliver,
  type NotificationMessage,
  newSecret,
  registerWebhook,
  type Webhook,
} from '../../lib/domain/webhooks.ts';
import { FakeClock, sequentialIds } from './fakes.ts';

// A Standard Webhooks secret: whsec_ + base64 of the key (here the 16 bytes "0123456789abcdef").
const SECRET = 'whsec_MDEyMzQ1Njc4OWFiY2RlZg==';

const webhook: Webhook = {
  partnerId: 'p',
  webhookId: 'w1',
  url: 'https://hooks.partner.example/voec',
  secret: SECRET,
  createdAt: '2026-12-01T10:00:00.000Z',
};

const message: NotificationMessage = {
  v: 1,
  webhookId: 'w1',
  attempt: 0,
  notification: {
    id: 'n1',
    partnerId: 'p',
    type: 'flag.raised',
    at: '2026-12-01T11:00:00.000Z',
    subject: 'manifests/m1/shipments/RR123456785SE',
    sequence: 4,
    data: { flag: 'NOTIFICATION_MISSING' },
  },
};

/** A resolver with fixed answers (what node:dns would say for these names). */
const resolver =
  (answers: Record<string, string[]>): Resolver =>
  async (host) => {
    const found = answers[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };

const PUBLIC = resolver({
  'hooks.partner.example': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
});

function hookWorld(statuses: number[], resolve: Resolver = PUBLIC) {
  const posted: Array<{ url: string; body: string; headers: Record<string, string> }> = [];
  const requeued: Array<{ message: NotificationMessage; delay: number | undefined }> = [];
  const dead: string[] = [];
  const receipts = new Map<string, { state: 'LEASED' | 'DELIVERED'; leaseUntil?: string }>();
  const clock = new FakeClock(new Date('2026-12-01T11:00:10Z'));
  const key = (m: NotificationMessage) => `${m.notification.id}#${m.webhookId}`;
  const deps: DeliveryDeps = {
    deliveries: {
      get: async () => webhook,
      claim: async (m, now, leaseUntil): Promise<Claim> => {
        const found = receipts.get(key(m));
        if (found?.state === 'DELIVERED') return 'delivered';
        if (found?.state === 'LEASED' && (found.leaseUntil ?? '') >= now) return 'busy';
        receipts.set(key(m), { state: 'LEASED', leaseUntil });
        return 'claimed';
      },
      markDelivered: async (m) => {
        receipts.set(key(m), { state: 'DELIVERED' });
      },
      release: async (m) => {
        if (receipts.get(key(m))?.state === 'LEASED') receipts.delete(key(m));
      },
    },
    queue: {
      send: async (messages, delay) => {
        for (const m of messages) requeued.push({ message: m, delay });
      },
      deadLetter: async (_m, reason) => {
        dead.push(reason);
      },
    },
    post: async (url, body, headers) => {
      posted.push({ url, body, headers });
      return { status: statuses.shift() ?? 200 };
    },
    resolve,
    clock,
    settings: { maxAttempts: 3, baseDelaySeconds: 10, leaseSeconds: 30, allowLoopback: false },
  };
  return { deps, posted, requeued, dead, clock, receipts };
}

describe('webhook deliveries', () => {
  it('are signed the Standard Webhooks way: the standardwebhooks verifier accepts them and refuses a tampered body', async () => {
    const w = hookWorld([200]);
    expect(await deliver(w.deps, message)).toBe('delivered');
    const [request] = w.posted;
    if (!request) throw new Error('nothing posted');
    expect(request.headers['webhook-id']).toBe('n1');
    expect(request.headers['webhook-timestamp']).toBe('1796122810'); // 2026-12-01T11:00:10Z: 2025-12-01 is 1764547200, + 365 days + 11 h 10 s
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const verifier = new StandardWebhook(SECRET);
    // The verifier checks the timestamp against its own clock: verify at delivery time.
    const realNow = Date.now;
    Date.now = () => w.clock.now().getTime();
    try {
      expect(verifier.verify(request.body, request.headers)).toEqual({
        id: 'n1',
        type: 'flag.raised',
        timestamp: '2026-12-01T11:00:00.000Z',
        subject: 'manifests/m1/shipments/RR123456785SE',
        sequence: 4,
        data: { flag: 'NOTIFICATION_MISSING' },
      });
      expect(() => verifier.verify(request.body.replace('MISSING', 'MISSINH'), request.headers)).toThrow(
        /signature/i,
      );
      expect(() =>
        new StandardWebhook('whsec_b3RoZXIta2V5LW90aGVyLWtleQ==').verify(request.body, request.headers),
      ).toThrow(/signature/i);
    } finally {
      Date.now = realNow;
    }
    // A redelivered message is not posted twice.
    expect(await deliver(w.deps, message)).toBe('duplicate');
    expect(w.posted).toHaveLength(1);
  });

  it('secrets are whsec_ and a base64 key the standardwebhooks package accepts', () => {
    const secret = newSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(() => new StandardWebhook(secret)).not.toThrow();
  });

  it('retries with growing delays through the queue, then dead-letters', async () => {
    const w = hookWorld([500, 503, 500]);
    expect(await deliver(w.deps, message)).toBe('retrying');
    expect(await deliver(w.deps, { ...message, attempt: 1 })).toBe('retrying');
    expect(w.requeued.map((r) => [r.message.attempt, r.delay])).toEqual([
      [1, 10],
      [2, 20],
    ]);
    expect(await deliver(w.deps, { ...message, attempt: 2 })).toBe('dead-lettered');
    expect(w.dead[0]).toMatch(/answered 500 \(after 3 attempts\)/);
  });

  it('an event handed over twice (stream and schedule) is POSTed once, even when both copies run at once', async () => {
    const w = hookWorld([]);
    let release: () => void = () => {};
    const slow = new Promise<void>((r) => {
      release = r;
    });
    const post = w.deps.post;
    w.deps.post = async (url, body, headers) => {
      await slow;
      return post(url, body, headers);
    };
    const first = deliver(w.deps, message);
    await new Promise((r) => setTimeout(r, 0));
    // The second copy finds the first one's lease: it looks again once the lease has run out.
    expect(await deliver(w.deps, message)).toBe('in-flight');
    expect(w.requeued).toEqual([{ message, delay: 30 }]);
    release();
    expect(await first).toBe('delivered');
    expect(await deliver(w.deps, message)).toBe('duplicate');
    expect(w.posted).toHaveLength(1);
  });

  it('a lease that ran out (its holder crashed) is taken over', async () => {
    const w = hookWorld([]);
    w.receipts.set('n1#w1', { state: 'LEASED', leaseUntil: '2026-12-01T11:00:05.000Z' });
    expect(await deliver(w.deps, message)).toBe('delivered');
    expect(w.posted).toHaveLength(1);
  });

  it('a failed attempt gives its claim back, so the retry can POST', async () => {
    const w = hookWorld([500]);
    expect(await deliver(w.deps, message)).toBe('retrying');
    expect(w.receipts.has('n1#w1')).toBe(false);
    expect(await deliver(w.deps, { ...message, attempt: 1 })).toBe('delivered');
  });

  it('refuses to POST to a host that now resolves to a private address, and dead-letters with the reason', async () => {
    const w = hookWorld([], resolver({ 'hooks.partner.example': ['93.184.215.14', '10.0.0.7'] }));
    expect(await deliver(w.deps, message)).toBe('refused-target');
    expect(w.posted).toHaveLength(0);
    expect(w.dead).toEqual([
      'the webhook URL must point at a public host: hooks.partner.example resolves to 10.0.0.7 is not a public address',
    ]);
  });

  it('retries a host that does not resolve (DNS may be down for a moment)', async () => {
    const w = hookWorld([], resolver({}));
    expect(await deliver(w.deps, message)).toBe('retrying');
    expect(w.posted).toHaveLength(0);
  });
});

describe('which events a webhook gets', () => {
  const at = (iso: string, id: string) => ({ ...message.notification, id, at: iso });

  function outboxWorld(notes: ReturnType<typeof at>[], hooks: Webhook[]) {
    const waiting = new Map(notes.map((n) => [n.id, n]));
    const sent: NotificationMessage[] = [];
    const outbox: OutboxStore = {
      due: async (before) => [...waiting.values()].filter((n) => n.at <= before),
      remove: async (done) => {
        for (const n of done) waiting.delete(n.id);
      },
    };
    const deps = {
      outbox,
      webhooks: { list: async () => hooks },
      queue: {
        send: async (messages: NotificationMessage[]) => {
          sent.push(...messages);
        },
        deadLetter: async () => {},
      },
      clock: new FakeClock(new Date('2026-12-01T11:10:00.000Z')),
      settings: { graceSeconds: 60 },
    };
    return { deps, sent, waiting };
  }

  it('those of changes from its registration on; earlier ones are not delivered (and leave the outbox)', async () => {
    const late: Webhook = { ...webhook, webhookId: 'w2', createdAt: '2026-12-01T11:00:00.000Z' };
    const w = outboxWorld(
      [at('2026-12-01T10:59:59.999Z', 'before'), at('2026-12-01T11:00:00.000Z', 'same-ms')],
      [webhook, late],
    );
    const result = await handOver(w.deps, [...w.waiting.values()]);
    expect(w.sent.map((m) => `${m.notification.id}→${m.webhookId}`)).toEqual([
      'before→w1',
      'same-ms→w1',
      'same-ms→w2',
    ]);
    expect(result).toEqual({ queued: 3, withoutWebhook: 0 });
    expect(w.waiting.size).toBe(0);
    // A partner without a webhook then: counted, not delivered.
    const none = outboxWorld([at('2026-12-01T09:00:00.000Z', 'early')], [webhook]);
    expect(await handOver(none.deps, [...none.waiting.values()])).toEqual({ queued: 0, withoutWebhook: 1 });
  });

  it('the schedule leaves notifications younger than the grace period to the stream', async () => {
    const w = outboxWorld(
      [at('2026-12-01T11:08:59.000Z', 'old'), at('2026-12-01T11:09:30.000Z', 'fresh')],
      [webhook],
    );
    await drainOutbox(w.deps);
    expect(w.sent.map((m) => m.notification.id)).toEqual(['old']);
    expect([...w.waiting.keys()]).toEqual(['fresh']);
  });
});

describe('where a webhook may point (SSRF)', () => {
  const strict = { allowLoopback: false };
  const local = { allowLoopback: true };

  it.each([
    ['10.1.2.3'],
    ['172.16.0.1'],
    ['172.31.255.255'],
    ['192.168.1.1'],
    ['127.0.0.1'],
    ['127.8.9.10'],
    ['169.254.169.254'],
    ['169.254.0.1'],
    ['100.64.0.1'],
    ['100.127.255.254'],
    ['0.0.0.0'],
    ['224.0.0.1'],
    ['255.255.255.255'],
    ['::1'],
    ['::'],
    ['fc00::1'],
    ['fd00:ec2::254'],
    ['fe80::1'],
    ['ff02::1'],
    ['::ffff:127.0.0.1'],
    ['::ffff:10.0.0.1'],
    ['::ffff:a9fe:a9fe'],
    ['64:ff9b::a9fe:a9fe'],
    ['2002:c0a8:0101::1'],
  ])('refuses %s', (address) => {
    expect(forbiddenAddress(address)).toBe(`${address} is not a public address`);
  });

  it.each([
    ['8.8.8.8'],
    ['93.184.215.14'],
    ['100.63.255.255'],
    ['100.128.0.0'],
    ['172.32.0.1'],
    ['169.253.255.255'],
    ['2606:4700:4700::1111'],
    ['::ffff:8.8.8.8'],
  ])('allows the public %s', (address) => {
    expect(forbiddenAddress(address)).toBeUndefined();
  });

  it('checks every A and AAAA answer of the host: one private answer refuses it', async () => {
    const dns = resolver({
      'ok.example': ['93.184.215.14', '2606:4700:4700::1111'],
      'v6-private.example': ['93.184.215.14', 'fd12:3456::1'],
      'metadata.example': ['169.254.169.254'],
      'cgnat.example': ['100.64.12.1'],
    });
    expect(await refusedTarget('https://ok.example/hook', dns, strict)).toBeUndefined();
    expect(await refusedTarget('https://v6-private.example/hook', dns, strict)).toEqual({
      message:
        'must point at a public host: v6-private.example resolves to fd12:3456::1 is not a public address',
      transient: false,
    });
    expect((await refusedTarget('https://metadata.example/', dns, strict))?.message).toMatch(
      /169\.254\.169\.254 is not a public address/,
    );
    expect((await refusedTarget('https://cgnat.example/', dns, strict))?.message).toMatch(/100\.64\.12\.1/);
    expect(await refusedTarget('https://nowhere.example/', dns, strict)).toEqual({
      message: 'host nowhere.example does not resolve (getaddrinfo ENOTFOUND nowhere.example)',
      transient: true,
    });
  });

  it('checks IP literals without asking DNS, in both forms', async () => {
    const noDns: Resolver = async () => {
      throw new Error('DNS must not be asked');
    };
    expect((await refusedTarget('https://[::1]:8443/hook', noDns, strict))?.message).toMatch(/::1 is not/);
    expect((await refusedTarget('https://169.254.169.254/latest', noDns, strict))?.message).toMatch(
      /169\.254\.169\.254 is not/,
    );
    expect(await refusedTarget('https://8.8.8.8/hook', noDns, strict)).toBeUndefined();
  });

  it('wants https:// outside local mode; local mode allows a loopback receiver over http://, nothing else private', async () => {
    const dns = resolver({ localhost: ['127.0.0.1', '::1'], 'lan.example': ['192.168.0.5'] });
    expect((await refusedTarget('http://localhost:8080/hook', dns, strict))?.message).toBe(
      'must be an https:// URL',
    );
    expect((await refusedTarget('https://localhost:8080/hook', dns, strict))?.message).toMatch(
      /localhost resolves to 127\.0\.0\.1 is not a public address/,
    );
    expect(await refusedTarget('http://localhost:8080/hook', dns, local)).toBeUndefined();
    expect(await refusedTarget('http://127.0.0.1:8080/hook', dns, local)).toBeUndefined();
    expect((await refusedTarget('http://lan.example/hook', dns, local))?.message).toBe(
      'must be https:// (http:// only for a loopback receiver in local mode)',
    );
    expect((await refusedTarget('https://lan.example/hook', dns, local))?.message).toMatch(/192\.168\.0\.5/);
    expect((await refusedTarget('https://user:pw@ok.example/', dns, strict))?.message).toBe(
      'must not carry credentials',
    );
  });

  it('registration refuses such a URL with a field error at /url, and stores nothing', async () => {
    const stored: Webhook[] = [];
    const deps = {
      webhooks: {
        put: async (hook: Webhook) => {
          stored.push(hook);
        },
        list: async () => stored,
        delete: async () => false,
      },
      clock: new FakeClock(),
      ids: sequentialIds(),
      resolve: resolver({ 'internal.example': ['10.0.0.1'], 'hooks.partner.example': ['93.184.215.14'] }),
      settings: strict,
    };
    await expect(registerWebhook(deps, 'p', { url: 'https://internal.example/hook' })).rejects.toMatchObject({
      errors: [
        {
          path: '/url',
          code: 'forbidden_url',
          message:
            'must point at a public host: internal.example resolves to 10.0.0.1 is not a public address',
        },
      ],
    });
    expect(stored).toEqual([]);
    const ok = await registerWebhook(deps, 'p', { url: 'https://hooks.partner.example/hook' });
    expect(ok.secret).toMatch(/^whsec_/);
    expect(stored).toHaveLength(1);
  });
});
