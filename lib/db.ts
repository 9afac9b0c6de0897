/**
 * The only place that constructs a database client.
 *
 * Embedded default: PGlite (PostgreSQL in WebAssembly, in-process) persisted
 * in CELLGATE_DATA_DIR/pgdata, guarded by a lock file. At scale: PostgreSQL
 * through DATABASE_URL, with any number of stateless replicas.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import path from "node:path";
import { PrismaClient } from "./generated/prisma/client";
import { acquireDataDirLock } from "./pglite-lock";
import { pgliteSql, postgresSql, type RawSql } from "./sql";

export type Db = PrismaClient;
/** The client handed to code running inside `db.$transaction(async (tx) => …)`. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

/** A place to run one SQL statement: a Prisma transaction (or client), or raw SQL (RawSql or one of its transactions). */
export type SqlTarget = Tx | Pick<RawSql, "query">;

/** Run `text` with positional parameters ($1, $2 …) on either kind of target. */
export function queryOn<T>(target: SqlTarget, text: string, params: readonly unknown[] = []): Promise<T[]> {
  if ("$queryRawUnsafe" in target) return (target as Tx).$queryRawUnsafe<T[]>(text, ...params);
  return (target as Pick<RawSql, "query">).query<T>(text, params as unknown[]);
}

export interface Database {
  kind: "pglite" | "postgresql";
  prisma: PrismaClient;
  sql: RawSql;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgresql:// URL; when absent, PGlite in `dataDir`. */
  url?: string;
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const [{ Pool }, { PrismaPg }] = await Promise.all([import("pg"), import("@prisma/adapter-pg")]);
    const pool = new Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // An idle connection the server closes (restart, failover, a forced DROP
    // DATABASE in tests) must not crash the process; the next query reconnects.
    pool.on("error", (error: Error & { code?: string }) => {
      if (error.code !== "57P01") console.warn(`[db] idle PostgreSQL connection lost: ${error.message}`);
    });
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    return withCommitHooks({
      kind: "postgresql",
      prisma,
      sql: postgresSql(pool),
      async close() {
        await prisma.$disconnect();
        await pool.end().catch(() => undefined);
      },
    });
  }
  const dir = path.resolve(/*turbopackIgnore: true*/ options.dataDir ?? "./.cellgate");
  const release = acquireDataDirLock(dir);
  try {
    const [{ PGlite }, { PrismaPGlite }] = await Promise.all([
      import("@electric-sql/pglite"),
      import("pglite-prisma-adapter"),
    ]);
    const pg = await PGlite.create(path.join(dir, "pgdata"));
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pg) });
    return withCommitHooks({
      kind: "pglite",
      prisma,
      sql: pgliteSql(pg),
      async close() {
        await prisma.$disconnect();
        await pg.close();
        release();
      },
    });
  } catch (error) {
    release();
    throw error;
  }
}

/** An in-memory PGlite (tests, scratch work): nothing persisted, no lock. */
export async function openMemoryDatabase(): Promise<Database> {
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("pglite-prisma-adapter"),
  ]);
  const pg = await PGlite.create();
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pg) });
  return withCommitHooks({
    kind: "pglite",
    prisma,
    sql: pgliteSql(pg),
    async close() {
      await prisma.$disconnect();
      await pg.close();
    },
  });
}

// ---------------------------------------------------------------------------
// After-commit hooks. Work that must follow a transaction's commit — the audit
// sequencer integrating the leaves the transaction wrote, so its receipt can
// name its place in the chain — is registered from inside the transaction
// with `afterCommitOnce` and runs once the transaction has committed, before the
// `$transaction` / `sql.transaction` call returns to its caller. A rolled-back
// transaction runs none. A failing hook is logged, never turned into a failure
// of a transaction that did commit.

type CommitHook = (database: Database) => Promise<void>;
interface CommitScope {
  database: Database;
  hooks: CommitHook[];
  /** Per-transaction state of keyed hooks (see `afterCommitOnce`). */
  keyed: Map<symbol, unknown>;
}
// On globalThis, like the database singleton below: a bundler may load this
// module more than once in one process (Next.js's server layers), and a
// transaction begun through one copy must see hooks registered through another.
const globalForScopes = globalThis as unknown as { __cellgateCommitScopes?: AsyncLocalStorage<CommitScope> };
const commitScopes = (globalForScopes.__cellgateCommitScopes ??= new AsyncLocalStorage<CommitScope>());

/**
 * One hook per transaction for `key`, however many times it is asked for:
 * returns the transaction's state for `key` (made by `create` the first
 * time, when `hook` is registered to run with it after commit), or null
 * outside a transaction.
 */
export function afterCommitOnce<T>(key: symbol, create: () => T, hook: (state: T, database: Database) => Promise<void>): T | null {
  const scope = commitScopes.getStore();
  if (!scope) return null;
  if (!scope.keyed.has(key)) {
    const state = create();
    scope.keyed.set(key, state);
    scope.hooks.push((database) => hook(state, database));
  }
  return scope.keyed.get(key) as T;
}

async function inCommitScope<T>(database: Database, run: () => Promise<T>): Promise<T> {
  const scope: CommitScope = { database, hooks: [], keyed: new Map() };
  const result = await commitScopes.run(scope, run);
  // Outside the scope: a hook's own transactions start scopes of their own.
  for (const hook of scope.hooks) {
    await hook(database).catch((error: unknown) => console.error("[db] after-commit hook failed:", error));
  }
  return result;
}

/** Every transaction of this database (Prisma's and raw SQL's) runs its after-commit hooks. */
function withCommitHooks(database: Database): Database {
  const { prisma, sql } = database;
  const prismaTransaction = prisma.$transaction.bind(prisma) as (...args: unknown[]) => Promise<unknown>;
  Object.defineProperty(prisma, "$transaction", {
    configurable: true,
    value: (...args: unknown[]) => inCommitScope(database, () => prismaTransaction(...args)),
  });
  const sqlTransaction = sql.transaction.bind(sql);
  database.sql = { ...sql, transaction: (fn) => inCommitScope(database, () => sqlTransaction(fn)) };
  return database;
}

// ---------------------------------------------------------------------------
// The application's singleton (one per process, kept on globalThis so hot
// reload in development does not open PGlite twice).

const globalForDb = globalThis as unknown as { __cellgateDb?: Promise<Database> };

export function database(): Promise<Database> {
  if (!globalForDb.__cellgateDb) {
    globalForDb.__cellgateDb = (async () => {
      const { env, dataDir } = await import("./env");
      const e = env();
      return openDatabase({ url: e.DATABASE_URL, dataDir: dataDir() });
    })();
    globalForDb.__cellgateDb.catch(() => {
      globalForDb.__cellgateDb = undefined; // let the next request try again
    });
  }
  return globalForDb.__cellgateDb;
}

/** Shorthand: the singleton's Prisma client. */
export async function db(): Promise<PrismaClient> {
  return (await database()).prisma;
}

/** Install a database as the process singleton (tests and the CLI). */
export function setDatabase(database: Database | undefined): void {
  globalForDb.__cellgateDb = database ? Promise.resolve(database) : undefined;
}
