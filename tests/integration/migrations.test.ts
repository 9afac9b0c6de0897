/**
 * prisma/migrations against real, EMPTY databases on both backends: they
 * apply from nothing, a second run applies nothing, the bookkeeping matches
 * Prisma's own (`_prisma_migrations`, sha256 checksums), an applied migration
 * that was edited afterwards is refused, and the resulting schema is exactly
 * what prisma/schema.prisma describes (tables, columns, types, nullability,
 * enums, keys, indexes, foreign keys). `prisma migrate diff` would need the
 * engine binaries, which are not available offline, hence the comparison here.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "../../lib/db";
import { applyMigrations, MigrationError, MIGRATIONS_DIR, planMigrations, readMigrations } from "../../lib/migrate";
import { BACKENDS, createEmptyDatabase } from "../support/databases";

const migrationNames = fs
  .readdirSync(MIGRATIONS_DIR)
  .filter((name) => fs.existsSync(path.join(MIGRATIONS_DIR, name, "migration.sql")))
  .sort();

describe.each(BACKENDS)("migrations on %s", (backend) => {
  let database: Database | undefined;
  const tempDirs: string[] = [];
  afterEach(async () => {
    await database?.close();
    database = undefined;
    for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("apply from an empty database, then a second run applies nothing", async () => {
    database = await createEmptyDatabase(backend);
    expect(migrationNames.length).toBeGreaterThan(0);
    expect(await applyMigrations(database.sql)).toEqual(migrationNames);
    expect(await applyMigrations(database.sql)).toEqual([]);
    const plan = await planMigrations(database.sql);
    expect(plan).toEqual({ applied: migrationNames, pending: [] });
  });

  it("record each migration in _prisma_migrations with Prisma's sha256 checksum of the file", async () => {
    database = await createEmptyDatabase(backend);
    await applyMigrations(database.sql);
    const rows = await database.sql.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
      applied_steps_count: number;
    }>(`SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count
          FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(rows.map((r) => r.migration_name)).toEqual(migrationNames);
    for (const row of rows) {
      const file = fs.readFileSync(path.join(MIGRATIONS_DIR, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(file).digest("hex"));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("refuse to go on when an applied migration was edited afterwards, and change nothing", async () => {
    database = await createEmptyDatabase(backend);
    await applyMigrations(database.sql);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-migrations-"));
    tempDirs.push(dir);
    fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    const edited = migrationNames[0]!;
    fs.appendFileSync(path.join(dir, edited, "migration.sql"), "\n-- an innocent-looking edit\n");
    // and a new migration behind it, which must not be applied either
    const extra = path.join(dir, "99990101000000_extra");
    fs.mkdirSync(extra);
    fs.writeFileSync(path.join(extra, "migration.sql"), `CREATE TABLE "migration_probe" (id int);`);

    const migrations = readMigrations(dir);
    await expect(applyMigrations(database.sql, migrations)).rejects.toThrow(MigrationError);
    await expect(planMigrations(database.sql, migrations)).rejects.toThrow(
      new RegExp(`migration ${edited} was edited after it was applied`),
    );
    const probe = await database.sql.query<{ present: boolean }>(
      `SELECT to_regclass('public.migration_probe') IS NOT NULL AS present`,
    );
    expect(probe[0]?.present).toBe(false);
  });

  it("refuse a database that has a migration this build does not know", async () => {
    database = await createEmptyDatabase(backend);
    await applyMigrations(database.sql);
    const older = readMigrations().slice(0, -1);
    await expect(planMigrations(database.sql, older)).rejects.toThrow(
      `the database has migration ${migrationNames.at(-1)}, which this build does not know`,
    );
  });

  it("produce exactly the schema of prisma/schema.prisma", async () => {
    database = await createEmptyDatabase(backend);
    await applyMigrations(database.sql);
    const schema = parsePrismaSchema(fs.readFileSync(path.resolve("prisma", "schema.prisma"), "utf8"));
    const actual = await readDatabaseSchema(database);

    expect(actual.enums).toEqual(Object.fromEntries([...schema.enums].sort(([a], [b]) => a.localeCompare(b))));
    expect(actual.tables).toEqual(schema.models.map((m) => m.name).sort());
    expect(actual.columns).toEqual(expectedColumns(schema.models));
    expect(actual.indexes).toEqual(schema.models.flatMap((m) => m.indexes.map((i) => `${m.name} ${i}`)).sort());
    expect(actual.foreignKeys).toEqual(schema.models.flatMap((m) => m.foreignKeys.map((f) => `${m.name} ${f}`)).sort());
  });
});

function expectedColumns(models: SchemaModel[]): string[] {
  return models
    .flatMap((m) => m.columns.map((c) => `${m.name}.${c.name} ${c.udt} ${c.nullable ? "NULL" : "NOT NULL"}`))
    .sort();
}

async function readDatabaseSchema(database: Database) {
  const q = database.sql.query.bind(database.sql);
  const enumRows = await q<{ name: string; labels: string }>(
    `SELECT t.typname AS name, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' GROUP BY t.typname ORDER BY t.typname`,
  );
  const tables = await q<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'`,
  );
  const columns = await q<{ t: string; c: string; udt: string; nullable: string }>(
    `SELECT table_name AS t, column_name AS c, udt_name AS udt, is_nullable AS nullable
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
  );
  const indexes = await q<{ t: string; kind: string; cols: string }>(
    `SELECT c.relname AS t,
            CASE WHEN i.indisprimary THEN 'primary' WHEN i.indisunique THEN 'unique' ELSE 'index' END AS kind,
            string_agg(a.attname::text, ',' ORDER BY k.ord) AS cols
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
      WHERE n.nspname = 'public' AND c.relname <> '_prisma_migrations'
      GROUP BY c.relname, i.indexrelid, i.indisprimary, i.indisunique`,
  );
  const fks = await q<{ t: string; cols: string; ref: string; refcols: string; del: string }>(
    `SELECT c.relname AS t, r.relname AS ref, con.confdeltype::text AS del,
            (SELECT string_agg(a.attname::text, ',' ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(n, ord)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n) AS cols,
            (SELECT string_agg(a.attname::text, ',' ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(n, ord)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n) AS refcols
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid
       JOIN pg_class r ON r.oid = con.confrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE con.contype = 'f' AND n.nspname = 'public'`,
  );
  const onDelete: Record<string, string> = { a: "NoAction", r: "Restrict", c: "Cascade", n: "SetNull", d: "SetDefault" };
  return {
    enums: Object.fromEntries(enumRows.map((e) => [e.name, e.labels.split(",")])),
    tables: tables.map((t) => t.name).sort(),
    columns: columns.map((c) => `${c.t}.${c.c} ${c.udt} ${c.nullable === "YES" ? "NULL" : "NOT NULL"}`).sort(),
    indexes: indexes.map((i) => `${i.t} ${i.kind}(${i.cols})`).sort(),
    foreignKeys: fks.map((f) => `${f.t} (${f.cols})->${f.ref}(${f.refcols}) onDelete:${onDelete[f.del] ?? f.del}`).sort(),
  };
}

// ---------------------------------------------------------------------------
// A small reader of prisma/schema.prisma: just what the comparison needs.

interface SchemaModel {
  name: string;
  columns: { name: string; udt: string; nullable: boolean }[];
  /** "primary(a,b)", "unique(a)", "index(a,b)" */
  indexes: string[];
  /** "(col)->Model(col) onDelete:Cascade" */
  foreignKeys: string[];
}

