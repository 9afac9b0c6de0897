/**
 * Direct database access for specs (arrange state, check what the console
 * wrote): the same PostgreSQL database the app under test uses.
 */
import type { PrismaClient } from "../../lib/generated/prisma/client";
import { openDatabase } from "../../lib/db";

export function e2eDatabaseUrl(): string {
  const url = process.env.E2E_DATABASE_URL;
  if (!url) throw new Error("E2E_DATABASE_URL is not set: run specs through `npx playwright test` (global setup sets it).");
  return url;
}

export async function withDb<T>(fn: (prisma: PrismaClient) => Promise<T>): Promise<T> {
  const database = await openDatabase({ url: e2eDatabaseUrl(), poolSize: 2 });
  try {
    return await fn(database.prisma);
  } finally {
    await database.close();
  }
}
