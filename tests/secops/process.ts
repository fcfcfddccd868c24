// Loa as `npm start` runs it, in a child process, for the crash and full-disk tests.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { CHAT_API_KEY, NO_RATE_LIMITS, startCommand } from '../helpers.ts';

/** Headers of a server-to-server caller of /api/chat, who names the parent (`user`) itself. */
export const AS_TRUSTED_CALLER = { authorization: `Bearer ${CHAT_API_KEY}` };

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface LoaProcess {
  child: ChildProcess;
  port: number;
  url: string;
  exited: Promise<number | null>;
  output(): string;
  alive(): boolean;
}

export async function spawnLoa(env: Record<string, string>): Promise<LoaProcess> {
  const port = await freePort();
  const { nodeArgs, entry } = startCommand();
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    // The tests speak as a trusted caller and send bursts from one address: the key set, the limits lifted.
    env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), CHAT_API_KEY, ...NO_RATE_LIMITS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c, signal) => resolve((code = c ?? (signal ? -1 : null)))));
  return { child, port, url: `http://127.0.0.1:${port}`, exited, output: () => output, alive: () => code === undefined };
}

export async function waitReady(p: LoaProcess, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (!p.alive()) throw new Error(`Loa exited before it was ready:\n${p.output()}`);
    try {
      if ((await fetch(`${p.url}/readyz`)).status === 200) return;
    } catch { /* not listening yet */ }
    if (Date.now() > until) throw new Error(`Loa was not ready in time:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch { /* not JSON */ }
  return { status: res.status, body: parsed };
}

/** Runs one of Loa's scripts (npm run backup, restore…) as a child process: its exit status and output. */
export const cli = (script: string, args: string[], env: Record<string, string>) =>
  new Promise<{ status: number | null; out: string }>((resolve) => {
    const child = spawn(path.resolve('node_modules/.bin/tsx'), [script, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (status) => resolve({ status, out }));
  });
