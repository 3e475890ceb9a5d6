import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SingleFlight } from '../../js/singleflight.js';
import { EdgeCacheError } from '../../js/errors.js';

// Fails the test if any rejection goes unhandled while `body` runs (and a tick after).
async function withoutUnhandledRejections(body) {
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    await body();
    await new Promise((r) => setTimeout(r, 10));
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  assert.deepEqual(unhandled, []);
}

function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

test('1,000 concurrent callers share one call of fn', async () => {
  const sf = new SingleFlight();
  const gate = deferred();
  let calls = 0;
  const fn = () => { calls++; return gate.promise; };
  const all = Array.from({ length: 1000 }, () => sf.run('k', fn));
  assert.equal(calls, 1);
  assert.equal(sf.inFlight('k'), true);
  assert.equal(sf.size, 1);
  gate.resolve('value');
  const results = await Promise.all(all);
  assert.equal(results.length, 1000);
  assert.ok(results.every((r) => r === 'value'));
  assert.equal(calls, 1);
  assert.equal(sf.inFlight('k'), false);
  assert.equal(sf.size, 0);
});

test('different keys run independently', async () => {
  const sf = new SingleFlight();
  const calls = [];
  const a = sf.run('a', async () => { calls.push('a'); return 1; });
  const b = sf.run('b', async () => { calls.push('b'); return 2; });
  assert.equal(sf.size, 2);
  assert.deepEqual(await Promise.all([a, b]), [1, 2]);
  assert.deepEqual(calls, ['a', 'b']);
});

test('a rejecting fn: every caller sees the error, fn runs once, the next call runs again', async () => {
  await withoutUnhandledRejections(async () => {
    const sf = new SingleFlight();
    const boom = new Error('boom');
    let calls = 0;
    const fn = async () => { calls++; await null; throw boom; };
    const all = Array.from({ length: 1000 }, () => sf.run('k', fn));
    const outcomes = await Promise.allSettled(all);
    assert.equal(calls, 1);
    assert.ok(outcomes.every((o) => o.status === 'rejected' && o.reason === boom));
    assert.equal(sf.inFlight('k'), false);
    await assert.rejects(sf.run('k', fn), boom);
    assert.equal(calls, 2);
  });
});

test('callers that drop a rejected promise cause no unhandled rejection', async () => {
  await withoutUnhandledRejections(async () => {
    const sf = new SingleFlight();
    for (let i = 0; i < 1000; i++) sf.run('k', () => Promise.reject(new Error('dropped')));
    sf.run('sync', () => { throw new Error('dropped too'); });
  });
});

test('a synchronous throw becomes a rejected promise and frees the key', async () => {
  const sf = new SingleFlight();
  const err = new TypeError('sync');
  let p;
  assert.doesNotThrow(() => { p = sf.run('k', () => { throw err; }); });
  assert.equal(sf.inFlight('k'), false);
  await assert.rejects(p, err);
});

test('plain (non-promise) return values are wrapped', async () => {
  const sf = new SingleFlight();
  assert.equal(await sf.run('k', () => 42), 42);
  assert.equal(sf.size, 0);
});

test('the key is free by the time callers continue, so they can start a new flight', async () => {
  const sf = new SingleFlight();
  let calls = 0;
  const first = await sf.run('k', async () => ++calls);
  assert.equal(first, 1);
  assert.equal(sf.inFlight('k'), false);
  const again = sf.run('k', async () => ++calls);
  assert.notEqual(again, undefined);
  assert.equal(await again, 2);
});

test('fn that re-enters run(key) joins its own flight instead of recursing', async () => {
  const sf = new SingleFlight();
  let calls = 0;
  let inner;
  const outer = sf.run('k', () => {
    calls++;
    inner = sf.run('k', () => { calls++; return 'inner'; });
    return 'outer';
  });
  assert.equal(inner, outer);
  assert.equal(await outer, 'outer');
  assert.equal(calls, 1);
});

test('keys compare like Map keys', async () => {
  const sf = new SingleFlight();
  const gate = deferred();
  let calls = 0;
  const p1 = sf.run(NaN, () => { calls++; return gate.promise; });
  const p2 = sf.run(NaN, () => { calls++; return 'other'; });
  const p3 = sf.run('NaN', () => { calls++; return 'string key'; });
  gate.resolve('nan');
  assert.deepEqual(await Promise.all([p1, p2, p3]), ['nan', 'nan', 'string key']);
  assert.equal(calls, 2);
});

test('a non-function is rejected with INVALID_OPTION, never thrown', async () => {
  const sf = new SingleFlight();
  const p = sf.run('k', 'not a function');
  await assert.rejects(p, (e) => e instanceof EdgeCacheError && e.code === 'INVALID_OPTION');
  assert.equal(sf.size, 0);
});
