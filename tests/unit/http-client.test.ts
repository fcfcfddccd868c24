// The platform clients' way out, over real HTTP to a fake server: answers, failures, and a thread
// that stops with calls in flight.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NetworkError, requestJson, stopHttpThread } from '../../src/channels/http-client.ts';
import { FakePlatform } from '../fakes/fake-platform.ts';

describe('HTTP client', () => {
  let platform: FakePlatform;
  beforeEach(async () => {
    platform = await new FakePlatform()
      .on('/ok', (req) => ({ body: { echo: req.body, header: req.headers['x-test'] } }))
      .on('/denied', { status: 400, body: { error: { code: 190 } } })
      .start();
  });
  afterEach(() => platform.stop());

  it('sends the body and headers and returns the status with the parsed answer', async () => {
    const res = await requestJson(`${platform.url}/ok?x=1`, { headers: { 'content-type': 'application/json', 'x-test': 'y' }, body: '{"a":"ộ"}' });
    expect(res).toEqual({ status: 200, json: { echo: { a: 'ộ' }, header: 'y' } });
    expect(platform.requests[0].query.get('x')).toBe('1');
    expect(await requestJson(`${platform.url}/denied`)).toEqual({ status: 400, json: { error: { code: 190 } } });
  });

  it('answers many calls at once, each with its own answer', async () => {
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) =>
      requestJson(`${platform.url}/ok`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ i }) })));
    expect(answers.map((a) => (a.json as { echo: { i: number } }).echo.i)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('turns a refused connection and a slow server into network errors', async () => {
    await platform.stop();
    await expect(requestJson(`${platform.url}/ok`)).rejects.toBeInstanceOf(NetworkError);
    platform = await new FakePlatform().on('/slow', { body: {} }).start();
    platform.delayMs = 500;
    await expect(requestJson(`${platform.url}/slow`, { timeoutMs: 50 })).rejects.toThrow(/timeout/);
  });

  it('fails the calls in flight when its thread stops, and starts a new thread for the next call', async () => {
    platform.delayMs = 300;
    const inFlight = requestJson(`${platform.url}/ok`);
    await new Promise((r) => setTimeout(r, 100));
    await stopHttpThread();
    await expect(inFlight).rejects.toBeInstanceOf(NetworkError);
    platform.delayMs = 0;
    expect((await requestJson(`${platform.url}/ok`)).status).toBe(200);
    // A call made while the old thread is still stopping goes to the new thread, and is answered.
    const stopping = stopHttpThread();
    const next = requestJson(`${platform.url}/ok`);
    await stopping;
    expect((await next).status).toBe(200);
  });
});
