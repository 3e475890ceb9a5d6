// redisHttp({ url, token }) | redisHttp(upstashClient): Redis over HTTP in
// the Upstash REST protocol (any compatible endpoint).
//
// - Commands are JSON arrays POSTed to the base URL (`["SET", k, v, "PX", ms]`),
//   batches go to `/pipeline`; auth is `Authorization: Bearer <token>`.
// - Values are stored base64-encoded (JSON bodies are not binary-safe); the
//   size limit is lowered so an encoded value still fits Upstash's 1 MiB request.
// - Leases: `SET k v PX ms NX`. Listing: `SCAN cursor MATCH <escaped prefix>* COUNT 1000`.
// - Errors: no HTTP answer (network), 429 and 5xx are transient; other 4xx and
//   Redis errors are permanent; an unreadable body is transient. Messages hold
//   the status and the service's error text, never the token.
// - An `@upstash/redis` client may be passed instead of { url, token }; its
//   automatic deserialisation is harmless because values are base64 text.
// - The token never leaks: one with a control character (newline, CR, NUL:
//   header injection, and hosts echo such values in their errors) and a URL
//   carrying credentials are refused at construction (INVALID_OPTION, the
//   value not repeated); every error thrown has the token redacted by value,
//   including a server's echo of the Authorization header (./redact.js).

import { EdgeCacheError } from '../errors.js';
import { BackendError, classify, kindOfStatus } from './errors.js';
import { fromBase64, toBase64 } from './base64.js';
import { redactor } from './redact.js';

// The core preset already allows for the base64 encoding inside a 1 MiB body.
const CAPS = { preset: 'redis-http' };

export function redisHttp(config, options = {}) {
  const send = isUpstashClient(config) ? viaClient(config) : viaFetch(config, options);
  const decode = (text, key) => {
    if (text === null || text === undefined) return undefined;
    try {
      return fromBase64(String(text));
    } catch (err) {
      // Not ours (written by something else): the core treats garbage as corrupt;
      // unreadable text is reported as a permanent error for this key.
      throw new BackendError('permanent', `value of ${JSON.stringify(key).slice(0, 80)} is not base64`, { cause: err });
    }
  };
  const setCommand = (key, value, ttlMs) => (
    ttlMs === undefined ? ['SET', key, toBase64(value)] : ['SET', key, toBase64(value), 'PX', String(ttlMs)]
  );
  return {
    name: 'redis-http',
    caps: CAPS,
    async get(key) {
      return decode(await send.one(['GET', key]), key);
    },
    async set(key, value, ttlMs) {
      await send.one(setCommand(key, value, ttlMs));
    },
    async delete(key) {
      await send.one(['DEL', key]);
    },
    async getMany(keys) {
      const values = await send.one(['MGET', ...keys]);
      if (!Array.isArray(values) || values.length !== keys.length) {
        throw new BackendError('transient', 'MGET answered with the wrong shape');
      }
      return values.map((v, i) => decode(v, keys[i]));
    },
    async setMany(items, ttlMs) {
      await send.many(items.map(([key, value]) => setCommand(key, value, ttlMs)));
    },
    async deleteMany(keys) {
      await send.one(['DEL', ...keys]);
    },
    async listKeys(prefix) {
      const match = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
      const keys = [];
      let cursor = '0';
      do {
        const answer = await send.one(['SCAN', cursor, 'MATCH', match, 'COUNT', '1000']);
        if (!Array.isArray(answer) || answer.length !== 2 || !Array.isArray(answer[1])) {
          throw new BackendError('transient', 'SCAN answered with the wrong shape');
        }
        cursor = String(answer[0]);
        keys.push(...answer[1].map(String));
      } while (cursor !== '0');
      return [...new Set(keys)]; // SCAN may repeat keys
    },
    async setIfAbsent(key, value, ttlMs) {
      const answer = await send.one([...setCommand(key, value, ttlMs), 'NX']);
      return answer === 'OK';
    },
  };
}

function isUpstashClient(config) {
  return config !== null && typeof config === 'object' && typeof config.pipeline === 'function'
    && typeof config.get === 'function';
}

