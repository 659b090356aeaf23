import { BlockingIOError, FileExistsError } from '../../../lib';
import { type ChildCallError, ChildFs } from '../../support/child-fs';
import { caught } from '../../conformance/expect-error';
import { BLOCK_BYTES } from '../../../lib/backends/azure/blocks';
import { describeAzure, useAzureStores } from './azure-env';

const MiB = 1024 * 1024;

describeAzure('azure: writers in other processes', () => {
  const stores = useAzureStores();
  const children: ChildFs[] = [];
  afterEach(async () => {
    await Promise.allSettled(children.splice(0).map((c) => c.exit()));
  });
  const start = async (options: object) => {
    const child = await ChildFs.start(options);
    children.push(child);
    return child;
  };

  test('a holder killed mid-write frees the path within one lease, and its blocks never show', async () => {
    const { fs, options, raw } = await stores.open({ lockTtlMs: 15_000 });
    await fs.writeFile('f.bin', 'old');
    const child = await start(options);
    await child.open('f.bin', 'w');
    // more than a block: the child has staged blocks when it dies
    await child.write(Buffer.alloc(BLOCK_BYTES + MiB, 1));
    expect(await caught(fs.open('f.bin', 'r+'))).toBeInstanceOf(BlockingIOError);
    const killedAt = Date.now();
    child.kill('SIGKILL');
    const f = await fs.open('f.bin', 'r+', { lockTimeoutMs: 25_000 });
    const waited = Date.now() - killedAt;
    expect(waited).toBeLessThanOrEqual(15_000 + 2_000);
    expect((await f.read()).toString()).toBe('old');
    await f.write('new');
    await f.close();
    expect((await fs.readFile('f.bin')).toString()).toBe('oldnew');
    expect(await fs.ls()).toEqual(['f.bin']);
    const names: string[] = [];
    for await (const blob of raw.listBlobsFlat()) names.push(blob.name);
    expect(names).toEqual(['f.bin']);
  }, 60_000);

  test.each(['x', 'w'] as const)(
    "two processes opening the same new blob in mode '%s' at once: exactly one wins",
    async (mode) => {
      const { fs, options } = await stores.open();
      const [a, b] = await Promise.all([start(options), start(options)]);
      for (let round = 0; round < 5; round++) {
        const path = `new-${round}.txt`;
        const outcomes = await Promise.allSettled([a.open(path, mode), b.open(path, mode)]);
        const winners = outcomes.filter((o) => o.status === 'fulfilled');
        expect(winners).toHaveLength(1);
        const loser = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
        expect((loser.reason as ChildCallError).remote.name).toBe('BlockingIOError');
        const winner = outcomes[0].status === 'fulfilled' ? a : b;
        await winner.write(`from ${winner === a ? 'a' : 'b'}`);
        expect(await fs.exists(path)).toBe(false);
        await winner.close();
        expect((await fs.readFile(path)).toString()).toBe(`from ${winner === a ? 'a' : 'b'}`);
      }
      // once created, 'x' is refused by both
      if (mode === 'x') {
        const error = await caught(a.open('new-0.txt', 'x'));
        expect((error as ChildCallError).remote.name).toBe(FileExistsError.name);
      }
    },
    60_000,
  );

  test('a writeFile in this process and an x open in another: one creates, the other fails', async () => {
    const { fs, options } = await stores.open();
    const child = await start(options);
    for (let round = 0; round < 5; round++) {
      const path = `race-${round}.txt`;
      const [mine, theirs] = await Promise.allSettled([
        fs.writeFile(path, 'parent', { exclusive: true }),
        child
          .open(path, 'x')
          .then(() => child.write('child'))
          .then(() => child.close()),
      ]);
      const won = [mine, theirs].filter((o) => o.status === 'fulfilled');
      expect(won).toHaveLength(1);
      const content = (await fs.readFile(path)).toString();
      expect(content).toBe(mine.status === 'fulfilled' ? 'parent' : 'child');
    }
  }, 60_000);
});