const SCALAR_UDT: Record<string, string> = {
  String: "text",
  Int: "int4",
  BigInt: "int8",
  Boolean: "bool",
  DateTime: "timestamp",
  Json: "jsonb",
  Float: "float8",
  Decimal: "numeric",
  Bytes: "bytea",
};
const NATIVE_UDT: Record<string, string> = { Uuid: "uuid", Timestamptz: "timestamptz", Timestamp: "timestamp", Text: "text", VarChar: "varchar", Decimal: "numeric" };

function listArg(text: string, key?: string): string {
  const match = key ? new RegExp(`${key}:\\s*\\[([^\\]]*)\\]`).exec(text) : /\[([^\]]*)\]/.exec(text);
  if (!match) throw new Error(`cannot read ${key ?? "field list"} in: ${text}`);
  return match[1]!.split(",").map((s) => s.trim()).filter(Boolean).join(",");
}

function parsePrismaSchema(text: string): { enums: Map<string, string[]>; models: SchemaModel[] } {
  const blocks = [...text.matchAll(/^(model|enum)\s+(\w+)\s*\{([\s\S]*?)^\}/gm)].map((m) => ({
    kind: m[1]!,
    name: m[2]!,
    lines: m[3]!
      .split("\n")
      .map((l) => l.replace(/\/\/.*$/, "").trim())
      .filter(Boolean),
  }));
  const enums = new Map(blocks.filter((b) => b.kind === "enum").map((b) => [b.name, b.lines] as const));
  const modelNames = new Set(blocks.filter((b) => b.kind === "model").map((b) => b.name));
  const models = blocks
    .filter((b) => b.kind === "model")
    .map((block) => {
      const model: SchemaModel = { name: block.name, columns: [], indexes: [], foreignKeys: [] };
      for (const line of block.lines) {
        const block_ = /^@@(id|unique|index)\((.*)\)$/.exec(line);
        if (block_) {
          const kind = block_[1] === "id" ? "primary" : block_[1]!;
          model.indexes.push(`${kind}(${listArg(block_[2]!)})`);
          continue;
        }
        if (line.startsWith("@@")) continue;
        const field = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
        if (!field) throw new Error(`cannot read field line in model ${block.name}: ${line}`);
        const [, name, type, list, optional, attrs] = field as unknown as [string, string, string, string | undefined, string | undefined, string];
        if (modelNames.has(type)) {
          const relation = /@relation\((.*)\)/.exec(attrs);
          if (relation && /fields:/.test(relation[1]!)) {
            const onDelete = /onDelete:\s*(\w+)/.exec(relation[1]!)?.[1] ?? (optional ? "SetNull" : "Restrict");
            model.foreignKeys.push(
              `(${listArg(relation[1]!, "fields")})->${type}(${listArg(relation[1]!, "references")}) onDelete:${onDelete}`,
            );
          }
          continue;
        }
        const native = /@db\.(\w+)/.exec(attrs)?.[1];
        const base = enums.has(type) ? type : native ? NATIVE_UDT[native] : SCALAR_UDT[type];
        if (!base) throw new Error(`unknown type ${type}${native ? ` @db.${native}` : ""} in ${block.name}.${name}`);
        // Prisma creates scalar-list columns without NOT NULL (`TEXT[] DEFAULT ARRAY[]::TEXT[]`).
        model.columns.push({ name, udt: list ? `_${base}` : base, nullable: Boolean(optional) || Boolean(list) });
        if (/@id\b/.test(attrs)) model.indexes.push(`primary(${name})`);
        if (/@unique\b/.test(attrs)) model.indexes.push(`unique(${name})`);
      }
      return model;
    });
  return { enums, models };
}
