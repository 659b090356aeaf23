import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import {
  AiofsModule,
  aiofsOptionsFromConfig,
  BlockingIOError,
  createFileSystem,
  FileLikeSystem,
  getFileSystemToken,
  InjectFileSystem,
  InvalidArgumentError,
  BackendUnavailableError,
  registerBackend,
  type AiofsOptions,
  type AiofsOptionsFactory,
} from '../../lib';
import { caught } from '../conformance/expect-error';
import { CapturedLogger } from '../support/captured-logger';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(nodePath.join(tmpdir(), 'aiofs-nest-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

@Injectable()
class DefaultUser {
  constructor(readonly files: FileLikeSystem) {}
}

@Injectable()
class DecoratedUser {
  constructor(
    @InjectFileSystem() readonly files: FileLikeSystem,
    @InjectFileSystem('cache') readonly cache: FileLikeSystem,
  ) {}
}

/** Starts an app; what the module logs goes to `logger` (the failing starts log on purpose). */
async function start(
  imports: unknown[],
  providers: unknown[] = [],
  logger = new CapturedLogger(),
): Promise<INestApplicationContext> {
  const moduleRef = await Test.createTestingModule({
    imports: imports as never,
    providers: providers as never,
  })
    .setLogger(logger)
    .compile();
  return moduleRef.createNestApplication().init();
}

describe('AiofsModule', () => {
  test('forRoot: the default file system is injectable as the FileLikeSystem class', async () => {
    const app = await start([AiofsModule.forRoot({ backend: 'local', root: dir })], [DefaultUser]);
    const user = app.get(DefaultUser);
    expect(user.files.backend).toBe('local');
    await user.files.writeFile('hello.txt', 'hi');
    expect(app.get(FileLikeSystem)).toBe(user.files);
    expect(app.get(getFileSystemToken())).toBe(user.files);
    await app.close();
  });

  test('two named file systems with different backends live side by side', async () => {
    const app = await start(
      [
        AiofsModule.forRoot({ backend: 'local', root: dir }),
        AiofsModule.forRoot({ name: 'cache', url: 'memory://' }),
      ],
      [DecoratedUser],
    );
    const user = app.get(DecoratedUser);
    expect(user.files.backend).toBe('local');
    expect(user.cache.backend).toBe('memory');
    expect(app.get(getFileSystemToken('cache'))).toBe(user.cache);
    await user.cache.writeFile('k', 'v');
    expect(await user.files.exists('k')).toBe(false);
    await app.close();
  });

  test('forRoot takes a URL with overrides', async () => {
    const app = await start(
      [AiofsModule.forRoot({ url: `file://${dir}`, durable: false } as AiofsOptions)],
      [DefaultUser],
    );
    await app.get(DefaultUser).files.writeFile('a', 'b');
    await app.close();
  });

  test('forRootAsync with useFactory and inject', async () => {
    @Module({ providers: [{ provide: 'ROOT', useValue: dir }], exports: ['ROOT'] })
    class RootModule {}
    const app = await start(
      [
        AiofsModule.forRootAsync({
          imports: [RootModule],
          inject: ['ROOT'],
          useFactory: (root: string) => ({ backend: 'local', root }),
        }),
      ],
      [DefaultUser],
    );
    expect(app.get(DefaultUser).files.backend).toBe('local');
    await app.close();
  });

  test('forRootAsync with useClass: the factory gets the name', async () => {
    const names: string[] = [];
    @Injectable()
    class Options implements AiofsOptionsFactory {
      createAiofsOptions(name: string): AiofsOptions {
        names.push(name);
        return { backend: 'memory' };
      }
    }
    const app = await start([
      AiofsModule.forRootAsync({ name: 'cache', useClass: Options }),
      AiofsModule.forRootAsync({ useClass: Options }),
    ]);
    expect(names.sort()).toEqual(['cache', 'default']);
    expect(app.get<FileLikeSystem>(getFileSystemToken('cache')).backend).toBe('memory');
    await app.close();
  });

  test('forRootAsync with useExisting', async () => {
    @Injectable()
    class Options implements AiofsOptionsFactory {
      createAiofsOptions(): AiofsOptions {
        return { backend: 'local', root: dir };
      }
    }
    @Module({ providers: [Options], exports: [Options] })
    class OptionsModule {}
    const app = await start(
      [AiofsModule.forRootAsync({ imports: [OptionsModule], useExisting: Options })],
      [DefaultUser],
    );
    expect(app.get(DefaultUser).files.backend).toBe('local');
    await app.close();
  });

  test('forRootAsync with ConfigModule and aiofsOptionsFromConfig', async () => {
    const app = await start(
      [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          load: [() => ({ AIOFS_URL: `file://${dir}`, AIOFS_CACHE_URL: 'memory://' })],
        }),
        AiofsModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => aiofsOptionsFromConfig(config),
        }),
        AiofsModule.forRootAsync({
          name: 'cache',
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => aiofsOptionsFromConfig(config, 'cache'),
        }),
      ],
      [DecoratedUser],
    );
    const user = app.get(DecoratedUser);
    expect(user.files.backend).toBe('local');
    expect(user.cache.backend).toBe('memory');
    await app.close();
  });

  test('extraProviders are available to the factory', async () => {
    const app = await start([
      AiofsModule.forRootAsync({
        extraProviders: [{ provide: 'BACKEND', useValue: 'memory' }],
        inject: ['BACKEND'],
        useFactory: (backend: 'memory') => ({ backend }),
      }),
    ]);
    expect(app.get(FileLikeSystem).backend).toBe('memory');
    await app.close();
  });

  test('the same name twice is a startup error that names it', async () => {
    const error = await caught(
      start([
        AiofsModule.forRoot({ name: 'files', backend: 'memory' }),
        AiofsModule.forRoot({ name: 'files', url: 'memory://' }),
      ]),
    );
    expect(error.message).toMatch(/'files' is registered twice/);
    const same = await caught(
      start([
        AiofsModule.forRoot({ backend: 'memory' }),
        AiofsModule.forRoot({ backend: 'memory' }),
      ]),
    );
    expect(same.message).toMatch(/'default' is registered twice/);
  });

  test('a name registered twice closes the file systems already connected', async () => {
    const opened: string[] = [];
    const closed: string[] = [];
    registerBackend('close-probe', async (options) => {
      opened.push(String(options.label));
      const fs = await createFileSystem({ backend: 'memory' });
      const close = fs.close.bind(fs);
      fs.close = async () => {
        closed.push(String(options.label));
        await close();
      };
      return fs;
    });
    const error = await caught(
      start([
        AiofsModule.forRoot({ name: 'a', backend: 'close-probe', label: 'a' }),
        AiofsModule.forRoot({ name: 'b', backend: 'close-probe', label: 'b' }),
        AiofsModule.forRoot({ name: 'a', backend: 'close-probe', label: 'a2' }),
      ]),
    );
    expect(error.message).toMatch(/'a' is registered twice/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Which of the two 'a' comes second depends on Nest's order of instantiation (10 vs 11).
    expect(opened).toHaveLength(2);
    expect(opened).toContain('b');
    expect(closed.sort()).toEqual(opened.sort());
  });

  test('forRootAsync without useFactory, useClass or useExisting says what to pass', () => {
    expect(() => AiofsModule.forRootAsync({ name: 'x' })).toThrow(InvalidArgumentError);
    expect(() => AiofsModule.forRootAsync({ name: 'x' })).toThrow(
      /needs useFactory, useClass or useExisting/,
    );
  });

  test('a bad name is refused', () => {
    expect(() => AiofsModule.forRoot({ name: 'has space', backend: 'memory' })).toThrow(/name/);
  });

  test('bad options fail the start at once, without retrying', async () => {
    const logger = new CapturedLogger();
    const started = Date.now();
    const error = await caught(
      start([AiofsModule.forRoot({ backend: 'local' } as never)], [], logger),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(Date.now() - started).toBeLessThan(900);
    expect(logger.errors()).toEqual([`File system 'default' could not start: ${error.message}`]);
  });

  test('retryAttempts is the number of attempts in all (at least one)', async () => {
    let calls = 0;
    registerBackend('never-up', async () => {
      calls++;
      throw new BackendUnavailableError('never-up', 'nowhere');
    });
    for (const [retryAttempts, expected] of [
      [3, 3],
      [1, 1],
      [0, 1],
    ]) {
      calls = 0;
      const logger = new CapturedLogger();
      const error = await caught(
        start(
          [AiofsModule.forRoot({ backend: 'never-up', retryAttempts, retryDelay: 1 })],
          [],
          logger,
        ),
      );
      expect(error).toBeInstanceOf(BackendUnavailableError);
      expect(calls).toBe(expected);
      // Each failed attempt is logged: a retry, then the last one's error.
      const errors = logger.errors();
      expect(errors).toHaveLength(expected);
      errors.slice(0, -1).forEach((line, i) => {
        expect(line).toMatch(new RegExp(`Retrying \\(${i + 1}/${expected}\\)`));
      });
      expect(errors.at(-1)).toMatch(/^File system 'default' could not start: /);
    }
  });

  test.each([
    [{ retryAttempts: -1 }, /retryAttempts must be a whole number/],
    [{ retryAttempts: 1.5 }, /retryAttempts must be a whole number/],
    [{ retryAttempts: '3' }, /retryAttempts must be a whole number/],
    [{ retryDelay: -10 }, /retryDelay must be a whole number/],
    [{ retryDelay: Number.NaN }, /retryDelay must be a whole number/],
  ])('bad retry options %p fail the start at once', async (retry, message) => {
    const error = await caught(
      start([AiofsModule.forRoot({ backend: 'memory', ...retry } as never)]),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toMatch(message);
  });

  test('the connection is retried at startup until the backend answers', async () => {
    const blocker = nodePath.join(dir, 'blocker');
    writeFileSync(blocker, 'a file where the root folder should be');
    const removed = new Promise<void>((resolve) =>
      setTimeout(() => {
        rmSync(blocker);
        resolve();
      }, 150),
    );
    const app = await start(
      [
        AiofsModule.forRoot({
          backend: 'local',
          root: nodePath.join(blocker, 'root'),
          retryAttempts: 10,
          retryDelay: 100,
        }),
      ],
      [DefaultUser],
    );
    await removed;
    expect(app.get(DefaultUser).files.backend).toBe('local');
    await app.close();
  });

  test('retries end with the last error', async () => {
    writeFileSync(nodePath.join(dir, 'blocker'), 'x');
    const error = await caught(
      start([
        AiofsModule.forRoot({
          backend: 'local',
          root: nodePath.join(dir, 'blocker', 'root'),
          retryAttempts: 2,
          retryDelay: 10,
        }),
      ]),
    );
    expect(error.message).toMatch(/cannot be used/);
  });

  test('app.close() aborts an open writer: the old content stays and the lock is gone', async () => {
    const app = await start([AiofsModule.forRoot({ backend: 'local', root: dir })], [DefaultUser]);
    const files = app.get(DefaultUser).files;
    await files.writeFile('f.txt', 'committed');
    const w = await files.open('f.txt', 'w');
    await w.write('never committed');
    const other = await createFileSystem({ backend: 'local', root: dir });
    expect(await caught(other.open('f.txt', 'w'))).toBeInstanceOf(BlockingIOError);
    await app.close();
    expect(w.closed).toBe(true);
    expect((await other.readFile('f.txt')).toString()).toBe('committed');
    await (await other.open('f.txt', 'w')).abort();
    await other.close();
  });

  test('overrideProvider replaces a file system with a memory one in tests', async () => {
    const memory = await createFileSystem('memory://');
    const moduleRef = await Test.createTestingModule({
      imports: [
        AiofsModule.forRoot({ backend: 'local', root: dir }),
        AiofsModule.forRoot({ name: 'cache', backend: 'memory' }),
      ],
      providers: [DecoratedUser],
    })
      .overrideProvider(FileLikeSystem)
      .useValue(memory)
      .overrideProvider(getFileSystemToken('cache'))
      .useValue(memory)
      .compile();
    const user = moduleRef.get(DecoratedUser);
    expect(user.files).toBe(memory);
    expect(user.cache).toBe(memory);
    await moduleRef.close();
    await memory.close();
  });
});

/** The layout of a real app: AiofsModule in AppModule, the file system used in a feature module. */
describe('AiofsModule is global by default', () => {
  @Injectable()
  class FeatureService {
    constructor(@InjectFileSystem() readonly files: FileLikeSystem) {}
  }

  @Injectable()
  class NamedFeatureService {
    constructor(
      @InjectFileSystem('cache') readonly cache: FileLikeSystem,
      @InjectFileSystem('archive') readonly archive: FileLikeSystem,
    ) {}
  }

  @Module({ providers: [FeatureService, NamedFeatureService], exports: [FeatureService] })
  class FeatureModule {}

  test('forRoot in AppModule, @InjectFileSystem() in a feature module: one shared file system', async () => {
    @Module({
      imports: [
        AiofsModule.forRoot({ backend: 'local', root: dir }),
        AiofsModule.forRoot({ name: 'cache', url: 'memory://' }),
        AiofsModule.forRootAsync({ name: 'archive', useFactory: () => ({ backend: 'memory' }) }),
        FeatureModule,
      ],
      providers: [DefaultUser],
    })
    class AppModule {}
    const app = await start([AppModule]);
    const feature = app.get(FeatureService);
    expect(feature.files.backend).toBe('local');
    expect(feature.files).toBe(app.get(DefaultUser).files);
    await feature.files.writeFile('from-feature.txt', 'hi');
    expect((await app.get(DefaultUser).files.readFile('from-feature.txt')).toString()).toBe('hi');
    const named = app.get(NamedFeatureService);
    expect(named.cache).toBe(app.get(getFileSystemToken('cache')));
    expect(named.archive).toBe(app.get(getFileSystemToken('archive')));
    expect(named.cache).not.toBe(named.archive);
    await app.close();
  });

  test('isGlobal: false keeps it to the importing module; a feature module cannot inject it', async () => {
    @Module({
      imports: [AiofsModule.forRoot({ backend: 'memory', isGlobal: false }), FeatureModule],
      providers: [DefaultUser],
    })
    class AppModule {}
    const error = await caught(start([AppModule]));
    expect(error.message).toMatch(/can't resolve dependencies of the FeatureService/);

    @Module({
      imports: [AiofsModule.forRoot({ backend: 'memory', isGlobal: false })],
      providers: [DefaultUser],
    })
    class LocalOnlyModule {}
    const app = await start([LocalOnlyModule]);
    expect(app.get(DefaultUser).files.backend).toBe('memory');
    await app.close();
  });

  test('isGlobal: false on forRootAsync, for a named file system', async () => {
    @Injectable()
    class CacheUser {
      constructor(@InjectFileSystem('cache') readonly cache: FileLikeSystem) {}
    }
    @Module({ providers: [CacheUser] })
    class CacheFeature {}
    const error = await caught(
      start([
        AiofsModule.forRootAsync({
          name: 'cache',
          isGlobal: false,
          useFactory: () => ({ backend: 'memory' }),
        }),
        CacheFeature,
      ]),
    );
    expect(error.message).toMatch(/can't resolve dependencies of the CacheUser/);
  });
});
