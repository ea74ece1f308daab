/**
 * An error meant for a person: printed as one or two lines without a stack trace
 * (unless --debug), and mapped to exit code 2 ("the tool could not do its job").
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
