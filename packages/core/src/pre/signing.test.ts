import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { getPreBackend, loadedBackends, usePreBackendForTests } from './backend/index.js';
import { SecretKey } from './keys.js';
import { Signature, Signer } from './signing.js';

const N = secp256k1.Point.Fn.ORDER;

const backends = loadedBackends().wasm ? (['wasm', 'noble'] as const) : (['noble'] as const);
const initial = getPreBackend();
afterAll(() => usePreBackendForTests(initial));

// On noble, a key used often verifies through precomputed tables: warm one past the threshold.
describe.each(backends)('on the %s backend', (backend) => {
  test('verification accepts exactly what the library accepts', () => {
    usePreBackendForTests(backend);
    verifiesLikeTheLibrary();
  });
});

function verifiesLikeTheLibrary(): void {
  const sk = SecretKey.random();
  const pk = sk.publicKey();
  const signer = new Signer(sk);
  // warm the key past the table threshold so the tabled path runs
  for (let i = 0; i < 20; i++) signer.sign(Uint8Array.of(i)).verify(pk, Uint8Array.of(i));
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 64 }),
      fc.oneof(
        fc.constant('valid' as const),
        fc.constant('high-s' as const),
        fc.constant('other-message' as const),
        fc.nat(511),
      ),
      (message, change) => {
        let bytes = signer.sign(message).toBEBytes();
        let signed = message;
        if (change === 'high-s') {
          const s = BigInt(`0x${Buffer.from(bytes.subarray(32)).toString('hex')}`);
          bytes = Uint8Array.from([
            ...bytes.subarray(0, 32),
            ...Buffer.from((N - s).toString(16).padStart(64, '0'), 'hex'),
          ]);
        } else if (change === 'other-message') {
          signed = Uint8Array.from([...message, 1]);
        } else if (typeof change === 'number') {
          bytes = Uint8Array.from(bytes);
          bytes[change >> 3]! ^= 1 << (change & 7);
        }
        let ours: boolean;
        try {
          ours = Signature.fromBEBytes(bytes).verify(pk, signed);
        } catch {
          ours = false; // r or s out of range: not a signature at all
        }
        const library = (() => {
          try {
            return secp256k1.verify(bytes, sha256(signed), pk.toCompressedBytes(), {
              prehash: false,
              lowS: true,
            });
          } catch {
            return false;
          }
        })();
        expect(ours).toBe(library);
        if (change === 'valid') expect(ours).toBe(true);
      },
    ),
    { numRuns: 200 },
  );
}
