import { lockLostError, type DriverLock } from '../../core';

/**
 * Runs `body` under `lock`, renewing it every third of `ttlMs`; a refused renewal aborts the
 * signal `body` gets, so that it stops sending at once. Releases the lock when `body` is done.
 */
export async function whileHeld<T>(
  lock: DriverLock,
  ttlMs: number,
  body: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const lost = new AbortController();
  const keepAlive = setInterval(
    () =>
      void lock.renew().then(
        (held) => held || lost.abort(),
        () => undefined,
      ),
    ttlMs / 3,
  );
  keepAlive.unref();
  try {
    return await body(lost.signal);
  } catch (error) {
    if (lost.signal.aborted) throw lockLostError(lock.path);
    throw error;
  } finally {
    clearInterval(keepAlive);
    await lock.release().catch(() => undefined);
  }
}
