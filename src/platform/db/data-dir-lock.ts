import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";

// PGlite is PostgreSQL in this process's memory, writing its files under the data folder. A
// second process opening the same folder gets its own copy of the database: what it writes is
// lost or overwrites the first one's, silently. So one process owns the folder, recorded in a
// lock file beside the database, and any other is refused before it touches a file.
//
// The lock file also tells other commands how to reach the owner: a server records its URL and
// a token for its loopback admin endpoint, so `rebound tenant create` and `rebound demo` can
// work through the running server instead of being refused. The file is readable only by its
// owner (mode 0600), like the database files themselves.

export const LOCK_FILE = "rebound.lock";

/** What the lock file says about the process that owns the data folder. */
export interface DataDirHolder {
  pid: number;
  host: string;
  /** The command line that took the lock, for the refusal message. */
  command: string;
  startedAt: string;
  /** Set by a server once it listens: where its GraphQL API answers. */
  url?: string;
  /** Set by a server: the loopback admin endpoint's base URL and the token it requires. */
  adminUrl?: string;
  adminToken?: string;
}

export class DataDirBusyError extends Error {
  readonly code = "DATA_DIR_BUSY";
  constructor(
    readonly dataDir: string,
    readonly holder: DataDirHolder,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by another Rebound process ` +
        `(pid ${holder.pid} on ${holder.host}, "${holder.command}", since ${holder.startedAt}` +
        `${holder.url ? `, serving ${holder.url}` : ""}). ` +
        `The embedded database serves one process at a time: stop that process first, ` +
        `or give both a PostgreSQL server with DATABASE_URL. ` +
        `(rebound tenant create and rebound demo work through a running server by themselves.)`,
    );
  }
}

export interface DataDirLock {
  readonly path: string;
  /** Adds what a server knows once it listens (URL, admin endpoint) to the lock file. */
  update(extra: Pick<DataDirHolder, "url" | "adminUrl" | "adminToken">): void;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readHolder(path: string): DataDirHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<DataDirHolder>;
    return typeof parsed.pid === "number" && typeof parsed.host === "string" ? (parsed as DataDirHolder) : null;
  } catch {
    return null;
  }
}

/**
 * Whether a holder still owns the folder. A lock left by a process that died (SIGKILL, power
 * loss) names a pid that is gone, or our own pid after a container restart reused it. A lock
 * from another host (a shared volume) cannot be checked, so it counts as held.
 */
function holds(holder: DataDirHolder): boolean {
  if (holder.host !== hostname()) return true;
  return holder.pid !== process.pid && isAlive(holder.pid);
}

/** The live owner of a data folder, or null when it is free. */
export function dataDirHolder(dataDir: string): DataDirHolder | null {
  const holder = readHolder(join(resolve(dataDir), LOCK_FILE));
  return holder && holds(holder) ? holder : null;
}

/** Takes the data folder for this process, or throws DataDirBusyError naming its owner. */
export function lockDataDir(dataDir: string): DataDirLock {
  const dir = resolve(dataDir);
  const path = join(dir, LOCK_FILE);
  let holder: DataDirHolder = {
    pid: process.pid,
    host: hostname(),
    command: ["rebound", ...process.argv.slice(2)].join(" "),
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; ; attempt++) {
    try {
      // "wx": created only if absent, atomically, so two processes cannot both win.
      const fd = openSync(path, "wx", 0o600);
      writeSync(fd, JSON.stringify(holder));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const current = readHolder(path);
      if (current && holds(current)) throw new DataDirBusyError(dir, current);
      // A stale lock (or one being written this instant: the retry then sees it held). It is
      // moved aside and checked before removal: if another process cleared the stale lock and
      // took the folder in between, what was moved is that process's live lock, put back.
      if (attempt >= 2) throw new DataDirBusyError(dir, current ?? holder);
      const aside = `${path}.stale-${process.pid}`;
      try {
        renameSync(path, aside);
      } catch {
        continue; // another process moved it first
      }
      const moved = readHolder(aside);
      if (moved && holds(moved)) {
        renameSync(aside, path);
        throw new DataDirBusyError(dir, moved);
      }
      unlinkSync(aside);
    }
  }

  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener("exit", release);
    const current = readHolder(path);
    if (current?.pid === process.pid && current.host === holder.host) unlinkSync(path);
  };
  // A process that exits without closing the database (an uncaught error) still frees the folder.
  process.on("exit", release);
  return {
    path,
    update(extra) {
      holder = { ...holder, ...extra };
      writeFileSync(path, JSON.stringify(holder), { mode: 0o600 });
    },
    release,
  };
}
