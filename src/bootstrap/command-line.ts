/**
 * Why a command failed, in one line: the message's first line, or for an AggregateError (a
 * connection refused on every address of a host, whose own message is empty) its first cause's.
 */
export function failureReason(error: unknown): string {
  const inner: unknown[] = error instanceof AggregateError ? error.errors : [];
  const cause = error instanceof AggregateError && !error.message && inner.length > 0 ? inner[0] : error;
  const message = cause instanceof Error ? cause.message : String(cause);
  return message.split('\n')[0] || (cause instanceof Error ? cause.name : 'unknown error');
}

/**
 * What a command prints when it fails: one line saying why and, when the error wraps another
 * (`new Error(..., { cause })`), a second line with the cause. Never a stack trace.
 */
function failureLines(name: string, error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  return `${name} failed: ${failureReason(error)}\n${cause === undefined ? '' : `  cause: ${failureReason(cause)}\n`}`;
}

/**
 * Runs a command-line entry point (`npm start`, `npm run seed`, ...). A failure prints
 * failureLines() and ends the process with exit code 1 once they are written: whatever the
 * command had opened before it failed (a database, a listener) must not keep it alive.
 */
export function runCommand(name: string, command: () => Promise<void>): void {
  command().catch((error: unknown) => {
    process.stderr.write(failureLines(name, error), () => process.exit(1));
  });
}
