import { redactText } from './redact';

/** Plain facts of an error worth keeping in a cause: none of them holds a command's arguments. */
const KEPT = ['code', 'errno', 'syscall', 'address', 'port', 'statusCode'] as const;
const MAX_DEPTH = 5;

/**
 * A copy of a client library's error that is safe to keep as a `cause`: its name, its message and
 * stack with any URL's userinfo redacted (redactText), a few plain facts (code, errno, address…), the name of
 * the command it failed on but never its arguments (ioredis keeps `AUTH`'s password there), and
 * its own causes, scrubbed the same way. Anything else it carries (an `input` URL, a request, a
 * client) is left out.
 */
export function scrubbedError(error: unknown, depth = 0): Error | undefined {
  if (!(error instanceof Error) || depth > MAX_DEPTH) return undefined;
  const copy = new Error(redactText(String(error.message ?? '')));
  copy.name = error.name;
  copy.stack = redactText(String(error.stack ?? ''));
  const source = error as unknown as Record<string, unknown>;
  const target = copy as unknown as Record<string, unknown>;
  for (const key of KEPT) {
    const value = source[key];
    if (typeof value === 'number') target[key] = value;
    else if (typeof value === 'string') target[key] = redactText(value);
  }
  const command = source.command as { name?: unknown } | undefined;
  if (command && typeof command.name === 'string') target.command = { name: command.name };
  for (const key of ['cause', 'lastNodeError'] as const) {
    const inner = scrubbedError(source[key], depth + 1);
    if (inner) target[key] = inner;
  }
  if (Array.isArray(source.errors)) {
    target.errors = source.errors
      .map((inner) => scrubbedError(inner, depth + 1))
      .filter((inner): inner is Error => inner !== undefined);
  }
  return copy;
}
