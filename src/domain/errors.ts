/**
 * A problem the person who acted can fix. Its message is shown to them privately and
 * must say what to do instead. Anything else thrown is an internal error.
 */
export class UserError extends Error {
  override readonly name = "UserError";
  constructor(
    /** Stable machine-readable code, e.g. `unknown_release`. */
    readonly code: string,
    message: string,
    /** For forms: which field is wrong (lets Slack show the message inline). */
    readonly field?: string,
    /** For forms: the message beside the field, when `message` speaks of the command (a form has no command to type). */
    readonly fieldMessage?: string,
  ) {
    super(message);
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
