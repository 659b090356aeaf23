/** Awaits `action` and returns what it threw (fails the test if it did not throw). */
export async function caught(
  action: Promise<unknown> | (() => unknown),
): Promise<Error & { code?: string; path?: string; paths?: string[] }> {
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error, but the call succeeded');
}

/** Blocks this process's event loop (no timers, no renewals) for `ms`. */
export function freezeEventLoop(ms: number): void {
  // Blocks this thread like a busy loop would (no timer, no renewal, no I/O callback runs), but
  // without burning a core that other test workers need.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
