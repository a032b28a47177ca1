import { afterEach, describe, expect, test, vi } from 'vitest';
import type { ProviderRpcError } from '../shared/rpc-error.js';
import { ConsentQueue, type PendingPrompt } from './consent-queue.js';

function setup(timeoutMs = 60_000) {
  const shown: PendingPrompt[] = [];
  const hidden: PendingPrompt[] = [];
  const queue = new ConsentQueue({
    show: (p) => void shown.push(p),
    hide: (p) => void hidden.push(p),
    timeoutMs: () => timeoutMs,
  });
  return { queue, shown, hidden };
}

const settle = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ value }),
    (error: ProviderRpcError) => ({ code: error.code, message: error.message }),
  );

afterEach(() => vi.useRealTimers());

describe('consent queue', () => {
  test('one prompt at a time, in arrival order; approve runs the action', async () => {
    const { queue, shown, hidden } = setup();
    const first = settle(queue.ask('share', 'https://a.example', { n: 1 }, async () => 'grant-1'));
    const second = settle(queue.ask('share', 'https://b.example', { n: 2 }, async () => 'grant-2'));
    expect(shown.map((p) => p.origin)).toEqual(['https://a.example']);
    expect(queue.size).toBe(2);
    expect(await queue.decide(shown[0]?.id as string, true)).toEqual({ ok: true });
    expect(await first).toEqual({ value: 'grant-1' });
    // an approved share keeps its window: the page says what was shared, then closes itself
    expect(hidden).toHaveLength(0);
    expect(shown.map((p) => p.origin)).toEqual(['https://a.example', 'https://b.example']);
    // an answer for a prompt that is not on screen is refused
    expect(await queue.decide(shown[0]?.id as string, true)).toMatchObject({ ok: false });
    await queue.decide(shown[1]?.id as string, false);
    expect(await second).toMatchObject({ code: 4001, message: expect.stringMatching(/denied/) });
    expect(queue.size).toBe(0);
  });

  test('an approved connect closes its window at once; an approved share passes the edits to its action', async () => {
    const { queue, shown, hidden } = setup();
    const connected = settle(queue.ask('connect', 'https://a.example', {}, async () => 'ok'));
    await queue.decide(shown[0]?.id as string, true);
    expect(await connected).toEqual({ value: 'ok' });
    expect(hidden.map((p) => p.kind)).toEqual(['connect']);
    const shared = settle(
      queue.ask('share', 'https://a.example', {}, async (edits) => ({ edits })),
    );
    await queue.decide(shown[1]?.id as string, true, { categories: ['laboratory'] });
    expect(await shared).toEqual({ value: { edits: { categories: ['laboratory'] } } });
  });

  test('closing the window denies; a failing action reports to the prompt and the page', async () => {
    const { queue, shown } = setup();
    const closed = settle(queue.ask('connect', 'https://a.example', {}, async () => 'x'));
    queue.dismissed(shown[0]?.id as string);
    expect(await closed).toMatchObject({ code: 4001, message: expect.stringMatching(/closed/) });
    const failing = settle(
      queue.ask('share', 'https://a.example', {}, async () => {
        throw new Error('proxy http://p down');
      }),
    );
    const outcome = await queue.decide(shown[1]?.id as string, true);
    expect(outcome).toMatchObject({
      ok: false,
      message: expect.stringMatching(/proxy http:\/\/p down/),
    });
    expect(await failing).toMatchObject({ code: -32603 });
  });

  test('a prompt left unanswered times out with 4001 and the next one shows', async () => {
    vi.useFakeTimers();
    const { queue, shown, hidden } = setup(1000);
    const first = settle(queue.ask('share', 'https://a.example', {}, async () => 1));
    const second = settle(queue.ask('share', 'https://a.example', {}, async () => 2));
    await vi.advanceTimersByTimeAsync(1001);
    expect(await first).toMatchObject({ code: 4001, message: expect.stringMatching(/in time/) });
    expect(hidden).toHaveLength(1);
    expect(shown).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1001);
    expect(await second).toMatchObject({ code: 4001 });
  });

  test('a site cannot flood the patient: three pending per origin', async () => {
    const { queue } = setup();
    for (let i = 0; i < 3; i++)
      void queue.ask('share', 'https://a.example', {}, async () => i).catch(() => {});
    expect(await settle(queue.ask('share', 'https://a.example', {}, async () => 4))).toMatchObject({
      code: -32002,
    });
    // another origin still gets in line
    const other = queue.ask('connect', 'https://b.example', {}, async () => 'ok');
    expect(queue.size).toBe(4);
    queue.clear('reset');
    expect(await settle(other)).toMatchObject({ code: 4001, message: 'reset' });
  });

  test('unlock prompts resolve when the wallet unlocks', async () => {
    const { queue } = setup();
    const waiting = settle(queue.ask('unlock', 'https://a.example', {}, async () => undefined));
    const share = queue.ask('share', 'https://a.example', {}, async () => 'g');
    await queue.unlocked();
    expect(await waiting).toEqual({ value: undefined });
    expect(queue.current()?.kind).toBe('share');
    queue.clear('done');
    await share.catch(() => {});
  });
});
