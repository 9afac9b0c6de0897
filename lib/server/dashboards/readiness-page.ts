import "server-only";
/** The readiness board as the page loads it (the loader itself stays free of the session, for scripts). */
import type { Actor } from "@/lib/authz";
import { database } from "@/lib/db";
import { readinessLoader, type ReadinessBoard } from "./readiness";
import type { ReadinessQuery } from "./readiness-query";
import { loadDashboard } from "./load";

/** The board for the page: null when the URL's tenant does not exist or is not the actor's. */
export async function getReadinessBoard(actor: Actor, query: ReadinessQuery, now = new Date()): Promise<ReadinessBoard | null> {
  const result = await loadDashboard(await database(), actor, { range: "day", tenant: query.tenant }, readinessLoader({ stage: query.stage }), now);
  return result?.data ?? null;
}