const invalid = (message) => new EdgeCacheError('INVALID_OPTION', `redisHttp: ${message}`);
// Control characters and anything a header value cannot hold.
const BAD_TOKEN = /[\u0000-\u001f\u007f]|[^\u0000-\u00ff]/;

/** The base URL, refused (without repeating it) when it does not parse or holds credentials. */
function checkedBase(url) {
  if (typeof url !== 'string' || url === '') throw invalid('needs { url, token } or an @upstash/redis client');
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('`url` is not a valid URL');
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw invalid('`url` must not carry credentials (user:password@); pass the token as `token`');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw invalid('`url` must be http(s)');
  return url.replace(/\/+$/, '');
}

function checkedToken(token) {
  if (token === undefined || token === null || token === '') return undefined;
  if (typeof token !== 'string') throw invalid('`token` must be a string');
  if (BAD_TOKEN.test(token)) throw invalid('`token` holds a control character (newline, CR, NUL) or a non-Latin-1 character');
  return token;
}

function viaFetch(config, options) {
  const { url, token: given } = config ?? {};
  const base = checkedBase(url);
  const token = checkedToken(given);
  const fetchFn = options.fetch ?? globalThis.fetch;
  const headers = { 'Content-Type': 'application/json' };
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  const redact = redactor(token);

  async function post(path, body) {
    try {
      return await postOnce(path, body);
    } catch (err) {
      throw redact(err);
    }
  }

  async function postOnce(path, body) {
    let response;
    try {
      response = await fetchFn(base + path, { method: 'POST', headers, body: JSON.stringify(body) });
    } catch (err) {
      throw classify(err, 'transient', 'redis-http request failed');
    }
    let parsed;
    try {
      parsed = await response.json();
    } catch (err) {
      throw new BackendError(kindOfStatus(response.ok ? undefined : response.status),
        `redis-http: unreadable answer (HTTP ${response.status})`, { cause: err, status: response.status });
    }
    if (!response.ok) {
      const text = parsed && typeof parsed.error === 'string' ? `: ${parsed.error}` : '';
      throw new BackendError(kindOfStatus(response.status), `redis-http: HTTP ${response.status}${text}`, { status: response.status });
    }
    return parsed;
  }
  const result = (answer) => {
    if (answer === null || typeof answer !== 'object') throw new BackendError('transient', 'redis-http: malformed answer');
    // A Redis error text may quote what it was sent.
    if (typeof answer.error === 'string') throw redact(new BackendError('permanent', `redis: ${answer.error}`));
    return answer.result;
  };
  return {
    one: async (command) => result(await post('', command)),
    many: async (commands) => {
      const answers = await post('/pipeline', commands);
      if (!Array.isArray(answers) || answers.length !== commands.length) {
        throw new BackendError('transient', 'redis-http: malformed pipeline answer');
      }
      return answers.map(result);
    },
  };
}

function viaClient(client) {
  // The client's own errors carry no kind: treat them as transient (network-like).
  const run = async (fn) => {
    try {
      return await fn();
    } catch (err) {
      throw classify(err, 'transient', 'upstash client');
    }
  };
  const one = (command) => run(() => dispatch(client, command));
  return {
    one,
    many: (commands) => run(async () => {
      const pipe = client.pipeline();
      for (const command of commands) dispatch(pipe, command);
      return pipe.exec();
    }),
  };
}

// The few commands this adapter sends, as client method calls.
function dispatch(target, [name, ...args]) {
  switch (name) {
    case 'GET': return target.get(args[0]);
    case 'DEL': return target.del(...args);
    case 'MGET': return target.mget(...args);
    case 'SCAN': return target.scan(args[0], { match: args[2], count: Number(args[4]) });
    case 'SET': {
      const [key, value, ...rest] = args;
      const opts = {};
      for (let i = 0; i < rest.length; i++) {
        if (rest[i] === 'PX') opts.px = Number(rest[++i]);
        else if (rest[i] === 'NX') opts.nx = true;
      }
      return target.set(key, value, Object.keys(opts).length ? opts : undefined);
    }
    default: throw new BackendError('unsupported', `command ${name}`);
  }
}
