/** `scheme:` and the slashes after it: where a URL's userinfo may start. */
const SCHEME = /^(?:[a-z][a-z0-9+.-]*:)?\/*/i;

/** Query values that are secrets wherever they appear (SAS signatures, keys, passwords). */
const SECRET_QUERY =
  /([?&;](?:sig|signature|password|pass|pwd|secret|key|accountkey|token|access_token)=)[^&;]*/gi;

/**
 * A URL fit for a message. Its userinfo, from the scheme to the LAST `@` (a password may hold a
 * raw `/`, `@`, `:`, `%`, `#`, `?`, spaces: the host is what follows the last `@`), is replaced by
 * `user:***` (or `***` when there is no `:` to tell the user from a secret), and so are secret
 * query values. A `@` in the query makes it redact more than needed, never less.
 */
export function redactUrl(url: string): string {
  let text = String(url);
  const start = SCHEME.exec(text)![0].length;
  const at = text.lastIndexOf('@');
  if (at >= start) {
    const userinfo = text.slice(start, at);
    const colon = userinfo.indexOf(':');
    const shown = colon === -1 ? '***' : `${userinfo.slice(0, colon)}:***`;
    text = `${text.slice(0, start)}${shown}${text.slice(at)}`;
  }
  return text.replace(SECRET_QUERY, '$1***');
}

/** Where a URL starts inside free text (not `file:`, whose stack-frame paths hold `@scope` folders). */
const URL_IN_TEXT = /(?<![a-z0-9+.-])(?!file:)[a-z][a-z0-9+.-]*:\/\//gi;

/**
 * Free text (a client library's message, a stack) fit for a message: on each line, the first
 * URL's userinfo, up to the last `@` of that line, is redacted as by redactUrl; secret query
 * values too. Lines without a URL are kept as they are.
 */
export function redactText(text: string): string {
  return String(text)
    .split('\n')
    .map((line) => {
      URL_IN_TEXT.lastIndex = 0;
      const match = URL_IN_TEXT.exec(line);
      if (!match) return line;
      return line.slice(0, match.index) + redactUrl(line.slice(match.index));
    })
    .join('\n');
}
