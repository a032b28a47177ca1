/**
 * Per-client rate limits: token buckets in a bounded map, refused with a
 * typed 429 and `Retry-After` — over real HTTP on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  clientKey,
  RateLimiter,
  type RequestContext,
  type RunningHttpService,
  startHttpService,
  TooManyRequestsError,
} from './index.js';

/** A clock the test moves. */
function clock() {
  const c = { t: 0, now: () => c.t };
  return c;
}

describe('RateLimiter', () => {
  test('a burst, then one request per refill; each key its own bucket', () => {
    const time = clock();
    const limiter = new RateLimiter({ rate: 10, perMs: 60_000, now: time.now }); // 10 a minute
    for (let i = 0; i < 10; i++) limiter.take('a');
    const refused = (() => {
      try {
        limiter.take('a');
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(TooManyRequestsError);
    expect(refused).toMatchObject({
      status: 429,
      code: 'HTTP_RATE_LIMITED',
      retryAfterSeconds: 6,
      headers: { 'retry-after': '6' },
    });
    limiter.take('b'); // another client is not affected
    time.t += 5_999;
    expect(() => limiter.take('a')).toThrow(TooManyRequestsError);
    time.t += 1;
    limiter.take('a'); // one token every 6 s
    expect(() => limiter.take('a')).toThrow(TooManyRequestsError);
    time.t += 60_000;
    for (let i = 0; i < 10; i++) limiter.take('a'); // refilled up to the burst, no more
    expect(() => limiter.take('a')).toThrow(TooManyRequestsError);
  });

  test('memory is bounded: a flood of distinct keys keeps at most maxKeys buckets', () => {
    const time = clock();
    const limiter = new RateLimiter({ rate: 1, burst: 1, maxKeys: 100, now: time.now });
    limiter.take('steady');
    for (let i = 0; i < 10_000; i++) {
      limiter.take(`flood-${i}`);
      if (i % 50 === 0) expect(() => limiter.take('steady')).toThrow(); // seen recently: kept
    }
    expect(limiter.size).toBe(100);
  });

  test('a custom refusal, and options checked', () => {
    const limiter = new RateLimiter({
      rate: 1,
      burst: 1,
      refuse: (s) => new RangeError(`wait ${s}`),
    });
    limiter.take('k');
    expect(() => limiter.take('k')).toThrow('wait 60');
    expect(() => new RateLimiter({ rate: 0 })).toThrow(RangeError);
  });
});

describe('clientKey', () => {
  test.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:0:1:aaaa:bbbb:cccc:dddd', '2001:db8:0:1::/64'],
    ['2001:db8:0:1::9', '2001:db8:0:1::/64'],
    ['2001:DB8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    [undefined, ''],
  ])('%s → %s', (address, key) => {
    expect(clientKey({ socket: { remoteAddress: address } } as never)).toBe(key);
  });
});

describe('over HTTP', () => {
  let service: RunningHttpService;
  beforeAll(async () => {
    const limiter = new RateLimiter({ rate: 3, what: 'greetings' });
    service = await startHttpService({
      name: 'limited',
      routes: [
        {
          method: 'GET',
          path: '/hello',
          handler: (ctx: RequestContext) => {
            limiter.take(clientKey(ctx.req));
            return { json: { hello: clientKey(ctx.req) } };
          },
        },
      ],
      deps: {},
      codes: {
        notFound: 'T_NOT_FOUND',
        tooLarge: 'T_TOO_LARGE',
        badJson: 'T_BAD_JSON',
        internal: 'T_INTERNAL',
      },
      log: () => {},
    });
  });
  afterAll(() => service.close());

  test('past the rate: 429 HTTP_RATE_LIMITED with Retry-After, the message only', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await fetch(`${service.url}/hello`));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(await answers[0]?.json()).toEqual({ hello: '127.0.0.1' });
    const refused = answers[3] as Response;
    expect(refused.headers.get('retry-after')).toBe('20');
    expect(await refused.json()).toEqual({
      error: {
        code: 'HTTP_RATE_LIMITED',
        message: 'too many greetings from this address; retry after 20 s',
      },
    });
  });
});
