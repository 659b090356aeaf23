import { createFileSystem, type FileLikeSystem, type FileSystemOptions } from '../../lib';

/** What a backend declares to run the conformance suite (OpenDAL-style capabilities). */
export interface ConformanceTarget {
  name: string;
  /** Options of a fresh, empty store; JSON-serialisable when `crossProcess`. */
  newStore(): Promise<FileSystemOptions>;
  capabilities: {
    /** Another OS process can open the same store. */
    crossProcess: boolean;
    /** Two file system objects in one process can share a store. */
    sharedStore: boolean;
    /** The shortest lease the backend accepts (Azure leases: 15 s). */
    minLockTtlMs: number;
    /** A file `a` and a file `a/b` can exist together (not on a disk). */
    fileAndFolderSameName: boolean;
    /** A size that spans several of the backend's read chunks (for snapshot tests). */
    bigFileBytes: number;
    /**
     * The grain of the server clock that expires a lock (S3: HTTP dates have whole seconds, so a
     * lock counts as expired up to two grains after its TTL). Default 0.
     */
    lockClockGrainMs?: number;
  };
  /** Paths valid elsewhere that this backend refuses (Redis: `:`, `{`, `}`). */
  invalidPaths?: string[];
  /** When the backend's servers are not there: the reason, and the suite is skipped (or fails under AIOFS_TEST_REQUIRE_ALL). */
  unavailable?: () => string | undefined;
}

export interface Context {
  readonly fs: FileLikeSystem;
  readonly options: FileSystemOptions;
  readonly target: ConformanceTarget;
  /** Another file system object on the same store (or the same one where stores cannot be shared). */
  sibling(extra?: Partial<FileSystemOptions>): Promise<FileLikeSystem>;
  /** A file system on a fresh store with extra options (e.g. a short lockTtlMs). */
  fresh(
    extra?: Partial<FileSystemOptions>,
  ): Promise<{ fs: FileLikeSystem; options: FileSystemOptions }>;
}

/** Registers beforeEach/afterEach that give every test a fresh, empty file system. */
export function useContext(target: ConformanceTarget): Context {
  const opened: FileLikeSystem[] = [];
  let fs: FileLikeSystem | undefined;
  let options: FileSystemOptions | undefined;
  const open = async (o: FileSystemOptions) => {
    const created = await createFileSystem(o);
    opened.push(created);
    return created;
  };
  beforeEach(async () => {
    options = await target.newStore();
    fs = await open(options);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((f) => f.close()));
  });
  return {
    get fs() {
      return fs!;
    },
    get options() {
      return options!;
    },
    target,
    sibling: async (extra = {}) =>
      target.capabilities.sharedStore ? open({ ...options!, ...extra } as FileSystemOptions) : fs!,
    fresh: async (extra = {}) => {
      const o = { ...(await target.newStore()), ...extra } as FileSystemOptions;
      return { fs: await open(o), options: o };
    },
  };
}
