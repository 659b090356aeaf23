import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileExistsError, FileNotFoundError } from '../../../lib';
import { caught, sleep } from '../../conformance/expect-error';
import { describeRedis, freshPrefix, useRedis } from './redis-env';
import { collect } from '../../support/read-back';

describeRedis('redis: the Python aiofs key layout', () => {
  const redis = useRedis();

  test('keys the Python library wrote (a plain SET of raw bytes at dir:sub:file.bin) read through aiofs', async () => {
    const prefix = freshPrefix('py');
    const raw = redis.raw();
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const big = randomBytes(3 * 1024 * 1024 + 5);
    await raw.set(`${prefix}dir:sub:file.bin`, bytes);
    await raw.set(`${prefix}top.txt`, 'hello');
    await raw.set(`${prefix}公司:合作协议.doc`, Buffer.from('中文内容'));
    await raw.set(`${prefix}big:blob.bin`, big);
    const fs = await redis.open({ keyPrefix: prefix });
    expect(await fs.ls()).toEqual([
      'big/blob.bin',
      'dir/sub/file.bin',
      'top.txt',
      '公司/合作协议.doc',
    ]);
    expect(await fs.ls('dir/*')).toEqual(['dir/sub/file.bin']);
    expect((await fs.readFile('dir/sub/file.bin')).equals(bytes)).toBe(true);
    expect(
      (await fs.readFile('dir/sub/file.bin', { start: 250 })).equals(bytes.subarray(250)),
    ).toBe(true);
    expect((await fs.stat('dir/sub/file.bin')).size).toBe(256);
    expect((await fs.readFile('公司/合作协议.doc')).toString()).toBe('中文内容');
    expect((await collect(await fs.openReadStream('big/blob.bin'))).equals(big)).toBe(true);
    const f = await fs.open('top.txt', 'r+');
    await f.seek(0, 'end');
    await f.write(', world');
    await f.close();
    expect(await raw.get(`${prefix}top.txt`)).toBe('hello, world');
  });

  test('aiofs writes, and a raw GET reads the exact bytes at the expected key', async () => {
    const prefix = freshPrefix('py');
    const raw = redis.raw();
    const fs = await redis.open({ keyPrefix: prefix });
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i));
    await fs.writeFile('dir/sub/file.bin', bytes);
    expect((await raw.getBuffer(`${prefix}dir:sub:file.bin`))!.equals(bytes)).toBe(true);

    const big = randomBytes(2 * 1024 * 1024 + 17);
    await pipeline(
      Readable.from([big.subarray(0, 1000), big.subarray(1000)]),
      await fs.openWriteStream('a/streamed.bin'),
    );
    expect((await raw.getBuffer(`${prefix}a:streamed.bin`))!.equals(big)).toBe(true);

    const log = await fs.open('a/streamed.bin', 'a');
    await log.write('tail');
    await log.close();
    expect(
      (await raw.getBuffer(`${prefix}a:streamed.bin`))!.equals(
        Buffer.concat([big, Buffer.from('tail')]),
      ),
    ).toBe(true);

    await fs.open('empty.txt', 'w', async () => undefined);
    expect(await raw.getBuffer(`${prefix}empty.txt`)).toEqual(Buffer.alloc(0));

    // nothing but the data keys is left: no lock, temp or snapshot key
    const keys = await raw.keys(`${prefix}*`);
    expect(keys.sort()).toEqual(
      [`${prefix}a:streamed.bin`, `${prefix}dir:sub:file.bin`, `${prefix}empty.txt`].sort(),
    );
    for (const key of keys) expect(await raw.type(key)).toBe('string');
  });

  test('other keys under the prefix: listed when they map to valid paths, hidden when not', async () => {
    const prefix = freshPrefix('foreign');
    const raw = redis.raw();
    for (const key of [
      'a::b',
      ':lead',
      'trail:',
      'x:..:y',
      'x:.:y',
      '.aiofs-x',
      'bad\\name',
      'ctl\u0001',
      'odd{x}',
      'with/slash',
    ]) {
      await raw.set(prefix + key, 'hidden');
    }
    await raw.set(Buffer.concat([Buffer.from(`${prefix}not-utf8-`), Buffer.from([0xff])]), 'x');
    await raw.set(`${prefix}ok:file`, 'ok');
    await raw.set(`${prefix}..ok`, 'ok');
    await raw.set(`${prefix}ok:caf\u00e9:\u{1f680}`, 'ok');
    await raw.hset(`${prefix}hash`, 'field', 'value');
    await raw.rpush(`${prefix}dir:list`, 'item');
    const fs = await redis.open({ keyPrefix: prefix });
    expect(await fs.ls()).toEqual(['..ok', 'ok/caf\u00e9/\u{1f680}', 'ok/file']);
    expect(await fs.readFile('ok/caf\u00e9/\u{1f680}')).toEqual(Buffer.from('ok'));

    const error = await caught(fs.readFile('hash'));
    expect(error).toBeInstanceOf(FileNotFoundError);
    expect(error.message).toMatch(/not a file/);
    expect(await caught(fs.readFile('hash', { start: 1 }))).toBeInstanceOf(FileNotFoundError);
    expect(await caught(fs.open('hash'))).toBeInstanceOf(FileNotFoundError);
    expect(await fs.exists('hash')).toBe(false);
    // Writing or removing it is refused (foreign-keys.spec.ts tries every write path).
    expect(await caught(fs.open('dir/list', 'r+'))).toBeInstanceOf(FileExistsError);
    expect(await caught(fs.rm('hash'))).toBeInstanceOf(FileExistsError);
    expect(await caught(fs.rm('hash', { missingOk: true }))).toBeInstanceOf(FileExistsError);
    expect(await fs.rm('*')).toBe(3);
    expect(await raw.type(`${prefix}hash`)).toBe('hash');
    expect(await raw.type(`${prefix}dir:list`)).toBe('list');
    expect(await raw.get(`${prefix}a::b`)).toBe('hidden');
  });

  test('a keyPrefix with glob specials lists its own keys only', async () => {
    const tag = randomBytes(4).toString('hex');
    const prefix = `g${tag}*[x]?\\^:`;
    const raw = redis.raw();
    await raw.set(`g${tag}ab[x]c\\^:other`, 'not ours');
    await raw.set(`g${tag}*x?\\^:other`, 'not ours');
    const fs = await redis.open({ keyPrefix: prefix });
    await fs.writeFile('mine.txt', 'ours');
    expect(await fs.ls()).toEqual(['mine.txt']);
    expect(await fs.ls('m*')).toEqual(['mine.txt']);
    expect(await raw.get(`${prefix}mine.txt`)).toBe('ours');
  });

  test('ttlSeconds makes files expire after their last commit (the Python expiry_s)', async () => {
    const prefix = freshPrefix('ttl');
    const raw = redis.raw();
    const fs = await redis.open({ keyPrefix: prefix, ttlSeconds: 1 });
    await fs.writeFile('by-write-file', 'x');
    await fs.open('by-handle', 'w', (f) => f.write('y'));
    await fs.writeFile('to-copy', 'z');
    await fs.cp('to-copy', 'copied');
    await fs.writeFile('to-move', 'm');
    await fs.mv('to-move', 'moved');
    for (const key of ['by-write-file', 'by-handle', 'copied', 'moved']) {
      const ttl = await raw.pttl(prefix + key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(1000);
    }
    // a file system without ttlSeconds makes what it commits permanent
    const permanent = await redis.open({ keyPrefix: prefix });
    await permanent.open('by-handle', 'a', (f) => f.write('!'));
    expect(await raw.pttl(`${prefix}by-handle`)).toBe(-1);
    await sleep(1300);
    expect(await fs.ls()).toEqual(['by-handle']);
    expect(await fs.exists('copied')).toBe(false);
    expect((await fs.readFile('by-handle')).toString()).toBe('y!');
  });
});
