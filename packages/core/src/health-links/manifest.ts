/**
 * The manifest exchange of a SMART Health Link (docs/spec/health-links.md §
 * Manifest): the request a receiver POSTs to the manifest url, the manifest a
 * host answers with, and the 401 body of a wrong passcode. Schemas in zod so
 * a host validates requests with the same rules this library sends them by.
 * Unknown properties are ignored (dropped), as the specification requires.
 */
import { z } from 'zod';
import { ShlInvalidManifestRequestError, ShlMalformedManifestError } from './errors.js';
import { isMediaType } from './jwe.js';
import { isHttpUrl } from './payload.js';

/**
 * The content types of SHL files the specification defines.
 *
 * @example
 * ```ts
 * if (!(SHL_CONTENT_TYPES as readonly string[]).includes(file.contentType)) reject(file);
 * ```
 */
export const SHL_CONTENT_TYPES = [
  'application/smart-health-card',
  'application/smart-api-access',
  'application/fhir+json',
] as const;
/**
 * One of the content types the specification defines.
 *
 * @example
 * ```ts
 * const type: ShlContentType = 'application/fhir+json';
 * ```
 */
export type ShlContentType = (typeof SHL_CONTENT_TYPES)[number];

/**
 * The longest `recipient` MedVault sends or accepts (the specification sets none).
 *
 * @example
 * ```ts
 * input.maxLength = SHL_RECIPIENT_MAX_LENGTH; // the receiver's name field
 * ```
 */
export const SHL_RECIPIENT_MAX_LENGTH = 256;
/**
 * The longest `passcode` MedVault sends or accepts (the specification sets none).
 *
 * @example
 * ```ts
 * if (passcode.length > SHL_PASSCODE_MAX_LENGTH) reply(400);
 * ```
 */
export const SHL_PASSCODE_MAX_LENGTH = 256;

/**
 * The body of a manifest request (zod): `recipient` (required, 1–256
 * characters, not only spaces), `passcode` (when the link has flag P),
 * `embeddedLengthMax` (a non-negative integer). Other properties are dropped.
 *
 * @example
 * ```ts
 * const parsed = manifestRequestSchema.safeParse(await request.json());
 * if (!parsed.success) return reply(400);
 * ```
 */
export const manifestRequestSchema = z.object({
  recipient: z
    .string()
    .max(SHL_RECIPIENT_MAX_LENGTH)
    .refine((r) => r.trim().length > 0, { message: 'recipient must not be blank' }),
  passcode: z.string().max(SHL_PASSCODE_MAX_LENGTH).optional(),
  embeddedLengthMax: z.number().int().nonnegative().optional(),
});

/**
 * A manifest request: who receives (shown to the patient in the access
 * log), the passcode if the link needs one, and how long an embedded file
 * may be.
 *
 * @example
 * ```ts
 * const body: ManifestRequest = { recipient: 'Dr. Rivera, Springfield Clinic', passcode: '7291' };
 * ```
 */
export type ManifestRequest = z.infer<typeof manifestRequestSchema>;

/** The message of the first zod issue, with its path. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

/**
 * Checks a manifest request body (already parsed from JSON) and returns it
 * without unknown properties, or throws `ShlInvalidManifestRequestError`.
 *
 * @example
 * ```ts
 * const { recipient, passcode } = parseManifestRequest(JSON.parse(body)); // host side
 * ```
 */
export function parseManifestRequest(body: unknown): ManifestRequest {
  const parsed = manifestRequestSchema.safeParse(body);
  if (!parsed.success) throw new ShlInvalidManifestRequestError(firstIssue(parsed.error));
  return parsed.data;
}

/**
 * One file of a manifest (zod): `contentType`, exactly one of `embedded`
 * (a compact JWE) or `location` (an http(s) URL the host serves the JWE at),
 * and optionally `lastUpdated`, `status`, `fhirVersion`.
 *
 * @example
 * ```ts
 * shlManifestFileSchema.parse({ contentType: 'application/fhir+json', embedded: jwe });
 * ```
 */
export const shlManifestFileSchema = z
  .object({
    contentType: z.string().refine(isMediaType, { message: 'expected a media type' }),
    embedded: z.string().min(1).optional(),
    location: z.string().refine(isHttpUrl, { message: 'expected an http(s) URL' }).optional(),
    lastUpdated: z.string().optional(),
    status: z.string().optional(),
    fhirVersion: z.string().optional(),
  })
  .refine((f) => (f.embedded === undefined) !== (f.location === undefined), {
    message: 'expected exactly one of embedded and location',
  });

/**
 * One file of a manifest.
 *
 * @example
 * ```ts
 * const file: ShlManifestFile = { contentType: 'application/fhir+json', location: 'https://shl.example.org/f/9Xa…' };
 * ```
 */
export type ShlManifestFile = z.infer<typeof shlManifestFileSchema>;

/**
 * A manifest (zod): `files` (possibly empty when nothing is shared any
 * more), optionally `status` (earlier drafts) and `list` (a FHIR List).
 *
 * @example
 * ```ts
 * const manifest = shlManifestSchema.parse(await response.json());
 * ```
 */
export const shlManifestSchema = z.object({
  files: z.array(shlManifestFileSchema),
  status: z.string().optional(),
  list: z.record(z.string(), z.unknown()).optional(),
});

/**
 * A manifest as a host answers a valid manifest request.
 *
 * @example
 * ```ts
 * const manifest: ShlManifest = { files: [{ contentType: 'application/fhir+json', embedded: jwe }] };
 * ```
 */
export type ShlManifest = z.infer<typeof shlManifestSchema>;

/**
 * Checks a manifest (already parsed from JSON) and returns it without
 * unknown properties, or throws `ShlMalformedManifestError`.
 *
 * @example
 * ```ts
 * const { files } = parseManifest(JSON.parse(text));
 * ```
 */
export function parseManifest(body: unknown): ShlManifest {
  const parsed = shlManifestSchema.safeParse(body);
  if (!parsed.success) throw new ShlMalformedManifestError(firstIssue(parsed.error));
  return parsed.data;
}

/**
 * The body of a 401 answer to a wrong passcode (zod): `remainingAttempts`,
 * the wrong passcodes still accepted before the host disables the link.
 *
 * @example
 * ```ts
 * reply(401, { remainingAttempts: 4 } satisfies PasscodeRejection);
 * ```
 */
export const passcodeRejectionSchema = z.object({
  remainingAttempts: z.number().int().nonnegative(),
});

/**
 * The body of a 401 answer to a wrong passcode.
 *
 * @example
 * ```ts
 * const body: PasscodeRejection = { remainingAttempts: 2 };
 * ```
 */
export type PasscodeRejection = z.infer<typeof passcodeRejectionSchema>;
