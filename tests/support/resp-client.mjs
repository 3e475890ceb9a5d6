// A minimal RESP2 client over one TCP socket (node:net): commands are sent as
// arrays of bulk strings, replies parsed incrementally and matched to callers
// in order (Redis answers pipelined commands in order). Enough for the
// Upstash endpoint in front of a test redis-server; not a general client.
import { connect } from 'node:net';

const CRLF = Buffer.from('\r\n');

/** A RESP error reply (`-ERR ...`), kept distinct from transport failures. */
export class RespError extends Error {}

/** Marks a simple-string reply (+OK), which Upstash leaves unencoded. */
export class SimpleString {
  constructor(text) {
    this.text = text;
  }
}

export function respClient({ host = '127.0.0.1', port }) {
  const socket = connect({ host, port });
  socket.setNoDelay(true);
  const waiting = [];
  let buffer = Buffer.alloc(0);
  let failure;
  const ready = new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });

  socket.on('data', (chunk) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    for (;;) {
      const parsed = parse(buffer, 0);
      if (parsed === undefined) break;
      buffer = buffer.subarray(parsed.end);
      const next = waiting.shift();
      if (next) next(parsed.value);
    }
  });
  const failAll = (err) => {
    failure = err;
    for (const next of waiting.splice(0)) next(err instanceof Error ? err : new Error(String(err)), true);
  };
  socket.on('error', failAll);
  socket.on('close', () => failAll(new Error('redis connection closed')));

  return {
    ready,
    /** Sends one command (array of strings/Buffers); resolves to its reply (RespError for -ERR). */
    send(args) {
      if (failure) return Promise.reject(failure);
      const parts = [Buffer.from(`*${args.length}\r\n`)];
      for (const arg of args) {
        const bytes = Buffer.isBuffer(arg) ? arg : Buffer.from(String(arg));
        parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
      }
      return new Promise((resolve, reject) => {
        waiting.push((value, transport) => (transport ? reject(value) : resolve(value)));
        socket.write(Buffer.concat(parts));
      });
    },
    close() {
      socket.end();
    },
  };
}

// Parses one reply starting at `at`: { value, end }, or undefined if incomplete.
function parse(buf, at) {
  const lineEnd = buf.indexOf(CRLF, at);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buf[at]);
  const line = buf.toString('utf8', at + 1, lineEnd);
  const after = lineEnd + 2;
  switch (type) {
    case '+': return { value: new SimpleString(line), end: after };
    case '-': return { value: new RespError(line), end: after };
    case ':': return { value: Number(line), end: after };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, end: after };
      if (buf.length < after + len + 2) return undefined;
      return { value: buf.subarray(after, after + len), end: after + len + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: after };
      const items = [];
      let end = after;
      for (let i = 0; i < count; i++) {
        const item = parse(buf, end);
        if (item === undefined) return undefined;
        items.push(item.value);
        end = item.end;
      }
      return { value: items, end };
    }
    default:
      throw new Error(`unexpected RESP type byte ${buf[at]}`);
  }
}
