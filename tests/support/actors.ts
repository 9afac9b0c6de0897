/**
 * Actors for integration tests, built exactly as a console session or an API
 * token of that user would build them (lib/server/actor), and a way to run a
 * pipeline definition as one and get its data or its refusal as an AppError.
 */
import type { Resource } from "../../lib/authz";
import type { Db } from "../../lib/db";
import { executeAction, type ActionDefinition, type ActionContext } from "../../lib/server/action";
import { loadActorById, type RequestActor } from "../../lib/server/actor";
import type { ReceiptView } from "../../lib/server/audit";
import { AppError } from "../../lib/server/errors";

export async function actorByEmail(prisma: Db, email: string): Promise<RequestActor> {
  const user = await prisma.user.findFirst({ where: { email }, select: { id: true } });
  const actor = user ? await loadActorById(prisma, user.id) : null;
  if (!actor) throw new Error(`no active user ${email}`);
  return actor;
}

/** Run a definition through the pipeline; a refusal is thrown as the AppError the pipeline reported. */
export async function runAs<I, R, Res extends Resource, P>(
  definition: ActionDefinition<I, R, Res, P>,
  context: ActionContext,
  input: unknown,
): Promise<{ data: R; receipt: ReceiptView | null }> {
  const result = await executeAction(definition, { ...context, rethrowUnexpected: true }, input);
  if (!result.ok) throw new AppError(result.error.code, result.error.message, result.error.fieldErrors, result.error.permission);
  return { data: result.data, receipt: result.receipt };
}
