/**
 * The local backend's part of the "Hostile" section of docs/reliability.md: what the adversarial
 * review of issue 14 tried, as regression tests in test/backends/local (they run in `npm test`),
 * and what they measured in one run before and after the fix. Figures by hand, from those tests'
 * output (2 shared cores, ext4, Linux with /proc).
 */
export const HOSTILE_LOCAL = `### Local

Linux with \`/proc\` (where paths resolve through held folder descriptors); on macOS and Windows a
folder swapped mid-call can still be followed ([semantics.md](semantics.md#local)).

| attack | test | tried | found on the code before the fix | found now |
| --- | --- | --- | --- | --- |
| a folder of the root swapped for a symlink to an outside folder while calls are in flight | \`escape-race.spec.ts\`: a swapper process exchanges \`root/a\` (then \`root/a/sub\`) with the link for 5 s each, with \`renameat2(RENAME_EXCHANGE)\` (C, built with gcc) or plain renames (Node, without gcc), while 21 calls run in loops on \`a/…\` (readFile, ranges, \`r\`, read stream, stat, exists, \`r+\`, \`a+\`, \`w\`, \`x\`, \`openWriteStream\`, writeFile, cp both ways, mv, rm, ls, scan) | renameat2: 1 478 + 1 675 calls during 217 344 + 224 768 swaps; Node renames: 1 222 + 2 465 calls during 60 916 + 114 504 swaps | \`root/a\`: 516 results carried outside data (readFile 50, deeper 49, ranges 46, \`r\` 48, read stream 38, stat 139, exists 94, \`r+\` 1, cp 19, ls 32), 33 files created outside, 2 replaced, 1 moved out, 65 temp files and lock entries left there; \`root/a/sub\`: 89 outside reads, 8 files created outside, 24 entries left (one run, renameat2) | 0 outside reads, 0 outside writes, 0 temp files or lock entries outside, 0 unexpected errors |
| a FIFO or a socket at a path | \`special-files.spec.ts\`: every call on it, each under a 10 s watchdog that opens the FIFO's other end | 13 cases (reads, \`r+\`, \`a\`, \`a+\`, \`openWriteStream({ mode: 'a' })\`, cp, mv, on a FIFO and a socket; a FIFO where a lock entry should be) | \`a\`, \`a+\` and \`openWriteStream({ mode: 'a' })\` hung until the watchdog (a libuv thread blocked, the lock renewed forever) | none waits: reads find nothing; \`r+\`, cp, mv are \`FileNotFoundError\`; \`a\`/\`a+\` start empty and commit a regular file; a FIFO entry counts as held 30 s, then is broken |
| a sparse file copied by a later call | \`sparse.spec.ts\`: a 256 MiB hole and 1 byte (8 blocks of 512 B) | \`r+\`, \`a\`, \`a+\`, \`openWriteStream({ mode: 'a' })\`, cp, mv; content checked on both sides of the hole | each copy wrote the hole: 524 304 blocks (256 MiB) | 16 blocks (8 KiB) after \`r+\`, \`a\` or cp |
| a writer whose rename waits in the thread pool past its lease | \`stale-commit.spec.ts\`: this process's rename is held (every pool thread blocked on a FIFO open) past its 1.5 s lease while another process breaks the lock and appends | 4 rounds | 28–35 of the other process's committed appends lost per run; the late writer's \`close()\` resolved | 0 lost; the late \`close()\` threw \`BlockingIOError\` 4 of 4 times |
| a release, break, rm or mv landing after the lock was taken over | \`local-lock.spec.ts\` | a late release, a fenced commit, rm, and mv (source or target lock lost) | (the old entries were removed by a plain unlink after a clock check) | the newer holder's entry and data stay every time |
| two roots that nest (\`R\` and \`R/sub\`), and a root reached through a symlink | \`nested-roots.spec.ts\`, two processes | open, writeFile and rm both ways; 3 s of appends through both roots at once | 3 of 3 cases failed: both roots wrote the file at once | one lock per file; no append lost |
`;
