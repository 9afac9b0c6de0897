/**
 * Integration tier: one throwaway PostgreSQL cluster per run, with the
 * migrations applied once to a template database; every test file clones it
 * (tests/support/databases.ts). Set CELLGATE_TEST_PG_URL to use a server you
 * already run instead (it must allow CREATE DATABASE).
 */
import type { TestProject } from "vitest/node";
import { Pool } from "pg";
import { applyMigrations } from "../../lib/migrate";
import { postgresSql } from "../../lib/sql";
import { startCluster, type Cluster } from "./postgres-cluster";

export const TEMPLATE_DB = "cellgate_template";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  let cluster: Cluster | undefined;
  let adminUrl = process.env.CELLGATE_TEST_PG_URL;
  if (!adminUrl) {
    cluster = startCluster();
    adminUrl = cluster.url();
  }
  const admin = new Pool({ connectionString: adminUrl, max: 1 });
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB}`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  const templateUrl = withDatabase(adminUrl, TEMPLATE_DB);
  const pool = new Pool({ connectionString: templateUrl, max: 1 });
  await applyMigrations(postgresSql(pool));
  await pool.end();
  await admin.end();

  project.provide("pgAdminUrl", adminUrl);
  project.provide("pgTemplate", TEMPLATE_DB);
  return () => cluster?.stop();
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
