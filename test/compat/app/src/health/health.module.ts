import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AiofsHealthIndicator } from 'aiofs/health';
import { HealthController } from './health.controller.js';

@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [AiofsHealthIndicator],
})
export class HealthModule {}
