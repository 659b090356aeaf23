import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { FileLikeSystem } from '../core';
import { getFileSystemToken } from '../nest/aiofs.utils';

export interface AiofsHealthOptions {
  /** Which file system (default: the default one). */
  name?: string;
  /** A backend that has not answered by then is down (default 3000 ms). */
  timeoutMs?: number;
}

/**
 * A terminus health indicator for aiofs file systems: up with `{ backend, latencyMs }`, or down
 * with the reason. Each backend answers with its own probe (`ping`): memory is up, local checks
 * its root is writable, Redis PINGs (and checks the cluster state), Azure asks the container,
 * S3 sends a HeadBucket.
 * A down or hung backend is reported, never thrown.
 */
@Injectable()
export class AiofsHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly moduleRef: ModuleRef,
  ) {}

  async isHealthy<const Key extends string>(
    key: Key,
    options: AiofsHealthOptions = {},
  ): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.health.check(key);
    const timeoutMs = options.timeoutMs ?? 3000;
    let fs: FileLikeSystem;
    try {
      fs = this.moduleRef.get<FileLikeSystem>(getFileSystemToken(options.name), { strict: false });
    } catch {
      return indicator.down({
        reason: `no aiofs file system named '${options.name ?? 'default'}'`,
      });
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
      return indicator.up({ backend: fs.backend, latencyMs: Math.round(latencyMs * 100) / 100 });
    } catch (error) {
      return indicator.down({ backend: fs.backend, reason: (error as Error).message });
    } finally {
      clearTimeout(timer);
    }
  }
}
