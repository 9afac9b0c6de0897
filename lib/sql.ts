/**
 * A minimal raw-SQL connection, used where Prisma is not the right tool:
 * applying migrations (multi-statement scripts) and tests that must poke the
 * database directly. Both backends expose the same two calls.
 */
import type { PGlite } from "@electric-sql/pglite";
import type { Pool } from "pg";

export interface RawSql {
  readonly kind: "pglite" | "postgresql";
  /** Run a script of one or more statements, no parameters. */
  exec(script: string): Promise<void>;
  /** Run one parameterized statement. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Run `fn` inside one transaction on one connection. */
  transaction<T>(fn: (tx: Omit<RawSql, "transaction">) => Promise<T>): Promise<T>;
}

export function pgliteSql(pg: PGlite): RawSql {
  const base = {
    kind: "pglite" as const,
    async exec(script: string) {
      await pg.exec(script);
    },
    async query<T>(text: string, params: unknown[] = []) {
      return (await pg.query<T>(text, params)).rows;
    },
  };
  return {
    ...base,
    transaction: (fn) =>
      pg.transaction(async (tx) =>
        fn({
          kind: "pglite",
          exec: async (script) => {
            await tx.exec(script);
          },
          query: async <T>(text: string, params: unknown[] = []) => (await tx.query<T>(text, params)).rows,
        }),
      ),
  };
}

export function postgresSql(pool: Pool): RawSql {
  return {
    kind: "postgresql",
    async exec(script) {
      await pool.query(script);
    },
    async query<T>(text: string, params: unknown[] = []) {
      return (await pool.query(text, params)).rows as T[];
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn({
          kind: "postgresql",
          exec: async (script) => {
            await client.query(script);
          },
          query: async <T>(text: string, params: unknown[] = []) =>
            (await client.query(text, params)).rows as T[],
        });
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

/** A Prisma client or transaction seen as RawSql's `query`, for raw-SQL helpers called from Prisma code. */
export function prismaQuery(prisma: { $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> }): Pick<RawSql, "query"> {
  return { query: <T>(text: string, params: unknown[] = []) => prisma.$queryRawUnsafe<T[]>(text, ...params) };
}
