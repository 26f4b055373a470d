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

/** Several fields of one form are wrong: each message beside its field, so the person fixes them in one go. */
export class FormErrors extends UserError {
  constructor(readonly errors: Readonly<Record<string, string>>) {
    const [first] = Object.entries(errors);
    // The summary heads the list where fields cannot be marked one by one (Discord, a Slack fallback).
    super("form_fields", `Some fields need another look (${Object.keys(errors).join(", ")}); fix them and send the form again.`, first?.[0], first?.[1]);
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
