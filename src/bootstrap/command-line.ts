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
 * Runs a command-line entry point (`npm start`, `npm run seed`, ...). A failure prints one line
 * saying why, no stack trace, and ends the process with exit code 1 once the line is written:
 * whatever the command had opened before it failed (a database, a listener) must not keep it alive.
 */
export function runCommand(name: string, command: () => Promise<void>): void {
  command().catch((error: unknown) => {
    process.stderr.write(`${name} failed: ${failureReason(error)}\n`, () => process.exit(1));
  });
}
