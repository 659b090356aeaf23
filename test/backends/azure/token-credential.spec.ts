import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { AzuriteServer } from '../../servers/azurite-server';

const ROOT = nodePath.join(__dirname, '..', '..', '..');

/** A self-signed certificate for 127.0.0.1, or why there is none. */
function selfSignedCertificate(dir: string): { cert: string; key: string } | string {
  const cert = nodePath.join(dir, 'cert.pem');
  const key = nodePath.join(dir, 'key.pem');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-keyout',
        key,
        '-out',
        cert,
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    return { cert, key };
  } catch (error) {
    return `openssl could not make a test certificate: ${(error as Error).message}`;
  }
}

/**
 * Runs aiofs in a fresh process that trusts `cert` (NODE_EXTRA_CA_CERTS is read at start only),
 * signed in with a TokenCredential whose bearer token has the shape Azurite's basic OAuth check
 * accepts (it verifies no signature) and lives `lifetimeSeconds`. Prints one JSON line.
 */
function runWithToken(
  endpoint: string,
  cert: string,
  lifetimeSeconds: number,
): Record<string, unknown> {
  const code = `
    const { createFileSystem } = require('./lib');
    const now = Math.floor(Date.now() / 1000);
    const part = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const token = [
      part({ alg: 'RS256', typ: 'JWT' }),
      part({ aud: 'https://storage.azure.com', iss: 'https://sts.windows.net/ab1f708d-50f6-404c-a006-d71b2ac7a606/',
             iat: now - 60, nbf: now - 60, exp: now + ${lifetimeSeconds}, oid: 'aiofs-test' }),
      'c2lnbmF0dXJl',
    ].join('.');
    const credential = { getToken: async () => ({ token, expiresOnTimestamp: (now + ${lifetimeSeconds}) * 1000 }) };
    (async () => {
      try {
        const fs = await createFileSystem({ backend: 'azure', accountUrl: ${JSON.stringify(endpoint)}, credential, container: 'oauth' });
        await fs.writeFile('a/b.txt', 'with a token');
        const w = await fs.open('a/b.txt', 'a');
        await w.write(', appended');
        await w.close();
        await fs.cp('a/b.txt', 'c.txt');
        const out = { ls: await fs.ls(), content: (await fs.readFile('c.txt')).toString() };
        await fs.close();
        console.log(JSON.stringify(out));
      } catch (e) {
        console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message, leaked: e.message.includes(token) }));
      }
    })();
  `;
  const out = execFileSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-e', code],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: cert,
        TS_NODE_PROJECT: nodePath.join(ROOT, 'tsconfig.json'),
      },
      encoding: 'utf8',
    },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

const dir = mkdtempSync(nodePath.join(tmpdir(), 'aiofs-azure-tls-'));
const certificate = selfSignedCertificate(dir);
const missing = typeof certificate === 'string' ? certificate : undefined;
if (missing && process.env.AIOFS_TEST_REQUIRE_ALL !== '1') {
  console.warn(`\n*** SKIPPING the Azure TokenCredential tests: ${missing} ***\n`);
}
const describeTls =
  missing && process.env.AIOFS_TEST_REQUIRE_ALL !== '1' ? describe.skip : describe;

describeTls('azure: accountUrl with a TokenCredential (Azurite over https with OAuth)', () => {
  let server: AzuriteServer | undefined;
  beforeAll(async () => {
    if (typeof certificate === 'string') throw new Error(certificate);
    server = await AzuriteServer.start({ oauth: certificate });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a bearer token creates the container, writes, locks, lists, copies and reads', () => {
    const { cert } = certificate as { cert: string };
    expect(runWithToken(server!.endpoint, cert, 3600)).toEqual({
      ls: ['a/b.txt', 'c.txt'],
      content: 'with a token, appended',
    });
  }, 60_000);

  test('an expired token is refused with EACCES naming the account, without the token', () => {
    const { cert } = certificate as { cert: string };
    const result = runWithToken(server!.endpoint, cert, -30);
    expect(result.code).toBe('EACCES');
    expect(result.message).toContain('devstoreaccount1');
    expect(result.leaked).toBe(false);
  }, 60_000);
});
