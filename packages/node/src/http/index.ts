/**
 * The small HTTP kit every MedVault server stands on: a table of routes to
 * named handlers, body limits, one error→status mapping, listen and a
 * graceful shutdown. `node:http` underneath, nothing else.
 *
 * @example
 * ```ts
 * import { startHttpService, type Route } from '@medvault/node/http';
 * const routes: Route<{ greeting: string }>[] = [
 *   { method: 'GET', path: '/hello/:name', handler: hello },
 * ];
 * const service = await startHttpService({ name: 'hello', routes, deps: { greeting: 'hi' }, codes });
 * ```
 */
export { BodyTooLargeError, readBody } from './body.js';
export { type ErrorResponse, errorResponse, statusOf } from './error-response.js';
export { HttpError, type HttpErrorOptions } from './http-error.js';
export { listen, shutdown } from './listen.js';
export {
  clientKey,
  RateLimiter,
  type RateLimiterOptions,
  TooManyRequestsError,
} from './rate-limit.js';
export {
  compileRoutes,
  type Handler,
  type Reply,
  type RequestContext,
  type Route,
  type ServiceCodes,
} from './router.js';
export { type HttpServiceOptions, type RunningHttpService, startHttpService } from './service.js';
