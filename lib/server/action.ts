import "server-only";
/**
 * The one mutation pipeline. Every server action is declared with
 * `defineAction` and runs, in order:
 *   session → zod parse → (one transaction: resolve the resource inside the
 *   actor's tenants → authorize → run → receipt + audit entry) → revalidate.
 * A resource the actor cannot see is reported exactly like one that does not
 * exist. Expected failures are AppErrors shown to the user; anything else is
 * logged with a request id and the user sees generic text.
 *
 * `action.execute({ actor, prisma }, input)` runs the same pipeline with an
 * explicit actor and database, so tests need no Next.js runtime.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { authorize, type Decision, type Permission, type Resource } from "@/lib/authz";
import type { Db, Tx } from "@/lib/db";
import { writeReceipt, type ReceiptInput, type ReceiptView } from "./audit";
import { AppError, NOT_FOUND_MESSAGE, SIGNED_OUT_MESSAGE, type ActionError } from "./errors";
import type { SessionActor } from "./session";

/**
 * Many people acting on one row at once (fifty approve clicks) queue on its
 * row lock; give them time to be served with a clear answer instead of a
 * pool or transaction timeout.
 */
const ACTION_TRANSACTION = { maxWait: 10_000, timeout: 20_000 } as const;

export type ActionResult<T> = { ok: true; data: T; receipt: ReceiptView } | { ok: false; error: ActionError };

/** A declared permission from lib/authz, or a named custom check (e.g. "real platform admin"). */
export type ActionPermission =
  | Permission
  | { name: string; check: (actor: SessionActor, resource: Resource) => Decision };

/** `traceId` joins the entry to an existing trace (a vote to its job's); by default the action's request id. */
export type ReceiptSpec = Omit<ReceiptInput, "actor" | "action">;

export interface ActionDefinition<I, R, Res extends Resource> {
  name: string;
  input: z.ZodType<I>;
  permission: ActionPermission;
  /** A platform admin "viewing as" a tenant role is read-only unless this is set. */
  allowWhileViewingAs?: boolean;
  /** Find the target inside the actor's readable scope; null means "not found" (never "forbidden"). */
  resource: (input: I, tx: Tx, actor: SessionActor) => Promise<Res | null>;
  run: (tx: Tx, input: I, actor: SessionActor, resource: Res) => Promise<R>;
  receipt: (input: I, result: R, actor: SessionActor, resource: Res) => ReceiptSpec;
  revalidate?: string[] | ((input: I, result: R) => string[]);
}

export interface ActionContext {
  actor: SessionActor | null;
  prisma: Db;
  requestId?: string;
  /** Called after commit with the paths to revalidate. */
  onCommitted?: (paths: string[]) => void | Promise<void>;
}

export interface DefinedAction<I, R, Res extends Resource> {
  (prevStateOrInput?: unknown, formData?: FormData): Promise<ActionResult<R>>;
  definition: ActionDefinition<I, R, Res>;
  execute(context: ActionContext, rawInput: unknown): Promise<ActionResult<R>>;
}

export function defineAction<I, R, Res extends Resource>(
  definition: ActionDefinition<I, R, Res>,
): DefinedAction<I, R, Res> {
  const execute = (context: ActionContext, rawInput: unknown) => executeAction(definition, context, rawInput);
  const action = async (prevStateOrInput?: unknown, formData?: FormData): Promise<ActionResult<R>> => {
    const requestId = randomUUID();
    const raw = formData ?? prevStateOrInput;
    try {
      const [{ getActor }, { db }] = await Promise.all([import("./session"), import("@/lib/db")]);
      const [actor, prisma] = await Promise.all([getActor(), db()]);
      return await execute(
        {
          actor,
          prisma,
          requestId,
          onCommitted: async (paths) => {
            const { revalidatePath } = await import("next/cache");
            for (const path of paths) revalidatePath(path);
          },
        },
        raw,
      );
    } catch (error) {
      return unexpected(definition.name, requestId, error);
    }
  };
  return Object.assign(action, { definition, execute });
}

