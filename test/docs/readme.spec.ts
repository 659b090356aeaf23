import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { promisify } from 'node:util';
import * as ts from 'typescript';
import { tsSnippets, type Snippet } from './snippets';

const ROOT = nodePath.join(__dirname, '..', '..');
const OUT = nodePath.join(__dirname, '.snippets');
const run = promisify(execFile);

const documents: Array<[string, string]> = [
  ['README.md', nodePath.join(ROOT, 'README.md')],
  ['docs/api.md', nodePath.join(ROOT, 'docs', 'api.md')],
  ['docs/configuration.md', nodePath.join(ROOT, 'docs', 'configuration.md')],
  ['docs/redis.md', nodePath.join(ROOT, 'docs', 'redis.md')],
  ['docs/azure.md', nodePath.join(ROOT, 'docs', 'azure.md')],
  ['docs/http.md', nodePath.join(ROOT, 'docs', 'http.md')],
];

/** A snippet as a module of this repository: `aiofs` is the library here, test servers stand in for the examples' hosts. */
function materialise(snippet: Snippet, index: number): string {
  let code = snippet.code
    .replace(
      /from 'aiofs\/health'/g,
      `from ${JSON.stringify(nodePath.join(ROOT, 'lib', 'health'))}`,
    )
    .replace(/from 'aiofs\/http'/g, `from ${JSON.stringify(nodePath.join(ROOT, 'lib', 'http'))}`)
    .replace(/from 'aiofs'/g, `from ${JSON.stringify(nodePath.join(ROOT, 'lib'))}`)
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

describe('the code examples of the README and docs', () => {
  const files: string[] = [];
  beforeAll(() => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    snippets.forEach((s, i) => files.push(materialise(s, i)));
  });

  test('there are examples', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(10);
  });

  test('every example type-checks', () => {
    const config = ts.readConfigFile(nodePath.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
    const program = ts.createProgram(files, { ...options, noEmit: true, noUnusedLocals: false });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.includes(nodePath.resolve(d.file.fileName)))
      .map((d) => {
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        const where = d.file!.text.split('\n')[0].slice(3);
        return `${where} (+${line}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    expect(diagnostics).toEqual([]);
  }, 120_000);

  test.each(snippets.map((s, i) => [s.where, i] as const))(
    '%s runs',
    async (_where, i) => {
      const cwd = mkdtempSync(nodePath.join(tmpdir(), 'aiofs-snippet-'));
      try {
        const { stderr } = await run(
          process.execPath,
          ['-r', require.resolve('ts-node/register/transpile-only'), files[i]],
          {
            cwd,
            env: {
              ...process.env,
              TS_NODE_PROJECT: nodePath.join(ROOT, 'tsconfig.json'),
              AIOFS_URL: 'memory://',
              AIOFS_CACHE_URL: 'memory://',
              // the examples' Azure account is the test Azurite
              AZURE_STORAGE_CONNECTION_STRING: process.env.AIOFS_TEST_AZURE_CONNECTION_STRING ?? '',
            },
            timeout: 60_000,
          },
        );
        expect(stderr.replace(/^.*ExperimentalWarning.*$/gm, '').trim()).toBe('');
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    },
    90_000,
  );
});
