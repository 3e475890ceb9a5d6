// Starts a throwaway redis-server on a free loopback port (no persistence)
// and stops it by its pid.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { respClient } from './resp-client.mjs';

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startRedis() {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (let i = 0; ; i++) {
    try {
      const probe = respClient({ port });
      await probe.ready;
      probe.close();
      break;
    } catch (err) {
      if (i > 100 || child.exitCode !== null) {
        process.kill(child.pid);
        throw new Error(`redis-server did not start on port ${port}: ${err.message}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    port,
    async stop() {
      if (child.exitCode === null) process.kill(child.pid, 'SIGTERM');
      await exited;
    },
  };
}