export async function executeAction<I, R, Res extends Resource>(
  definition: ActionDefinition<I, R, Res>,
  context: ActionContext,
  rawInput: unknown,
): Promise<ActionResult<R>> {
  const requestId = context.requestId ?? randomUUID();
  try {
    const actor = context.actor;
    if (!actor) throw new AppError("unauthenticated", SIGNED_OUT_MESSAGE);
    if (blockedByViewAs(definition, actor)) {
      throw new AppError("forbidden", "You are viewing as another role, which is read-only. Stop viewing as to make changes.");
    }

    const parsed = definition.input.safeParse(toPlainInput(rawInput));
    if (!parsed.success) {
      const flat = z.flattenError(parsed.error);
      const fieldErrors = Object.fromEntries(
        Object.entries(flat.fieldErrors).filter((entry): entry is [string, string[]] => Array.isArray(entry[1])),
      );
      const message = flat.formErrors[0] ?? "Some fields need attention.";
      throw new AppError("invalid_input", message, fieldErrors);
    }
    const input = parsed.data;

    let receipt: ReceiptView | undefined;
    const data = await context.prisma.$transaction(async (tx) => {
      const resource = await definition.resource(input, tx, actor);
      if (!resource) throw new AppError("not_found", NOT_FOUND_MESSAGE);
      const decision = check(definition.permission, actor, resource);
      if (!decision.allowed) throw new AppError("forbidden", capitalize(decision.reason));
      const result = await definition.run(tx, input, actor, resource);
      const spec = definition.receipt(input, result, actor, resource);
      receipt = await writeReceipt(tx, {
        ...spec,
        action: definition.name,
        actor: { type: "user", id: actor.userId },
        traceId: spec.traceId ?? requestId,
      });
      return result;
    }, ACTION_TRANSACTION);
    if (!receipt) throw new Error("receipt was not written");

    const paths =
      typeof definition.revalidate === "function" ? definition.revalidate(input, data) : (definition.revalidate ?? []);
    if (paths.length && context.onCommitted) await context.onCommitted(paths);
    return { ok: true, data, receipt };
  } catch (error) {
    if (error instanceof AppError) {
      return {
        ok: false,
        error: { code: error.code, message: error.message, ...(error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}) },
      };
    }
    return unexpected(definition.name, requestId, error);
  }
}

function blockedByViewAs(definition: { allowWhileViewingAs?: boolean }, actor: SessionActor): boolean {
  return Boolean(actor.viewAs) && !definition.allowWhileViewingAs;
}

/**
 * Would the pipeline let `actor` run this action on `resource`? The same
 * rules `executeAction` enforces, for deciding whether to show a control at
 * all (the server still checks again when the action runs).
 */
export function mayRun(
  action: { definition: Pick<ActionDefinition<never, unknown, Resource>, "permission" | "allowWhileViewingAs"> },
  actor: SessionActor,
  resource: Resource,
): boolean {
  if (blockedByViewAs(action.definition, actor)) return false;
  return check(action.definition.permission, actor, resource).allowed;
}

function check(permission: ActionPermission, actor: SessionActor, resource: Resource): Decision {
  return typeof permission === "string" ? authorize(actor, permission, resource) : permission.check(actor, resource);
}

function unexpected(name: string, requestId: string, error: unknown): { ok: false; error: ActionError } {
  console.error(`[action ${name}] request ${requestId} failed:`, error);
  return {
    ok: false,
    error: {
      code: "internal",
      message: `Something went wrong and nothing was changed. Quote request id ${requestId} if it keeps happening.`,
      requestId,
    },
  };
}

/** FormData (from a form post) → plain object of its string fields; other input passes through. */
function toPlainInput(raw: unknown): unknown {
  if (typeof FormData !== "undefined" && raw instanceof FormData) {
    const out: Record<string, string> = {};
    for (const [key, value] of raw.entries()) {
      if (key.startsWith("$ACTION") || typeof value !== "string") continue;
      out[key] = value;
    }
    return out;
  }
  return raw ?? {};
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
