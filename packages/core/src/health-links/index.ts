/**
 * `@medvault/core/health-links` — HL7 SMART Health Links (SHL), both sides,
 * in browsers and Node: link payloads (`shlink:/…`), their files as JWE, the
 * manifest exchange, a receiver (`resolveLink`) and helpers for hosts and
 * the tools that make links. Byte formats and vectors:
 * docs/spec/health-links.md.
 * @module
 */
export * from './errors.js';
export {
  type FhirResource,
  type PdfDocumentOptions,
  pdfAsDocumentReference,
} from './fhir.js';
export {
  type DecryptedFile,
  type DecryptFileOptions,
  decryptFile,
  type EncryptFileOptions,
  encryptFile,
  isMediaType,
  maxJweLength,
  SHL_DEFAULT_MAX_FILE_BYTES,
} from './jwe.js';
export {
  type ManifestRequest,
  manifestRequestSchema,
  type PasscodeRejection,
  parseManifest,
  parseManifestRequest,
  passcodeRejectionSchema,
  SHL_CONTENT_TYPES,
  SHL_PASSCODE_MAX_LENGTH,
  SHL_RECIPIENT_MAX_LENGTH,
  type ShlContentType,
  type ShlManifest,
  type ShlManifestFile,
  shlManifestFileSchema,
  shlManifestSchema,
} from './manifest.js';
export {
  type DecodeLinkOptions,
  decodeLink,
  type EncodeLinkOptions,
  encodeLink,
  hasFlag,
  isHttpUrl,
  manifestUrl,
  newLinkId,
  newLinkKey,
  SHL_FLAGS,
  SHL_LABEL_MAX_LENGTH,
  SHL_LINK_MAX_LENGTH,
  SHL_URL_MAX_LENGTH,
  type ShlFlag,
  type ShlPayload,
  shlPayloadSchema,
} from './payload.js';
export {
  type ResolveLinkOptions,
  resolveLink,
  SHL_DEFAULT_MAX_TOTAL_BYTES,
  type ShlResolved,
  type ShlResolvedFile,
} from './resolve.js';
