import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type DriverFileSystem, FileSystemError, InvalidArgumentError } from '../../../lib';
import { caught } from '../../conformance/expect-error';
import { BLOCK_BYTES } from '../../../lib/backends/azure/blocks';
import { describeAzure, useAzureStores } from './azure-env';

const MiB = 1024 * 1024;

describeAzure('azure: the driver contract', () => {
  const stores = useAzureStores();

  test('a sequential draft (write streams, writeFile) keeps no local copy and refuses to go back', async () => {
    const { fs } = await stores.open();
    const { driver } = fs as DriverFileSystem;
    const lock = (await driver.lock('f.bin', 15_000))!;
    const draft = await driver.createDraft('f.bin', lock, 'empty', { sequential: true });
    await draft.write(0, Buffer.from('abc'));
    for (const call of [
      () => draft.write(1, Buffer.from('x')),
      () => draft.truncate(1),
      () => draft.read(0, 3),
    ]) {
      const error = await caught(call);
      expect(error).toBeInstanceOf(FileSystemError);
      expect(error.message).toMatch(/sequential/);
    }
    await draft.write(3, Buffer.from('def'));
    await draft.commit();
    await lock.release();
    expect((await fs.readFile('f.bin')).toString()).toBe('abcdef');
  });

  test('a sequential append stream onto a blob with a small last block merges it', async () => {
    const { fs, raw } = await stores.open();
    const first = randomBytes(BLOCK_BYTES + 10);
    await pipeline(Readable.from([first]), await fs.openWriteStream('log.bin'));
    const more = randomBytes(BLOCK_BYTES + MiB);
    await pipeline(Readable.from([more]), await fs.openWriteStream('log.bin', { mode: 'a' }));
    expect((await fs.readFile('log.bin')).equals(Buffer.concat([first, more]))).toBe(true);
    const blocks = (await raw.getBlockBlobClient('log.bin').getBlockList('committed'))
      .committedBlocks!;
    expect(blocks.map((b) => b.size)).toEqual([BLOCK_BYTES, BLOCK_BYTES, MiB + 10]);
  });

  test("a lock of another backend is refused by the azure driver's drafts", async () => {
    const { fs } = await stores.open();
    const { driver } = fs as DriverFileSystem;
    const foreign = {
      path: 'f.bin',
      token: 't',
      renew: async () => true,
      release: async () => undefined,
    };
    expect(await caught(driver.createDraft('f.bin', foreign, 'empty'))).toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});
