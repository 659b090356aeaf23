import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { AiofsHealthIndicator } from 'aiofs/health';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly aiofs: AiofsHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.aiofs.isHealthy('files', { timeoutMs: 2000 }),
      () => this.aiofs.isHealthy('cache', { name: 'cache' }),
      () => this.aiofs.isHealthy('scratch', { name: 'scratch' }),
    ]);
  }
}
