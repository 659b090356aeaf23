/**
 * `npm run test:compat`: the consumer matrix. Packs aiofs, installs the tarball with a plain
 * `npm install` into fresh apps (apps.js: Nest 12 ESM, Nest 11 and 10 CommonJS, one without the
 * optional peers), type-checks each app with moduleResolution nodenext and node10 under
 * TypeScript 5.9 and 7, runs each app's checks (app/src/main.ts) on Node 20 (this one) and
 * Node 24, each against its own redis-server on a free port, and runs the repository's Nest
 * module specs against Nest 10 and Nest 12. Installs share npm's cache and run in parallel.
 * AIOFS_COMPAT_KEEP=1 keeps the temp folder.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const apps = require('./apps');

const ROOT = path.join(__dirname, '..', '..');
const APP_SOURCES = path.join(__dirname, 'app');
const NODE_24 = `node-${process.platform}-${process.arch}`;
const TOOLS = {
  typescript: '5.9.3',
  typescript7: 'npm:typescript@7.0.2',
  [NODE_24]: '24.22.3',
};
const QUIET_NPM = { npm_config_audit: 'false', npm_config_fund: 'false' };

/** Runs a command; resolves with its exit code and its stdout and stderr, interleaved. */
function run(command, args, { cwd = ROOT, env = {}, timeoutMs = 600_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    const timer = setTimeout(() => {
      out += `\n[killed: still running after ${timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: -1, out: `${out}\n${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal, out });
    });
  });
}

/** At most `size` tasks at a time. */
function pool(size) {
  let active = 0;
  const waiting = [];
  const next = () => {
    if (active >= size || waiting.length === 0) return;
    active++;
    const { task, resolve, reject } = waiting.shift();
    task()
      .then(resolve, reject)
      .finally(() => {
        active--;
        next();
      });
  };
  return (task) =>
    new Promise((resolve, reject) => {
      waiting.push({ task, resolve, reject });
      next();
    });
}

const results = [];
const started = Date.now();

