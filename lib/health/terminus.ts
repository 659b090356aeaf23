import { loadPackage } from '../backends/load-sdk';

/** The parts of `@nestjs/terminus` that aiofs/health reads; which ones exist tells the line. */
interface Terminus {
  /** Exported by terminus 11 and 12, whose HealthCheckService reads a returned down result. */
  HealthIndicatorService?: unknown;
  /** Terminus 10's HealthCheckService reports down only for this error, thrown with the result. */
  HealthCheckError?: new (message: string, causes: unknown) => Error;
}

const terminus = loadPackage<Terminus>('@nestjs/terminus', 'aiofs/health');

/** The error to throw for a down result, on terminus 10 only; undefined on 11 and 12. */
export const HealthCheckErrorOfTerminus10 = terminus.HealthIndicatorService
  ? undefined
  : terminus.HealthCheckError;
