/**
 * A second OS process for the conformance suite: opens the same store from the options it is
 * given and runs the commands its parent sends over IPC. Run with ts-node (see child-fs.ts).
 */
import {
  createFileSystem,
  type FileLike,
  type FileLikeSystem,
  type FileSystemOptions,
} from '../../lib';

type Command =
  | { op: 'open'; path: string; mode: string; lockTimeoutMs?: number }
  | { op: 'write'; data: string }
  | { op: 'close' }
  | { op: 'abort' }
  | { op: 'readFile'; path: string }
  | { op: 'writeFile'; path: string; data: string }
  | { op: 'exit' };

let fs: FileLikeSystem;
let handle: FileLike | undefined;

async function run(command: Command): Promise<unknown> {
  switch (command.op) {
    case 'open':
      handle = await fs.open(command.path, command.mode as 'w', {
        lockTimeoutMs: command.lockTimeoutMs,
      });
      return undefined;
    case 'write':
      return handle!.write(Buffer.from(command.data, 'base64'));
    case 'close':
      return handle!.close();
    case 'abort':
      return handle!.abort();
    case 'readFile':
      return (await fs.readFile(command.path)).toString('base64');
    case 'writeFile':
      return fs.writeFile(command.path, Buffer.from(command.data, 'base64'));
    case 'exit':
      await fs.close();
      process.exit(0);
  }
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2]) as FileSystemOptions;
  fs = await createFileSystem(options);
  process.on('message', (message: { id: number; command: Command }) => {
    run(message.command).then(
      (result) => process.send!({ id: message.id, ok: true, result }),
      (error: Error & { code?: string }) =>
        process.send!({
          id: message.id,
          ok: false,
          error: { name: error.name, code: error.code, message: error.message },
        }),
    );
  });
  process.send!({ id: 0, ok: true, result: 'ready' });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