/** Runs one check of the matrix and records it; a failure prints the command's output. */
async function check(label, task) {
  const t0 = Date.now();
  const { code, out, detail = '' } = await task();
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  const ok = code === 0;
  results.push({ label, ok, seconds });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}${detail ? ` (${detail})` : ''} · ${seconds} s`);
  if (!ok) console.log(out.replace(/^/gm, '     | '));
  return ok;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function answersPing(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const redisServers = new Set();

/** A private redis-server on a free port, in its own folder. */
async function startRedis(dir) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { cwd: dir, stdio: 'ignore' },
    );
    redisServers.add(child);
    let exited = false;
    child.on('exit', () => {
      exited = true;
      redisServers.delete(child);
    });
    for (let i = 0; i < 100 && !exited; i++) {
      if (await answersPing(port))
        return { port, pid: child.pid, stop: () => child.kill('SIGKILL') };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGKILL');
    if (attempt >= 3) throw new Error(`redis-server did not start on port ${port}`);
  }
}

function writeJson(file, value) {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * The app's tsconfigs: nodenext (builds dist/), node10 and bundler (type-check only).
 * TypeScript 7 removed moduleResolution node10 (error TS5108), so it checks bundler instead.
 */
function writeTsconfigs(dir, type) {
  const base = {
    target: 'ES2022',
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    skipLibCheck: false,
    types: ['node'],
    rootDir: 'src',
    outDir: 'dist',
  };
  writeJson(path.join(dir, 'tsconfig.nodenext.json'), {
    compilerOptions: { ...base, module: 'nodenext', moduleResolution: 'nodenext' },
    include: ['src'],
  });
  writeJson(path.join(dir, 'tsconfig.node10.json'), {
    compilerOptions: {
      ...base,
      module: type === 'module' ? 'es2022' : 'commonjs',
      moduleResolution: 'node10',
      noEmit: true,
    },
    include: ['src'],
  });
  writeJson(path.join(dir, 'tsconfig.bundler.json'), {
    compilerOptions: { ...base, module: 'preserve', moduleResolution: 'bundler', noEmit: true },
    include: ['src'],
  });
}

function versionsOf(dir, names) {
  return names
    .map((name) => {
      try {
        const { version } = JSON.parse(
          fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8'),
        );
        return `${name.replace('@nestjs/', '')} ${version}`;
      } catch {
        return undefined;
      }
    })
    .filter(Boolean)
    .join(', ');
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'aiofs-compat-'));
  const cpu = pool(Math.max(2, os.availableParallelism?.() ?? os.cpus().length));
  let failed = false;
  try {
    const toolsDir = path.join(work, 'tools');
    fs.mkdirSync(toolsDir);
    writeJson(path.join(toolsDir, 'package.json'), { private: true, dependencies: TOOLS });
    const toolsReady = check('tools: TypeScript 5.9 and 7, Node 24', () =>
      run('npm', ['install'], { cwd: toolsDir, env: QUIET_NPM }),
    );

    let tarball;
    const packed = await check('npm pack', async () => {
      const result = await run('npm', ['pack', '--json', '--pack-destination', work]);
      if (result.code === 0) {
        const json = result.out.slice(result.out.indexOf('['));
        tarball = path.join(work, JSON.parse(json)[0].filename);
      }
      return { ...result, detail: tarball && path.basename(tarball) };
    });
    if (!packed) throw new Error('npm pack failed');

    const node = {
      20: process.execPath,
      24: path.join(toolsDir, 'node_modules', NODE_24, 'bin', 'node'),
    };
    const tsc = {
      5.9: path.join(toolsDir, 'node_modules', 'typescript', 'bin', 'tsc'),
      7: path.join(toolsDir, 'node_modules', 'typescript7', 'bin', 'tsc'),
    };

    const perApp = apps.map(async (app) => {
      const dir = path.join(work, app.name);
      fs.mkdirSync(dir);
      writeJson(path.join(dir, 'package.json'), {
        name: app.name,
        private: true,
        type: app.type,
        dependencies: app.dependencies,
        devDependencies: app.devDependencies,
      });
      if (app.script)
        fs.copyFileSync(path.join(APP_SOURCES, app.script), path.join(dir, app.script));
      else {
        fs.cpSync(path.join(APP_SOURCES, 'src'), path.join(dir, 'src'), { recursive: true });
        writeTsconfigs(dir, app.type);
      }
      // What a user types, no flag: `npm install ../aiofs-x.y.z.tgz`.
      const installed = await check(`${app.name}: npm install <tarball>`, async () => ({
        ...(await run('npm', ['install', tarball], { cwd: dir, env: QUIET_NPM })),
        detail: versionsOf(dir, [
          '@nestjs/core',
          '@nestjs/terminus',
          '@nestjs/config',
          'ioredis',
          'aiofs',
        ]),
      }));
      if (!installed) return false;
      if (!(await toolsReady)) return false;

      const checks = [];
      const runApp = (version, entry) =>
        check(`${app.name}: checks on Node ${version}`, async () => {
          const scratch = fs.mkdtempSync(path.join(work, `${app.name}-node${version}-`));
          const redis = app.script ? undefined : await startRedis(scratch);
          try {
            const result = await run(node[version], [entry], {
              cwd: dir,
              timeoutMs: 60_000, // a process that does not exit left a handle open
              env: {
                AIOFS_URL: redis && `redis://127.0.0.1:${redis.port}/0?keyPrefix=compat:`,
                AIOFS_CACHE_URL: 'memory://',
                SCRATCH_DIR: scratch,
                REDIS_PID: redis && String(redis.pid),
              },
            });
            const passed = result.code === 0 && /compat checks passed/.test(result.out);
            return { ...result, code: passed ? 0 : result.code || 1 };
          } finally {
            redis?.stop();
          }
        });

      if (app.script) {
        for (const version of [20, 24]) checks.push(cpu(() => runApp(version, app.script)));
        return (await Promise.all(checks)).every(Boolean);
      }

      // TypeScript 5.9 with nodenext builds what the apps run.
      const built = await cpu(() =>
        check(`${app.name}: tsc 5.9, nodenext (build)`, () =>
          run(node[20], [tsc['5.9'], '-p', 'tsconfig.nodenext.json'], { cwd: dir }),
        ),
      );
      for (const [ts, config] of [
        ['5.9', 'node10'],
        ['7', 'nodenext'],
        ['7', 'bundler'],
      ]) {
        checks.push(
          cpu(() =>
            check(`${app.name}: tsc ${ts}, ${config}`, () =>
              run(node[20], [tsc[ts], '-p', `tsconfig.${config}.json`, '--noEmit'], { cwd: dir }),
            ),
          ),
        );
      }
      if (built) {
        for (const version of [20, 24]) checks.push(cpu(() => runApp(version, 'dist/main.js')));
      } else checks.push(Promise.resolve(false));
      if (app.nestSpecs) {
        const { node: version, vmModules } = app.nestSpecs;
        checks.push(
          cpu(() =>
            check(`${app.name}: the repository's Nest module specs on Node ${version}`, () =>
              run(
                node[version],
                [
                  path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
                  '-c',
                  path.join(__dirname, 'nest-specs.config.js'),
                ],
                {
                  env: {
                    NEST_MODULES: path.join(dir, 'node_modules'),
                    NEST_MAJOR: app.dependencies['@nestjs/core'].split('.')[0],
                    NODE_OPTIONS: vmModules ? '--experimental-vm-modules --no-warnings' : '',
                  },
                },
              ),
            ),
          ),
        );
      }
      return (await Promise.all(checks)).every(Boolean);
    });
    failed = !(await Promise.all(perApp)).every(Boolean) || !(await toolsReady);
  } finally {
    for (const child of redisServers) child.kill('SIGKILL');
    if (process.env.AIOFS_COMPAT_KEEP) console.log(`kept ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
  const failures = results.filter((r) => !r.ok).length;
  console.log(
    `\n${results.length - failures}/${results.length} checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  if (failed || failures > 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  for (const child of redisServers) child.kill('SIGKILL');
  process.exitCode = 1;
});
