/**
 * The two steps of a sign-in that people see: the sign-in form and the
 * consent page, driven by oidc-provider's interactions. Each handler reads
 * the interaction from its cookie (path-scoped, SameSite=Lax), so a form
 * only works in the browser that started the sign-in; posts must come from
 * the portal's own origin. Deny and Cancel answer the app `access_denied`.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody } from '@medvault/node/http';
import { errors } from 'oidc-provider';
import { SignInLimiter } from '../clinic/sign-in-limiter.js';
import type { AuthorizationServer } from './authorization-server.js';
import { consentPage, formTarget, messagePage, type Page, signInPage } from './pages.js';
import type { PatientAccounts } from './patient-accounts.js';
import { SUPPORTED_SCOPES, scopeWords } from './smart-scopes.js';

/**
 * What the interaction handlers use.
 *
 * @example
 * ```ts
 * const deps: InteractionDeps = { auth, accounts, attempts: new SignInLimiter(), origin: portal.url };
 * ```
 */
export type InteractionDeps = {
  auth: AuthorizationServer;
  accounts: PatientAccounts;
  attempts: SignInLimiter;
  /** The portal's origin, the only one its forms may be posted from. */
  origin: string;
};

type Interaction = Awaited<ReturnType<AuthorizationServer['provider']['interactionDetails']>>;

const MAX_FORM = 16 * 1024;
const SUPPORTED = new Set(SUPPORTED_SCOPES);

/**
 * Writes a page with its headers: the one place the portal's pages are sent.
 *
 * @example
 * ```ts
 * sendPage(res, 200, homePage({ fhirBase }));
 * ```
 */
export function sendPage(res: ServerResponse, status: number, page: Page): void {
  res.writeHead(status, {
    ...page.headers,
    'content-length': String(Buffer.byteLength(page.html)),
  });
  res.end(page.html);
}

/** A refusal of an interaction request, shown as a page. */
class PageProblem extends Error {
  readonly status: number;
  readonly page: Page;
  constructor(status: number, title: string, message: string) {
    super(message);
    this.status = status;
    this.page = messagePage(title, message);
  }
}

const EXPIRED = () =>
  new PageProblem(400, 'This sign-in has expired', 'Go back to the app and start again.');

/** The interaction this browser is in, if it is `uid`. */
async function interactionOf(
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
  deps: InteractionDeps,
): Promise<Interaction> {
  try {
    const interaction = await deps.auth.provider.interactionDetails(req, res);
    if (interaction.uid !== uid) throw EXPIRED();
    return interaction;
  } catch (error) {
    if (error instanceof errors.SessionNotFound) throw EXPIRED();
    throw error;
  }
}

async function appName(deps: InteractionDeps, interaction: Interaction): Promise<string> {
  const client = await deps.auth.provider.Client.find(String(interaction.params.client_id));
  return client?.clientName ?? String(interaction.params.client_id);
}

/** A form post from the portal's own pages: same origin, form-encoded, small. */
async function readForm(req: IncomingMessage, deps: InteractionDeps): Promise<URLSearchParams> {
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  if (
    (origin !== undefined && origin !== deps.origin) ||
    (site !== undefined && site !== 'same-origin' && site !== 'none')
  )
    throw new PageProblem(
      403,
      'This form was sent from another site',
      'Sign in on the portal’s own page.',
    );
  if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded'))
    throw new PageProblem(
      415,
      'This form could not be read',
      'Send the form from the portal’s page.',
    );
  return new URLSearchParams((await readBody(req, MAX_FORM)).toString('utf8'));
}

/** The page of the interaction's current step. */
async function stepPage(
  interaction: Interaction,
  deps: InteractionDeps,
  signIn: { username?: string; error?: string } = {},
): Promise<Page> {
  const name = await appName(deps, interaction);
  const returnTo = formTarget(interaction.params.redirect_uri);
  if (interaction.prompt.name === 'login')
    return signInPage({ uid: interaction.uid, appName: name, returnTo, ...signIn });
  const scopes = String(interaction.params.scope ?? '')
    .split(' ')
    .filter((s) => SUPPORTED.has(s));
  const account = deps.accounts.byPatientId(interaction.session?.accountId ?? '');
  return consentPage({
    uid: interaction.uid,
    appName: name,
    patientName: account?.name ?? 'you',
    returnsTo: new URL(String(interaction.params.redirect_uri)).host,
    asks: scopeWords(scopes),
    returnTo,
  });
}

/**
 * A form posted to the step `step` of the interaction: the interaction and
 * the form, or undefined once the current step's page has been answered
 * instead (a form posted again after the sign-in went on, say).
 */
async function postedForm(
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
  deps: InteractionDeps,
  step: 'login' | 'consent' | undefined,
): Promise<{ interaction: Interaction; form: URLSearchParams } | undefined> {
  const interaction = await interactionOf(req, res, uid, deps);
  const form = await readForm(req, deps);
  if (step === undefined || interaction.prompt.name === step) return { interaction, form };
  sendPage(res, 200, await stepPage(interaction, deps));
  return undefined;
}

