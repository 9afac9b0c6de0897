import "server-only";
import { database } from "@/lib/db";

export interface HealthReport {
  status: "ok" | "unavailable";
  database: { kind: "pglite" | "postgresql" | "unknown"; readable: boolean; writable: boolean; error?: string };
  version: string;
}

/** Can the console read and write its database? The write is a rolled-back probe. */
export async function checkHealth(version: string): Promise<HealthReport> {
  let kind: HealthReport["database"]["kind"] = "unknown";
  try {
    const database_ = await database();
    kind = database_.kind;
    await database_.sql.query("SELECT 1");
    await database_.sql.transaction(async (tx) => {
      await tx.query(`CREATE TEMP TABLE IF NOT EXISTS cellgate_health_probe (t timestamptz) ON COMMIT DROP`);
      await tx.query(`INSERT INTO cellgate_health_probe VALUES (now())`);
    });
    return { status: "ok", database: { kind, readable: true, writable: true }, version };
  } catch (error) {
    return {
      status: "unavailable",
      database: { kind, readable: false, writable: false, error: describeDbError(error) },
      version,
    };
  }
}

function describeDbError(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === "ECONNREFUSED") return "connection refused";
  if (error instanceof Error && error.name === "DataDirLockedError") return "embedded database locked by another process";
  return "database error";
}
