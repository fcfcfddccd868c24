// The real entry point as `npm start` runs it: a child process on a free port.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCommand, tempDir } from '../helpers.ts';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function run(env: Record<string, string>) {
  const { nodeArgs, entry } = startCommand();
  const child = spawn(process.execPath, [...nodeArgs, entry], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function waitFor(url: string, ms = 15_000): Promise<Response> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return res;
    } catch { /* not listening yet */ }
    if (Date.now() > until) throw new Error(`${url} did not answer 200`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('npm start', () => {
  it('serves the demo school, chats in both languages, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const dataDir = tempDir();
    const proc = run({ PORT: String(port), DATA_DIR: dataDir, HOST: '127.0.0.1' });
    try {
      await waitFor(`http://127.0.0.1:${port}/healthz`);
      await waitFor(`http://127.0.0.1:${port}/readyz`);
      const chat = async (text: string) => {
        const res = await fetch(`http://127.0.0.1:${port}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: `e2e-${text}`, text }) });
        return ((await res.json()) as { replies: { text: string }[] }).replies[0].text;
      };
      expect(await chat('xin chào')).toMatch(/^Xin chào/);
      expect(await chat('hello')).toMatch(/^Hello/);
      expect(fs.existsSync(path.join(dataDir, 'loa.db'))).toBe(true);
    } finally {
      proc.child.kill('SIGTERM');
    }
    expect(await proc.exited).toBe(0);
    expect(proc.output()).toContain('stopped');
  });

  it('exits at start with a message naming the path when the store cannot be opened', async () => {
    const blocker = path.join(tempDir(), 'file');
    fs.writeFileSync(blocker, '');
    const proc = run({ PORT: String(await freePort()), DATA_DIR: path.join(blocker, 'data') });
    expect(await proc.exited).toBe(3);
    expect(proc.output()).toContain(`Cannot open the SQLite store at ${path.join(blocker, 'data', 'loa.db')}`);
  });

  it('exits with a message naming the variable when the configuration is wrong', async () => {
    const proc = run({ PORT: 'not-a-port', STORE: 'postgres' });
    expect(await proc.exited).toBe(2);
    expect(proc.output()).toMatch(/PORT: Expected number/);
    expect(proc.output()).toMatch(/STORE: Invalid enum value/);
  });
});
