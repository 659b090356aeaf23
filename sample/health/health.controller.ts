import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { AiofsHealthIndicator } from '../../lib/health';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly aiofs: AiofsHealthIndicator,
  ) {}

  /** 200 with each file system's backend and latency; 503 when one is down. */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.aiofs.isHealthy('files', { timeoutMs: 2000 }),
      () => this.aiofs.isHealthy('cache', { name: 'cache', timeoutMs: 2000 }),
    ]);
  }
}
