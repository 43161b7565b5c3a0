import type { FastifyRequest } from 'fastify';
import type { TongkeApp } from './app-types.js';
import { forbidden } from './errors.js';
import type { AuthenticatedPrincipal } from '../accounts/principal.js';
import { can, canGrant, type Action, type OrgPlace, type PolicyTarget, type RoleGrant } from '../policy/policy.js';

/**
 * The caller's authority, bound to one request. Routes authorize the target named in the URL; services
 * ask this at the point a further target becomes known (a parent named in the body, a grant to hand out)
 * and use it to filter lists. Every answer comes from the policy module.
 */
export interface Access {
  readonly principal: AuthenticatedPrincipal;
  can(action: Action, target: PolicyTarget): boolean;
  /** Throws `forbidden` unless the policy allows. */
  authorize(action: Action, target: PolicyTarget): void;
  canGrant(grant: RoleGrant, place: OrgPlace | null): boolean;
}

/** The signed-in caller's Access (`unauthenticated` when nobody is signed in). */
export function accessFor(app: TongkeApp, request: FastifyRequest): Access {
  const principal = app.requirePrincipal(request);
  return {
    principal,
    can: (action, target) => can(principal, action, target),
    authorize(action, target) {
      if (!can(principal, action, target)) throw forbidden();
    },
    canGrant: (grant, place) => canGrant(principal, grant, place),
  };
}

/**
 * An onRequest hook for feature plugins whose every route needs a signed-in caller: anonymous requests
 * get 401 before their body is validated or any id is looked up.
 */
export function requireSignIn(app: TongkeApp): void {
  app.addHook('onRequest', async (request) => {
    app.requirePrincipal(request);
  });
}
