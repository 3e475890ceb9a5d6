// The Redis-over-HTTP token never leaks (issue #11): malformed tokens and
// URLs with credentials are refused at construction without repeating them,
// and nothing the cache reports (event messages, causes, rejections) holds
// the token, even when the server echoes the Authorization header back.
// Run against the real redis-server and Upstash-protocol endpoint that
// node.test.mjs starts: `env` is { lib, endpoint(options), t }.

/** Every string reachable from `value` (messages, causes, stacks, fields), for leak checks. */
function allText(value, seen = new Set()) {
  if (value === null || value === undefined || seen.has(value)) return '';
  if (typeof value !== 'object' && typeof value !== 'function') return String(value);
  seen.add(value);
  let out = '';
  if (value instanceof Error) out += `${value.name} ${value.message} ${value.stack ?? ''} `;
  for (const name of Object.getOwnPropertyNames(value)) {
    try {
      out += `${name}=${allText(value[name], seen)} `;
    } catch {
      // an accessor that throws: nothing to read
    }
  }
  if (value instanceof Error && 'cause' in value) out += allText(value.cause, seen);
  return out;
}

const SECRET = 'tok-Secret-4f9a2c';

export const redisTokenCases = [
  {
    name: 'a token holding a newline, CR, NUL or CRLF is refused at construction, unrepeated',
    async run({ lib, endpoint, t }) {
      const { url } = await endpoint();
      for (const [label, token] of [['newline', `${SECRET}\nX-Injected: 1`], ['CR', `${SECRET}\r`],
        ['NUL', `${SECRET}\0`], ['CRLF', `${SECRET}\r\n`]]) {
        const err = t.throws(() => lib.redisHttp({ url, token }), 'INVALID_OPTION', label);
        t.ok(!allText(err).includes(SECRET), `${label}: the token is not in the error`);
      }
    },
  },
  {
    name: 'a URL with credentials or that does not parse is refused at construction, unrepeated',
    async run({ lib, endpoint, t }) {
      const { url } = await endpoint();
      const withCredentials = url.replace('://', `://user:${SECRET}@`);
      let err = t.throws(() => lib.redisHttp({ url: withCredentials, token: SECRET }), 'INVALID_OPTION', 'user:password@');
      t.ok(!allText(err).includes(SECRET), 'credentials not in the error');
      err = t.throws(() => lib.redisHttp({ url: `http://[${SECRET}`, token: SECRET }), 'INVALID_OPTION', 'unparsable');
      t.ok(!allText(err).includes(SECRET), 'the URL is not repeated');
    },
  },
  {
    name: 'a server echoing the Authorization header: no event, cause or rejection holds the token',
    async run({ lib, endpoint, t }) {
      const { url } = await endpoint({ echoAuthorization: true });
      const cache = lib.createCache({ backend: lib.redisHttp({ url, token: SECRET }), retries: 0 });
      const events = [];
      await cache.onEvent((e) => events.push(e));
      await cache.set('k', 'v');
      t.equal(await cache.get('missing'), undefined, 'a miss, not an error');
      t.ok(events.length >= 2, `backend errors reported (${events.length})`);
      t.ok(events.every((e) => /401/.test(e.error.message)), 'the status is kept');
      t.ok(!events.some((e) => allText(e).includes(SECRET)), 'no token in any event');
      t.ok(events.some((e) => allText(e).includes('[redacted]')), 'the echo is there, redacted');
      await cache.close();
    },
  },
];
