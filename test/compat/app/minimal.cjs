// A Nest app with none of aiofs's optional peers: aiofs loads, and each missing package is an
// ENOPKG error that says what to install.
const assert = require('node:assert/strict');

async function main() {
  const aiofs = require('aiofs');
  const fs = await aiofs.createFileSystem('memory://');
  await fs.writeFile('a.txt', 'b');
  assert.equal((await fs.readFile('a.txt')).toString(), 'b');
  await fs.close();

  const redis = await aiofs.createFileSystem('redis://127.0.0.1:1').catch((error) => error);
  assert.equal(redis.code, 'ENOPKG');
  assert.equal(redis.message, "Backend 'redis' needs the package ioredis: npm install ioredis");
  const azure = await aiofs
    .createFileSystem({
      backend: 'azure',
      container: 'files',
      connectionString: 'UseDevelopmentStorage=true',
    })
    .catch((error) => error);
  assert.equal(azure.code, 'ENOPKG');
  assert.match(
    azure.message,
    /needs the package @azure\/storage-blob: npm install @azure\/storage-blob/,
  );

  const health = 'aiofs/health needs the package @nestjs/terminus: npm install @nestjs/terminus';
  assert.throws(() => require('aiofs/health'), { code: 'ENOPKG', message: health });
  // aiofs/http needs only @nestjs/common (Multer comes with the app's @nestjs/platform-express)
  const http = require('aiofs/http');
  assert.equal(typeof http.serveFile, 'function');
  assert.equal(typeof http.aiofsStorage(fs, { path: () => 'x' })._handleFile, 'function');
  const esm = await import('aiofs');
  assert.equal(typeof esm.AiofsModule.forRoot, 'function');
  await assert.rejects(import('aiofs/health'), { code: 'ENOPKG', message: health });
  console.log('compat checks passed');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
