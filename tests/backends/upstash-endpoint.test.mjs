// Proves the test endpoint (tests/support/upstash-endpoint.mjs) faithful to the
// Upstash REST protocol by running the official @upstash/redis client against
// it, on a real redis-server: get/set/del, expiry, pipelines, binary-safe values.
import { test, before, after } from 'node:test';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { t } from '../conformance/assert.mjs';
import { startRedis } from '../support/redis-server.mjs';
import { startUpstashEndpoint } from '../support/upstash-endpoint.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { Redis } = createRequire(join(here, '..', '..', 'scripts', 'package.json'))('@upstash/redis');

const TOKEN = 'endpoint-test-token';
let redis;
let endpoint;
let client;
before(async () => {
  redis = await startRedis();
  endpoint = await startUpstashEndpoint({ redisPort: redis.port, token: TOKEN });
  client = new Redis({ url: endpoint.url, token: TOKEN });
});
after(async () => {
  await endpoint?.close();
  await redis?.stop();
});

test('get / set / del', async () => {
  t.equal(await client.set('a', 'hello'), 'OK');
  t.equal(await client.get('a'), 'hello');
  t.equal(await client.del('a'), 1);
  t.equal(await client.get('a'), null);
});

test('JSON values round-trip through the client serialisation', async () => {
  await client.set('obj', { x: 1, y: ['z'] });
  t.deepEqual(await client.get('obj'), { x: 1, y: ['z'] });
});

test('NX and PX', async () => {
  t.equal(await client.set('lease', 'one', { nx: true, px: 60_000 }), 'OK');
  t.equal(await client.set('lease', 'two', { nx: true, px: 60_000 }), null);
  const ttl = await client.pttl('lease');
  t.ok(ttl > 0 && ttl <= 60_000, `pttl ${ttl}`);
});

test('pipeline answers in order, errors per command', async () => {
  const p = client.pipeline();
  p.set('p1', 'v1');
  p.get('p1');
  p.incr('p1');
  const answers = await p.exec({ keepErrors: true });
  t.equal(answers[0].result, 'OK');
  t.equal(answers[1].result, 'v1');
  t.ok(typeof answers[2].error === 'string' && /not an integer/.test(answers[2].error), answers[2].error);
});

test('binary-unsafe text (every code unit, control characters, non-ASCII) survives', async () => {
  const text = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('') + 'é✓🎉';
  await client.set('bin', text);
  t.equal(await client.get('bin'), text);
  t.deepEqual(await client.mget('bin', 'missing'), [text, null]);
});

test('scan with a pattern', async () => {
  await client.set('scan:1', 'x');
  await client.set('scan:2', 'y');
  const keys = new Set();
  let cursor = '0';
  do {
    const [next, found] = await client.scan(cursor, { match: 'scan:*', count: 100 });
    cursor = String(next);
    for (const k of found) keys.add(k);
  } while (cursor !== '0');
  t.deepEqual([...keys].sort(), ['scan:1', 'scan:2']);
});

test('a wrong token is refused with 401', async () => {
  const bad = new Redis({ url: endpoint.url, token: 'nope' });
  let error;
  try {
    await bad.get('a');
  } catch (err) {
    error = err;
  }
  t.ok(error !== undefined, 'rejected');
  t.ok(/401|unauthori[sz]ed/i.test(String(error?.message)), `a 401, not just any error: ${error?.message}`);
  const raw = await fetch(`${endpoint.url}/get/a`, { headers: { authorization: 'Bearer nope' } });
  t.equal(raw.status, 401, 'the endpoint answers 401 itself');
});
