import { inspect } from 'node:util';
import {
  AccountSASPermissions,
  BlobServiceClient,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { createFileSystem, InvalidArgumentError } from '../../../lib';
import { caught } from '../../conformance/expect-error';
import { AZURITE_ACCOUNT, AZURITE_KEY } from '../../servers/azurite-server';
import { connectionString, describeAzure, rawContainer, uniqueContainer } from './azure-env';

const SECRET = 'c2VjcmV0LWtleS10aGF0LW11c3QtbmV2ZXItYmUtcHJpbnRlZA==';
const tokenCredential = {
  getToken: async () => ({ token: 'not-a-real-token', expiresOnTimestamp: Date.now() + 3600_000 }),
};

function endpointOf(cs: string): string {
  return /BlobEndpoint=([^;]+)/.exec(cs)![1];
}

describeAzure('azure: options', () => {
  const dropped: string[] = [];
  afterAll(async () => {
    await Promise.allSettled(dropped.map((c) => rawContainer(c).delete()));
  });
  const fresh = (label: string) => {
    const name = uniqueContainer(label);
    dropped.push(name);
    return name;
  };

  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['no source', { container: 'files' }, /connectionString, accountUrl .* or containerClient/],
    [
      'two sources',
      {
        container: 'files',
        connectionString: `AccountName=a;AccountKey=${SECRET}`,
        accountUrl: 'https://a.blob.core.windows.net',
      },
      /only one of/,
    ],
    [
      'a connection string of another kind',
      { container: 'files', connectionString: SECRET },
      /storage connection string/,
    ],
    ['a number as connection string', { container: 'files', connectionString: 42 }, /not number/],
    [
      'a connection string without an endpoint',
      { container: 'files', connectionString: `AccountName=a;AccountKey=${SECRET}` },
      /not a valid storage connection string/,
    ],
    [
      'an account URL that is no URL',
      { container: 'files', accountUrl: `no url ${SECRET}` },
      /http\(s\) URL/,
    ],
    ['an ftp account URL', { container: 'files', accountUrl: 'ftp://a.example' }, /http\(s\) URL/],
    [
      'an account URL without credential or SAS',
      { container: 'files', accountUrl: 'https://a.blob.core.windows.net' },
      /needs a credential .* or a SAS/,
    ],
    [
      'a SAS URL and a credential',
      {
        container: 'files',
        accountUrl: `https://a.blob.core.windows.net?sv=1&sig=${SECRET}`,
        credential: tokenCredential,
      },
      /SAS and a credential/,
    ],
    [
      'a credential that is none',
      {
        container: 'files',
        accountUrl: 'https://a.blob.core.windows.net',
        credential: { token: SECRET },
      },
      /TokenCredential/,
    ],
    [
      'a credential without account URL',
      { container: 'files', connectionString, credential: tokenCredential },
      /credential goes with accountUrl/,
    ],
    ['a containerClient that is none', { containerClient: { name: 'x' } }, /ContainerClient/],
    ['no container', { connectionString }, /needs a container/],
    ['an upper-case container', { connectionString, container: 'Files' }, /lowercase/],
    ['a short container', { connectionString, container: 'ab' }, /3–63/],
    ['a container with a double hyphen', { connectionString, container: 'a--b' }, /single hyphens/],
    [
      'a container starting with a hyphen',
      { connectionString, container: '-abc' },
      /starting and ending/,
    ],
    ['a container that is no string', { connectionString, container: 7 }, /not number/],
    [
      'createContainer not a boolean',
      { connectionString, container: 'files', createContainer: 'yes' },
      /createContainer must be a boolean/,
    ],
    [
      'a lease below 15 s',
      { connectionString, container: 'files', lockTtlMs: 5000 },
      /15000 to 60000/,
    ],
    [
      'a lease above 60 s',
      { connectionString, container: 'files', lockTtlMs: 61_000 },
      /15000 to 60000/,
    ],
    ['maxTries 0', { connectionString, container: 'files', maxTries: 0 }, /maxTries/],
    [
      'a tiny request timeout',
      { connectionString, container: 'files', requestTimeoutMs: 5 },
      /requestTimeoutMs/,
    ],
  ];

  test.each(bad)(
    '%s is InvalidArgumentError naming what to pass, with no secret',
    async (_name, options, message) => {
      const error = await caught(createFileSystem({ backend: 'azure', ...options } as never));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.code).toBe('EINVAL');
      expect(error.message).toMatch(message);
      for (const secret of [SECRET, AZURITE_KEY]) {
        expect(error.message).not.toContain(secret);
        expect(inspect(error)).not.toContain(secret);
      }
    },
  );

  test('a bad option changes nothing: the container is not created', async () => {
    const container = fresh('never');
    const error = await caught(
      createFileSystem({ backend: 'azure', connectionString, container, lockTtlMs: 100 }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(await rawContainer(container).exists()).toBe(false);
  });

  test('the azure:// URL names the container; its secret must come from options', async () => {
    const error = await caught(createFileSystem('azure://my-container'));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toMatch(/connectionString/);
  });

  test('createContainer: false on a missing container is a clear error and creates nothing', async () => {
    const container = fresh('missing');
    const error = await caught(
      createFileSystem({ backend: 'azure', connectionString, container, createContainer: false }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toContain(`container '${container}'`);
    expect(error.message).toContain(AZURITE_ACCOUNT);
    expect(error.message).toMatch(/does not exist/);
    expect(error.message).not.toContain(AZURITE_KEY);
    expect(await rawContainer(container).exists()).toBe(false);
  });

  test('createContainer: false on an existing container works; the default creates it', async () => {
    const container = fresh('existing');
    const created = await createFileSystem({ backend: 'azure', connectionString, container });
    expect(await rawContainer(container).exists()).toBe(true);
    await created.writeFile('a.txt', 'a');
    await created.close();
    const fs = await createFileSystem({
      backend: 'azure',
      connectionString,
      container,
      createContainer: false,
    });
    expect((await fs.readFile('a.txt')).toString()).toBe('a');
    await fs.close();
  });

  test("a caller's ContainerClient is used as it is; its container is not created unless asked", async () => {
    const missing = fresh('client');
    const client = rawContainer(missing);
    expect(
      await caught(createFileSystem({ backend: 'azure', containerClient: client })),
    ).toBeInstanceOf(InvalidArgumentError);
    expect(await client.exists()).toBe(false);
    expect(
      await caught(
        createFileSystem({ backend: 'azure', containerClient: client, container: 'other' }),
      ),
    ).toBeInstanceOf(InvalidArgumentError);
    const fs = await createFileSystem({
      backend: 'azure',
      containerClient: client,
      createContainer: true,
    });
    await fs.writeFile('f.txt', 'through the caller client');
    expect((await client.getBlockBlobClient('f.txt').downloadToBuffer()).toString()).toBe(
      'through the caller client',
    );
    await fs.close();
  });

  test('an account URL with a SAS query works, and so does one with a shared key credential', async () => {
    const service = BlobServiceClient.fromConnectionString(connectionString);
    const sasUrl = service.generateAccountSasUrl(
      new Date(Date.now() + 3600_000),
      AccountSASPermissions.parse('rwdlac'),
      'sco',
    );
    const container = fresh('sas');
    const viaSas = await createFileSystem({ backend: 'azure', accountUrl: sasUrl, container });
    await viaSas.writeFile('f.txt', 'via SAS');
    expect((await viaSas.readFile('f.txt')).toString()).toBe('via SAS');
    await viaSas.close();

    const viaKey = await createFileSystem({
      backend: 'azure',
      accountUrl: endpointOf(connectionString),
      credential: new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
      container,
    });
    expect((await viaKey.readFile('f.txt')).toString()).toBe('via SAS');
    await viaKey.close();
  });

  test('a wrong key is refused with EACCES naming the account, without the key', async () => {
    const wrong = connectionString.replace(AZURITE_KEY, SECRET);
    const error = await caught(
      createFileSystem({ backend: 'azure', connectionString: wrong, container: 'files' }),
    );
    expect(error.code).toBe('EACCES');
    expect(error.message).toContain(AZURITE_ACCOUNT);
    expect(error.message).not.toContain(SECRET);
    expect(inspect(error)).not.toContain(SECRET);
  });

  test('a TokenCredential over plain http is InvalidArgumentError (no bearer token without TLS)', async () => {
    const error = await caught(
      createFileSystem({
        backend: 'azure',
        accountUrl: endpointOf(connectionString),
        credential: tokenCredential,
        container: 'files',
      }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toMatch(/https/);
  });
});
