// fhirclient reaches this only where globalThis.crypto is missing, which no
// supported runtime is: say so rather than fail somewhere obscure.
if (!globalThis.crypto?.subtle) {
  throw new Error(
    'WebCrypto (globalThis.crypto.subtle) is required: use Node 20+ or a current browser',
  );
}
exports.default = globalThis.crypto;
