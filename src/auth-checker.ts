import type { AuthChecker } from 'type-graphql';
import type { AppContext } from './context';
import { FlywheelError } from './errors';
import { hasScope, Scope } from './services/api-key.service';

/**
 * `@Authorized('ingest', …)`: the caller's key must hold one of the listed scopes (admin holds all).
 * No key or a bad key → UNAUTHENTICATED; a good key without the scope → FORBIDDEN.
 */
export const authChecker: AuthChecker<AppContext, Scope> = ({ context }, roles) => {
  if (!context.principal) {
    throw new FlywheelError(
      'UNAUTHENTICATED',
      context.authFailure ?? 'Missing API key: send `Authorization: Bearer <key>`',
    );
  }
  if (roles.length === 0 || hasScope(context.principal, roles)) return true;
  const names = roles.map((r) => r.toUpperCase());
  throw new FlywheelError('FORBIDDEN', `This API key lacks the scope for this field; it needs one of: ${names.join(', ')}`, {
    requiredScopes: names,
  });
};
