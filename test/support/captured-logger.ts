import type { LoggerService } from '@nestjs/common';

/**
 * A Nest logger that keeps its lines instead of printing them: the tests that make the module
 * fail on purpose check what it logged, and a green run stays quiet.
 */
export class CapturedLogger implements LoggerService {
  readonly lines: Array<{ level: string; message: string }> = [];

  log(message: unknown): void {
    this.push('log', message);
  }
  error(message: unknown): void {
    this.push('error', message);
  }
  warn(message: unknown): void {
    this.push('warn', message);
  }
  debug(message: unknown): void {
    this.push('debug', message);
  }
  verbose(message: unknown): void {
    this.push('verbose', message);
  }

  /** The messages logged at error level. */
  errors(): string[] {
    return this.lines.filter((l) => l.level === 'error').map((l) => l.message);
  }

  private push(level: string, message: unknown): void {
    this.lines.push({ level, message: String(message) });
  }
}
