import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AiofsHealthIndicator } from '../../lib/health';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [AiofsHealthIndicator],
})
export class HealthModule {}
