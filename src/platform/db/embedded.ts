import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { lockDataDir, type DataDirLock } from "./data-dir-lock";

// The newcomer's database: PostgreSQL compiled to WASM (PGlite), kept under dataDir and
// served on a loopback port so the ordinary pg driver and TypeORM talk to it unchanged.
// PGlite is single-connection: the pool in front of it must have max 1. It is also
// single-process: the data folder is locked before PGlite reads a byte of it.

export interface EmbeddedDatabase {
  url: string;
  /** This process's hold on the data folder (a server adds its URL to it). */
  lock: DataDirLock;
  stop(): Promise<void>;
}

export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  mkdirSync(resolve(dataDir), { recursive: true });
  const lock = lockDataDir(dataDir);
  try {
    const dir = resolve(dataDir, "pglite");
    mkdirSync(dir, { recursive: true });
    const db = await PGlite.create({ dataDir: dir });
    const server = new PGLiteSocketServer({ db, port: 0, host: "127.0.0.1" });
    await server.start();
    // "host:port" of the listening socket (port 0 asked the OS for a free one).
    const port = Number(server.getServerConn().split(":").pop());
    if (!Number.isInteger(port) || port <= 0) throw new Error("embedded database did not report its port");
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      lock,
      async stop() {
        try {
          await server.stop();
          await db.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}