/** Ends the interaction with `access_denied`: the app hears that the patient said no. */
function refuse(req: IncomingMessage, res: ServerResponse, deps: InteractionDeps, why: string) {
  return deps.auth.provider.interactionFinished(
    req,
    res,
    { error: 'access_denied', error_description: why },
    { mergeWithLastSubmission: false },
  );
}

/**
 * `GET /interaction/{uid}`: the sign-in form or the consent page.
 *
 * @example
 * ```ts
 * await showInteraction(req, res, uid, deps);
 * ```
 */
export async function showInteraction(
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
  deps: InteractionDeps,
): Promise<void> {
  const interaction = await interactionOf(req, res, uid, deps);
  sendPage(res, 200, await stepPage(interaction, deps));
}

/**
 * `POST /interaction/{uid}/login`: checks the username and password (a
 * limited number of wrong tries per username and address), then goes on
 * to consent; a wrong pair shows the form again.
 *
 * @example
 * ```ts
 * await submitSignIn(req, res, uid, deps);
 * ```
 */
export async function submitSignIn(
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
  deps: InteractionDeps,
): Promise<void> {
  const posted = await postedForm(req, res, uid, deps, 'login');
  if (!posted) return;
  const { interaction, form } = posted;
  const username = (form.get('username') ?? '').trim();
  const password = form.get('password') ?? '';
  const key = SignInLimiter.key(username, req.socket.remoteAddress ?? '');
  const wait = deps.attempts.waitMs(key);
  if (wait > 0)
    throw new PageProblem(
      429,
      'Too many tries',
      `Wait ${Math.ceil(wait / 60_000)} minutes before you try to sign in again.`,
    );
  deps.attempts.attempt(key);
  const account = await deps.accounts.check(username, password);
  if (!account)
    return sendPage(
      res,
      401,
      await stepPage(interaction, deps, {
        username,
        error: 'That username and password do not match an account. Check them and try again.',
      }),
    );
  deps.attempts.succeeded(key);
  await deps.auth.provider.interactionFinished(
    req,
    res,
    { login: { accountId: account.patientId } },
    { mergeWithLastSubmission: false },
  );
}

/**
 * `POST /interaction/{uid}/consent` with `decision=allow` or `deny`: Allow
 * grants the scopes asked for (those the portal supports); Deny answers the
 * app `access_denied`.
 *
 * @example
 * ```ts
 * await submitConsent(req, res, uid, deps);
 * ```
 */
export async function submitConsent(
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
  deps: InteractionDeps,
): Promise<void> {
  const posted = await postedForm(req, res, uid, deps, 'consent');
  if (!posted) return;
  const { interaction, form } = posted;
  const decision = form.get('decision');
  if (decision === 'deny') return refuse(req, res, deps, 'The patient did not allow access');
  if (decision !== 'allow')
    throw new PageProblem(400, 'Choose Allow or Deny', 'Go back and choose Allow or Deny.');
  const { provider } = deps.auth;
  const accountId = interaction.session?.accountId;
  if (!accountId) throw EXPIRED();
  const grant = interaction.grantId
    ? await provider.Grant.find(interaction.grantId)
    : new provider.Grant({ accountId, clientId: String(interaction.params.client_id) });
  if (!grant) throw EXPIRED();
  const details = interaction.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {}))
    grant.addResourceScope(indicator, scopes.join(' '));
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { consent: interaction.grantId ? {} : { grantId } },
    { mergeWithLastSubmission: true },
  );
}

/**
 * `POST /interaction/{uid}/abort`: the patient cancels on the sign-in page;
 * the app gets `access_denied`.
 *
 * @example
 * ```ts
 * await abortInteraction(req, res, uid, deps);
 * ```
 */
export async function abortInteraction(
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
  deps: InteractionDeps,
): Promise<void> {
  await postedForm(req, res, uid, deps, undefined);
  await refuse(req, res, deps, 'The patient cancelled the sign-in');
}

/**
 * The page answering anything an interaction handler threw: its own
 * refusals as they are, anything else a 500 (`unexpected`: log it).
 *
 * @example
 * ```ts
 * const { status, page, unexpected } = interactionErrorPage(error);
 * ```
 */
export function interactionErrorPage(error: unknown): {
  status: number;
  page: Page;
  unexpected: boolean;
} {
  if (error instanceof PageProblem)
    return { status: error.status, page: error.page, unexpected: false };
  if (error instanceof BodyTooLargeError)
    return {
      status: 413,
      page: messagePage('This form is too large', 'Send the form from the portal’s page.'),
      unexpected: false,
    };
  return {
    status: 500,
    page: messagePage('Something went wrong', 'Go back to the app and start again.'),
    unexpected: true,
  };
}
