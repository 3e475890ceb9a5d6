// Before/after figures of issue #11's API findings, for the closing note (not a
// test: times vary; the hostile suite asserts on work done). One scenario per
// process, since wasm memory never shrinks:
//   node tests/hostile/measure-api.mjs <pkg dir, e.g. $PWD/pkg> <scenario>
// scenarios: glob has-20M-key value-100MiB string-100M refs-2^25 sparse-2^32
//   surrogates overwrite getter-error options-getter hung-loader
//   hung-loader-default reentry
const [pkgDir, scenario] = process.argv.slice(2);
const lib = await import(`${pkgDir}/entry/node.js`);
const MB = (n) => (n / 1048576).toFixed(1) + ' MiB';
const before = lib.wasmMemoryBytes();
const t0 = performance.now();
let note = '';
const c = lib.createCache({ maxEntries: 20000, maxBytes: 64 << 20 });
try {
  switch (scenario) {
    case 'glob': {
      for (let i = 0; i < 10000; i++) await c.set(String(i).padStart(5, '0') + 'a'.repeat(1015), 1);
      const t = performance.now();
      const n = await c.countMatching('*' + 'a'.repeat(510) + 'b*');
      note = `countMatching=${n} in ${(performance.now() - t).toFixed(0)} ms`;
      break;
    }
    case 'has-20M-key':
      note = String(await c.has('k'.repeat(20_000_000)).catch((e) => e.code));
      break;
    case 'value-100MiB':
      await c.set('k', 'v');
      note = String(await c.set('k', new Uint8Array(100 << 20)).catch((e) => e.code));
      note += ' old value: ' + (await c.get('k'));
      break;
    case 'string-100M':
      note = String(await c.set('k', 'x'.repeat(100 << 20)).catch((e) => e.code));
      break;
    case 'refs-2^25': {
      const o = { a: 'x' };
      const v = new Array(2 ** 25).fill(o);
      const t = performance.now();
      note = String(await c.set('k', v).catch((e) => e.code)) + ` set took ${(performance.now() - t).toFixed(0)} ms`;
      break;
    }
    case 'sparse-2^32': {
      const a = [];
      a[0] = 1;
      a[2 ** 32 - 2] = 2;
      note = String(await c.set('k', a).catch((e) => e.code));
      const back = await c.get('k');
      note += ` back.length=${back?.length} last=${back?.[2 ** 32 - 2]}`;
      break;
    }
    case 'surrogates':
      await c.set('x\uD800', 1).catch((e) => (note += e.code + ' '));
      await c.set('x\uDBFF', 2).catch((e) => (note += e.code + ' '));
      await c.set('x\uFFFD', 3);
      note += `get(x\\uD800)=${await c.get('x\uD800').catch((e) => e.code)} entries=${(await c.stats()).entries}`;
      break;
    case 'overwrite':
      await c.set('k', 'old');
      note = await c.set('k', 1, { ttl: -5 }).catch((e) => e.code);
      note += ` then get=${await c.get('k')}`;
      break;
    case 'getter-error':
      note = await c.set('k', { get a() { throw new TypeError('boom'); } }).catch((e) => `${e.code} ${e.message}`);
      break;
    case 'options-getter':
      try { lib.createCache({ get maxEntries() { throw new Error('boom'); } }); } catch (e) { note = e.code; }
      break;
    case 'hung-loader': {
      const first = c.getOrSet('h', () => new Promise(() => {}), { loaderTimeout: 200 }).catch((e) => e.code);
      await c.delete('h');
      const second = await Promise.race([c.getOrSet('h', () => 'v2').catch((e) => e.code), new Promise((r) => setTimeout(() => r('still hanging after 2 s'), 2000))]);
      note = `first=${await Promise.race([first, new Promise((r) => setTimeout(() => r('hanging'), 10))])} second=${second}`;
      break;
    }
    case 'hung-loader-default': {
      const first = c.getOrSet('h', () => new Promise(() => {})).catch((e) => e.code);
      await c.delete('h');
      const t = performance.now();
      const second = await Promise.race([c.getOrSet('h', () => 'v2').catch((e) => e.code), new Promise((r) => setTimeout(() => r('still hanging after 15 s'), 15000))]);
      note = `after delete, second caller: ${second} after ${(performance.now() - t).toFixed(0)} ms; first=${await Promise.race([first, new Promise((r) => setTimeout(() => r('hanging'), 10))])}`;
      break;
    }
    case 'reentry': {
      const r = await Promise.race([
        c.getOrSet('r', () => c.getOrSet('r', () => 1)).catch((e) => e.code),
        new Promise((res) => setTimeout(() => res('deadlocked after 2 s'), 2000)),
      ]);
      note = String(r);
      break;
    }
    default: throw new Error('unknown scenario ' + scenario);
  }
} catch (e) {
  note = 'THREW ' + (e?.code ?? '') + ' ' + e?.message;
}
const ms = performance.now() - t0;
console.log(`${scenario}: ${ms.toFixed(0)} ms, wasm memory ${MB(before)} -> ${MB(lib.wasmMemoryBytes())}; ${note}`);
process.exit(0);
