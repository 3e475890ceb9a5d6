// The backend conformance suite in Node, from the packed tarball: against the
// in-process memory backend, and against a real redis-server behind the
// Upstash-protocol endpoint, through redisHttp({ url, token }) (fetch) and
// through redisHttp(@upstash/redis client).
import { test, after, before } from 'node:test';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cases } from './cases.mjs';
import { redisTokenCases } from './redis-token-cases.mjs';
import { t } from '../conformance/assert.mjs';
import { fixtureDir } from '../hosts/fixture.mjs';
import { startRedis } from '../support/redis-server.mjs';
import { startUpstashEndpoint } from '../support/upstash-endpoint.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const tools = createRequire(join(here, '..', '..', 'scripts', 'package.json'));
const { Redis } = tools('@upstash/redis');

globalThis.__edgecacheUnhandled = [];
process.on('unhandledRejection', (err) => globalThis.__edgecacheUnhandled.push(err));

const { default: lib } = await import(pathToFileURL(join(fixtureDir(), 'load.mjs')).href);

const TOKEN = 'test-token-not-secret';
let redis;
let endpoint;
before(async () => {
  redis = await startRedis();
  endpoint = await startUpstashEndpoint({ redisPort: redis.port, token: TOKEN });
});
after(async () => {
  await endpoint?.close();
  await redis?.stop();
});

const memory = lib.memoryBackend();
// `atomic`: whether the service must grant leases (SET NX PX; the memory backend's setIfAbsent).
const backends = {
  memory: Object.assign(() => memory, { atomic: true }),
  'redis-http (fetch)': Object.assign(() => lib.redisHttp({ url: endpoint.url, token: TOKEN }), { atomic: true }),
  'redis-http (@upstash/redis client)': Object.assign(
    () => lib.redisHttp(new Redis({ url: endpoint.url, token: TOKEN })),
    { atomic: true },
  ),
};

for (const [label, factory] of Object.entries(backends)) {
  for (const c of cases) {
    test(`${label}: ${c.name}`, () => c.run(lib, factory, t));
  }
}

// Endpoints started by the token cases (echoing the header, say), closed at the end.
const extraEndpoints = [];
after(async () => {
  for (const e of extraEndpoints) await e.close();
});
const tokenEnv = {
  lib,
  t,
  endpoint: async (options) => {
    if (options === undefined) return endpoint;
    const e = await startUpstashEndpoint({ redisPort: redis.port, token: TOKEN, ...options });
    extraEndpoints.push(e);
    return e;
  },
};
for (const c of redisTokenCases) test(`redis-http token: ${c.name}`, () => c.run(tokenEnv));

test('redis-http: a wrong token is a permanent error that never shows the token', async () => {
  const a = lib.createCache({ backend: lib.redisHttp({ url: endpoint.url, token: 'wrong-secret-123' }), retries: 3 });
  const events = [];
  await a.onEvent((e) => events.push(e));
  await a.set('k', 'v');
  t.equal(events.length, 1, 'not retried');
  t.equal(events[0].error.code, 'BACKEND_ERROR');
  t.ok(/401/.test(events[0].error.message), events[0].error.message);
  t.ok(!JSON.stringify([events[0].error.message, events[0].error.cause?.message]).includes('wrong-secret-123'), 'no token in messages');
  t.equal(await a.get('k'), 'v', 'L1 still serves');
});

test('redis-http: a dropped connection is transient (retried)', async () => {
  const a = lib.createCache({ backend: lib.redisHttp({ url: 'http://127.0.0.1:9', token: TOKEN }), retries: { count: 1, baseMs: 0, maxMs: 0 } });
  const events = [];
  await a.onEvent((e) => events.push(e));
  t.equal(await a.get('k'), undefined);
  t.equal(events.length, 2, 'first attempt and one retry');
  t.equal(events[0].error.cause.kind, 'transient');
});

test('redis-http: leases are exclusive across caches (SET NX PX on the real service)', async () => {
  const prefix = `lease${Date.now().toString(36)}`;
  const make = () => lib.createCache({ backend: lib.redisHttp({ url: endpoint.url, token: TOKEN }), prefix });
  const [a, b] = [make(), make()];
  t.equal(await a.tryLease('k', 5000), 'acquired', 'the first cache takes it');
  t.equal(await b.tryLease('k', 5000), 'busy', 'a second cache (another isolate) finds it taken');
  t.equal(await a.tryLease('k', 5000), 'busy', 'even its holder cannot take it twice');
  await a.releaseLease('k');
  t.equal(await b.tryLease('k', 5000), 'acquired', 'released: the other cache takes it');
  await b.releaseLease('k');
});
