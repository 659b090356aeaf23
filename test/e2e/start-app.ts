import 'reflect-metadata';
import type { INestApplication, LoggerService } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../sample/app.module';

/** Every line the app logs, with its level, for tests that check what is (not) logged. */
export class CapturingLogger implements LoggerService {
  readonly entries: Array<{ level: string; message: string }> = [];

  private add(level: string, message: unknown, rest: unknown[]): void {
    const text = [message, ...rest]
      .map((part) => (part instanceof Error ? (part.stack ?? part.message) : String(part)))
      .join(' ');
    this.entries.push({ level, message: text });
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.add('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.add('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.add('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.add('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.add('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.add('fatal', message, rest);
  }

  /** The error and fatal lines, and clears the record. */
  takeErrors(): string[] {
    const errors = this.entries
      .filter((e) => e.level === 'error' || e.level === 'fatal')
      .map((e) => e.message);
    this.entries.length = 0;
    return errors;
  }
}

/** The sample app in this process, with `env` set while its modules start (as main.ts creates it). */
export async function startApp(
  env: Record<string, string>,
  options: { logger?: LoggerService } = {},
): Promise<INestApplication> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication<NestExpressApplication>({
      bodyParser: false,
      logger: options.logger ?? false,
    });
    app.set('etag', false); // as sample/main.ts
    return await app.init();
  } finally {
    for (const key of Object.keys(env)) if (saved[key] === undefined) delete process.env[key];
    Object.assign(process.env, saved);
  }
}
