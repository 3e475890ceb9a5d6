// An HTTP endpoint speaking the Upstash REST protocol in front of a real
// redis-server, for tests:
// - POST /            body ["CMD", ...args]          -> { result } | { error } (400)
// - POST /pipeline    body [["CMD", ...], ...]       -> [{ result } | { error }, ...]
// - POST /multi-exec  like /pipeline, inside MULTI/EXEC
// - `Authorization: Bearer <token>` is required (401 otherwise). With
//   `echoAuthorization`, the 401's error text quotes the header it got, as
//   some proxies do (the client must not pass that text on).
// - `Upstash-Encoding: base64` in the request: bulk strings in the result are
//   base64-encoded (simple strings such as OK are not), as Upstash does.
// Arguments may be strings, numbers or booleans (sent as their text).
import { createServer } from 'node:http';
import { RespError, SimpleString, respClient } from './resp-client.mjs';

export async function startUpstashEndpoint({ redisPort, token, echoAuthorization = false }) {
  const redis = respClient({ port: redisPort });
  await redis.ready;

  const encode = (value, base64) => {
    if (value instanceof SimpleString) return value.text;
    if (Buffer.isBuffer(value)) return base64 ? value.toString('base64') : value.toString('utf8');
    if (Array.isArray(value)) return value.map((v) => encode(v, base64));
    return value; // number or null
  };
  const run = async (command, base64) => {
    if (!Array.isArray(command) || command.length === 0) return { error: 'ERR command must be a non-empty array' };
    const reply = await redis.send(command.map((a) => (typeof a === 'object' && a !== null ? JSON.stringify(a) : String(a))));
    if (reply instanceof RespError) return { error: reply.message };
    return { result: encode(reply, base64) };
  };

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const reply = (status, body) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${token}`) {
        const echo = echoAuthorization ? ` (got Authorization: ${req.headers.authorization})` : '';
        return reply(401, { error: `Unauthorized${echo}` });
      }
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(400, { error: 'ERR failed to parse JSON body' });
      }
      const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
      const path = new URL(req.url, 'http://x').pathname.replace(/\/+$/, '');
      try {
        if (path === '' || path === '/') {
          const out = await run(body, base64);
          return reply(out.error ? 400 : 200, out);
        }
        if (path === '/pipeline' || path === '/multi-exec') {
          if (!Array.isArray(body)) return reply(400, { error: 'ERR pipeline body must be an array of commands' });
          const multi = path === '/multi-exec';
          if (multi) await redis.send(['MULTI']);
          const outs = await Promise.all(body.map((c) => run(c, base64)));
          if (!multi) return reply(200, outs);
          const exec = await redis.send(['EXEC']);
          if (!Array.isArray(exec)) return reply(400, { error: 'ERR transaction aborted' });
          return reply(200, exec.map((v) => (v instanceof RespError ? { error: v.message } : { result: encode(v, base64) })));
        }
        return reply(404, { error: 'ERR unknown path' });
      } catch (err) {
        return reply(500, { error: `ERR ${err.message}` });
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      redis.close();
    },
  };
}
