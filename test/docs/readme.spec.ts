import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { promisify } from 'node:util';
import * as ts from 'typescript';
import { tsSnippets, type Snippet } from './snippets';

const ROOT = nodePath.join(__dirname, '..', '..');
const OUT = nodePath.join(__dirname, '.snippets');
const JS = nodePath.join(OUT, 'js');
const run = promisify(execFile);

const documents: Array<[string, string]> = [
  ['README.md', nodePath.join(ROOT, 'README.md')],
  ['docs/api.md', nodePath.join(ROOT, 'docs', 'api.md')],
  ['docs/configuration.md', nodePath.join(ROOT, 'docs', 'configuration.md')],
  ['docs/redis.md', nodePath.join(ROOT, 'docs', 'redis.md')],
  ['docs/azure.md', nodePath.join(ROOT, 'docs', 'azure.md')],
  ['docs/s3.md', nodePath.join(ROOT, 'docs', 's3.md')],
  ['docs/http.md', nodePath.join(ROOT, 'docs', 'http.md')],
];

/** A snippet as a module of this repository: `aiofs` is the library here, test servers stand in for the examples' hosts. */
function materialise(snippet: Snippet, index: number): string {
  // Relative, so that the emitted snippet finds the emitted library beside it.
  const lib = (sub: string) =>
    JSON.stringify(nodePath.relative(OUT, nodePath.join(ROOT, 'lib', sub)));
  let code = snippet.code
    .replace(/from 'aiofs\/health'/g, `from ${lib('health')}`)
    .replace(/from 'aiofs\/http'/g, `from ${lib('http')}`)
    .replace(/from 'aiofs'/g, `from ${lib('')}`)
    .replace(
      /redis:\/\/localhost:6379(\/0)?/g,
      process.env.AIOFS_TEST_REDIS_URL ?? 'redis://127.0.0.1:1',
    );
  if (/export class AppModule/.test(code) && !/main\(\)/.test(code)) {
    // A Nest module on its own: start it and stop it.
    code += `
import { Test as __Test } from '@nestjs/testing';
__Test.createTestingModule({ imports: [AppModule] })
  .compile()
  .then((m) => m.createNestApplication({ logger: false }).init())
  .then((app) => app.close())
  .catch((error) => { console.error(error); process.exit(1); });
`;
  }
  const file = nodePath.join(OUT, `snippet-${index}.ts`);
  writeFileSync(file, `// ${snippet.where}\n${code}\n`);
  return file;
}

const snippets = documents.flatMap(([label, file]) => {
  try {
    return tsSnippets(file, label);
  } catch {
    return [];
  }
});

/** Type-checks every snippet and emits it, with the library, as JavaScript: once for all of them. */
function compile(files: string[]): { diagnostics: string[]; emitted: (file: string) => string } {
  const config = ts.readConfigFile(nodePath.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram(files, {
    ...options,
    noUnusedLocals: false,
    rootDir: ROOT,
    outDir: JS,
    declaration: false,
    sourceMap: false,
  });
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.includes(nodePath.resolve(d.file.fileName)))
    .map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      const where = d.file!.text.split('\n')[0].slice(3);
      return `${where} (+${line}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
  program.emit();
  return {
    diagnostics,
    emitted: (file) => nodePath.join(JS, nodePath.relative(ROOT, file)).replace(/\.ts$/, '.js'),
  };
}

describe('the code examples of the README and docs', () => {
  const files: string[] = [];
  let compiled: ReturnType<typeof compile>;
  beforeAll(() => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    snippets.forEach((s, i) => files.push(materialise(s, i)));
    compiled = compile(files);
  }, 120_000);

  test('there are examples', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(10);
  });

  test('every example type-checks', () => {
    expect(compiled.diagnostics).toEqual([]);
  });

  test.each(snippets.map((s, i) => [s.where, i] as const))(
    '%s runs',
    async (_where, i) => {
      const cwd = mkdtempSync(nodePath.join(tmpdir(), 'aiofs-snippet-'));
      try {
        const { stderr } = await run(process.execPath, [compiled.emitted(files[i])], {
          cwd,
          env: {
            ...process.env,
            AIOFS_URL: 'memory://',
            AIOFS_CACHE_URL: 'memory://',
            // the examples' Azure account is the test Azurite
            AZURE_STORAGE_CONNECTION_STRING: process.env.AIOFS_TEST_AZURE_CONNECTION_STRING ?? '',
            // the examples' S3 store is the test moto server, keys from the SDK's env chain
            S3_ENDPOINT: process.env.AIOFS_TEST_S3_ENDPOINT ?? 'http://127.0.0.1:1',
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: 'aiofs-test',
            AWS_SECRET_ACCESS_KEY: 'aiofs-test-secret',
            // the SDK warns on stderr that its releases from 2027 need Node 22
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          },
          timeout: 60_000,
        });
        expect(stderr.replace(/^.*ExperimentalWarning.*$/gm, '').trim()).toBe('');
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    },
    90_000,
  );
});
