import { randomFillSync } from 'node:crypto';

/** `n` random bytes of any size (WebCrypto's getRandomValues stops at 64 KiB). */
export function randomData(n: number): Uint8Array<ArrayBuffer> {
  return randomFillSync(new Uint8Array(n));
}
