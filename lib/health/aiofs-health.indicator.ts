import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { FileLikeSystem } from '../core';
import { getFileSystemToken } from '../nest/aiofs.utils';
import { HealthCheckErrorOfTerminus10 } from './terminus';

export interface AiofsHealthOptions {
  /** Which file system (default: the default one). */
  name?: string;
  /** A backend that has not answered by then is down (default 3000 ms). */
  timeoutMs?: number;
}

/** One file system's entry in a terminus health check. */
export type AiofsHealthDetail = {
  status: 'up' | 'down';
  /** The backend's kind (absent when no file system has that name). */
  backend?: string;
  /** The probe's round trip, when up. */
  latencyMs?: number;
  /** Why it is down. */
  reason?: string;
};

/** What `isHealthy(key)` gives: terminus's `HealthIndicatorResult` shape, `{ [key]: detail }`. */
export type AiofsHealthResult<Key extends string> = Record<Key, AiofsHealthDetail>;

/**
 * A terminus health indicator for aiofs file systems: up with `{ backend, latencyMs }`, or down
 * with the reason. Each backend answers with its own probe (`ping`): memory is up, local checks
 * its root is writable, Redis PINGs (and checks the cluster state), Azure asks the container.
 * A down or hung backend is reported, never thrown, on terminus 11 and 12; terminus 10 counts a
 * check as down only when it throws its HealthCheckError, so there the same result is thrown
 * inside one.
 */
@Injectable()
export class AiofsHealthIndicator {
  constructor(private readonly moduleRef: ModuleRef) {}

  async isHealthy<const Key extends string>(
    key: Key,
    options: AiofsHealthOptions = {},
  ): Promise<AiofsHealthResult<Key>> {
    const timeoutMs = options.timeoutMs ?? 3000;
    let fs: FileLikeSystem;
    try {
      fs = this.moduleRef.get<FileLikeSystem>(getFileSystemToken(options.name), { strict: false });
    } catch {
      return down(key, { reason: `no aiofs file system named '${options.name ?? 'default'}'` });
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const latencyMs = await Promise.race([
        fs.ping(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
      return result(key, {
        status: 'up',
        backend: fs.backend,
        latencyMs: Math.round(latencyMs * 100) / 100,
      });
    } catch (error) {
      return down(key, { backend: fs.backend, reason: (error as Error).message });
    } finally {
      clearTimeout(timer);
    }
  }
}

function result<Key extends string>(key: Key, detail: AiofsHealthDetail): AiofsHealthResult<Key> {
  return { [key]: detail } as AiofsHealthResult<Key>;
}

function down<Key extends string>(
  key: Key,
  detail: Omit<AiofsHealthDetail, 'status'>,
): AiofsHealthResult<Key> {
  const down = result(key, { status: 'down', ...detail });
  if (HealthCheckErrorOfTerminus10) throw new HealthCheckErrorOfTerminus10(detail.reason!, down);
  return down;
}
