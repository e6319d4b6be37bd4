import { GraphQLError } from 'graphql';

/**
 * Stable error codes clients may branch on. Adding a code is fine; renaming one breaks clients.
 * Apollo's own codes (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, BAD_USER_INPUT for variables
 * that do not coerce) keep their meaning.
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'BATCH_TOO_LARGE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'DATA_DIR_LOCKED'
  | 'INTERNAL';

/** One problem with one field of one input; `index` is set for items of a batch. */
export interface InputProblem {
  index?: number;
  field: string;
  message: string;
}

export class FlywheelError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.name = 'FlywheelError';
  }
}

export function badInput(problems: InputProblem[]): FlywheelError {
  const shown = problems.slice(0, 5).map((p) => `${p.index !== undefined ? `inputs[${p.index}].` : ''}${p.field}: ${p.message}`);
  const more = problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : '';
  return new FlywheelError('BAD_USER_INPUT', `Invalid input: ${shown.join('; ')}${more}`, { problems });
}
