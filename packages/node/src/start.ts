/**
 * `npm start`: the local stack, as far as it exists today — the proxy
 * re-encryption layer. A patient seals a record key, delegates to a clinic
 * through three proxies (2 of 3), and the clinic opens it; every step is
 * verified and printed. Later issues add the chain, proxies over HTTP,
 * storage and the sites.
 */
import {
  CapsuleFrag,
  encrypt,
  generateKFrags,
  KeyFrag,
  openCapsules,
  reencrypt,
  SecretKey,
  Signer,
} from '@medvault/core/pre';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const step = (text: string) => console.log(`  ✓ ${text}`);

console.log('MedVault local stack — proxy re-encryption (Umbral, secp256k1)\n');
const patient = SecretKey.random();
const clinic = SecretKey.random();
const proxies = ['proxy-a', 'proxy-b', 'proxy-c'];
step(`patient key ${hex(patient.publicKey().toCompressedBytes()).slice(0, 16)}…`);
step(`clinic key  ${hex(clinic.publicKey().toCompressedBytes()).slice(0, 16)}…`);

const record = new TextEncoder().encode(
  JSON.stringify({ resourceType: 'Observation', code: 'HbA1c', value: 6.1, unit: '%' }),
);
const [capsule, ciphertext] = encrypt(patient.publicKey(), record);
step(
  `record sealed to the patient: capsule ${capsule.toBytes().length} B, ciphertext ${ciphertext.length} B`,
);

const signer = new Signer(patient);
const kfrags = generateKFrags(patient, clinic.publicKey(), signer, 2, proxies.length, true, true);
step(`grant: ${kfrags.length} key fragments, threshold 2, signed by the patient`);

// Each proxy receives its fragment as bytes and verifies it before use.
const cfragBytes = kfrags.map((kfrag, i) => {
  const received = KeyFrag.fromBytes(kfrag.toBytes()).verify(
    signer.verifyingKey(),
    patient.publicKey(),
    clinic.publicKey(),
  );
  step(`${proxies[i]} verified its key fragment and re-encrypted the capsule`);
  return reencrypt(capsule, received).toBytes();
});

// The clinic uses any two proxies; here proxy-b is down.
const [plaintext] = openCapsules(clinic, patient.publicKey(), signer.verifyingKey(), [
  {
    capsule,
    cfrags: [cfragBytes[0], cfragBytes[2]].map((b) => CapsuleFrag.fromBytes(b as Uint8Array)),
    ciphertext,
  },
]);
step('clinic verified 2 capsule fragments (proxy-b down) and opened the record:');
console.log(`    ${new TextDecoder().decode(plaintext)}`);

try {
  openCapsules(clinic, patient.publicKey(), signer.verifyingKey(), [
    { capsule, cfrags: [CapsuleFrag.fromBytes(cfragBytes[0] as Uint8Array)], ciphertext },
  ]);
} catch (error) {
  step(`one fragment alone is refused: ${(error as Error).message.split('\n')[0]}`);
}
console.log(
  '\nMore of the stack (chain, HTTP proxies, storage, sites) arrives with the next issues.',
);
