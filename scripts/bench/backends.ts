/**
 * Runs a benchmark body on each requested backend: embedded PGlite in a temp
 * directory, and a throwaway PostgreSQL cluster (database "bench"); both are
 * removed afterwards.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Pool } from "pg";
import { openDatabase, type Database } from "../../lib/db";
import { startCluster, type Cluster } from "../../tests/support/postgres-cluster";

export async function onEachBackend(
  backends: readonly string[],
  /** `url`: the PostgreSQL connection string (absent on PGlite), for code that opens connections of its own. */
  run: (label: string, database: Database, url?: string) => Promise<void>,
): Promise<void> {
  if (backends.includes("pglite")) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-bench-"));
    const database = await openDatabase({ dataDir: dir });
    try {
      await run("pglite (embedded, temp dir)", database);
    } finally {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  if (backends.includes("postgresql")) {
    let cluster: Cluster | undefined;
    try {
      cluster = startCluster();
      const admin = new Pool({ connectionString: cluster.url(), max: 1 });
      await admin.query(`CREATE DATABASE bench`);
      await admin.end();
      const database = await openDatabase({ url: cluster.url("bench") });
      try {
        await run("postgresql (throwaway cluster)", database, cluster.url("bench"));
      } finally {
        await database.close();
      }
    } finally {
      cluster?.stop();
    }
  }
}
