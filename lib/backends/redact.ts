/** A URL fit for a message: the password (and any `sig`/`key`-like query value) replaced by `***`. */
export function redactUrl(url: string): string {
  return (
    url
      // Up to the last '@' before the path: a password may hold an unescaped '@'.
      .replace(/\/\/([^/@:\s]*):[^/\s]*@/, '//$1:***@')
      .replace(/([?&](?:sig|signature|password|key|accountkey|token)=)[^&]*/gi, '$1***')
  );
}
