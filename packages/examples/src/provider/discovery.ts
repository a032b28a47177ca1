/**
 * What a client learns before it signs anyone in: the SMART configuration
 * (`{fhirBase}/.well-known/smart-configuration`, SMART App Launch 2.x) and
 * the CapabilityStatement (`{fhirBase}/metadata`) with the SMART security
 * extension naming the OAuth endpoints, as certified EHRs publish them.
 * @module
 */
import { COMPARTMENT_TYPES, SHARED_TYPES } from './resource-types.js';
import { SUPPORTED_SCOPES } from './smart-scopes.js';

/**
 * The portal's addresses, as discovery documents name them.
 *
 * @example
 * ```ts
 * const endpoints: PortalEndpoints = { issuer: url, fhirBase: `${url}/fhir`, authorization: `${url}/auth`, token: `${url}/token`, revocation: `${url}/token/revocation`, jwks: `${url}/jwks`, userinfo: `${url}/me` };
 * ```
 */
export type PortalEndpoints = {
  issuer: string;
  fhirBase: string;
  authorization: string;
  token: string;
  revocation: string;
  jwks: string;
  userinfo: string;
  /** Present when dynamic client registration is on. */
  registration?: string;
};

/**
 * The SMART capabilities the portal has: standalone launch by a public
 * client into the signed-in patient's record, patient-level scopes (v1 and
 * v2 grammar), refresh tokens, OpenID Connect.
 *
 * @example
 * ```ts
 * SMART_CAPABILITIES.includes('launch-standalone'); // true
 * ```
 */
export const SMART_CAPABILITIES = [
  'launch-standalone',
  'client-public',
  'context-standalone-patient',
  'permission-patient',
  'permission-offline',
  'permission-online',
  'permission-v1',
  'permission-v2',
  'sso-openid-connect',
  'authorize-post',
] as const;

/**
 * `GET {fhirBase}/.well-known/smart-configuration`.
 *
 * @example
 * ```ts
 * smartConfiguration(endpoints).code_challenge_methods_supported; // ['S256']
 * ```
 */
export function smartConfiguration(endpoints: PortalEndpoints) {
  return {
    issuer: endpoints.issuer,
    jwks_uri: endpoints.jwks,
    authorization_endpoint: endpoints.authorization,
    token_endpoint: endpoints.token,
    token_endpoint_auth_methods_supported: ['none'],
    revocation_endpoint: endpoints.revocation,
    userinfo_endpoint: endpoints.userinfo,
    ...(endpoints.registration ? { registration_endpoint: endpoints.registration } : {}),
    grant_types_supported: ['authorization_code', 'refresh_token'],
    response_types_supported: ['code'],
    scopes_supported: SUPPORTED_SCOPES,
    code_challenge_methods_supported: ['S256'],
    capabilities: SMART_CAPABILITIES,
  };
}

const SEARCH_PARAMS = [
  { name: '_id', type: 'token' },
  { name: '_lastUpdated', type: 'date' },
];

/**
 * `GET {fhirBase}/metadata`: what the API serves (read and search of each
 * type, `_lastUpdated`, `_count`, `_sort`), JSON only, and how to get a token.
 *
 * @example
 * ```ts
 * capabilityStatement(endpoints, software).rest[0].security.service[0].coding[0].code; // 'SMART-on-FHIR'
 * ```
 */
export function capabilityStatement(
  endpoints: PortalEndpoints,
  software: { name: string; startedAt: string },
) {
  const oauthUris = [
    { url: 'authorize', valueUri: endpoints.authorization },
    { url: 'token', valueUri: endpoints.token },
    { url: 'revoke', valueUri: endpoints.revocation },
    ...(endpoints.registration ? [{ url: 'register', valueUri: endpoints.registration }] : []),
  ];
  const searchable = [...COMPARTMENT_TYPES, ...SHARED_TYPES].map((type) => ({
    type,
    interaction: [{ code: 'read' }, { code: 'search-type' }],
    versioning: 'versioned',
    readHistory: false,
    searchParam: [
      ...SEARCH_PARAMS,
      ...(type === 'Patient' || type === 'Practitioner' || type === 'Organization'
        ? []
        : [{ name: 'patient', type: 'reference' }]),
    ],
  }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: software.startedAt,
    publisher: 'MedVault examples',
    kind: 'instance',
    software: { name: software.name },
    implementation: { description: software.name, url: endpoints.fhirBase },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        security: {
          cors: true,
          service: [
            {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
                  code: 'SMART-on-FHIR',
                  display: 'SMART-on-FHIR',
                },
              ],
              text: 'OAuth 2.0 authorisation code flow with PKCE (SMART App Launch)',
            },
          ],
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: oauthUris,
            },
          ],
        },
        resource: [...searchable, { type: 'Binary', interaction: [{ code: 'read' }] }],
      },
    ],
  };
}
