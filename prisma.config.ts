// Prisma CLI configuration. The CLI runs fully offline through a driver
// adapter: embedded PGlite by default (CELLGATE_DATA_DIR), PostgreSQL when
// DATABASE_URL is set. See lib/db-adapter.ts.
import path from "node:path";
import { defineConfig } from "prisma/config";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    const { PGlite } = await import("@electric-sql/pglite");
    const { PrismaPGlite } = await import("pglite-prisma-adapter");
    // Diffing and generation only need a scratch in-memory database.
    return new PrismaPGlite(new PGlite());
  },
});
