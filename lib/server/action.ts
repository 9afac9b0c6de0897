import "server-only";
/**
 * The one mutation pipeline. Every write — a server action (`defineAction`),
 * an API route (`defineRoute`, ./route.ts), the CLI through that API — is
 * declared here with its permission and runs, in order:
 *   actor (session or API token) → zod parse → [prepare] → one transaction:
 *   resolve the resource inside the actor's scope → authorize (lib/authz) →
 *   run → receipt + audit entry → commit → revalidate.
 * A resource the actor cannot see is reported exactly like one that does not
 * exist. The pipeline mints the request id and the receipt id every action
 * needs. Expected failures are AppErrors shown to the user; anything else is
 * logged with a request id and the user sees generic text.
 *
 * `prepare` (optional) runs once the actor is authorized for the resource,
 * outside the write transaction, for work that must not hold it (taking a
 * signed checkpoint, building a packet); the transaction then resolves and
 * authorizes again before it writes.
 *
 * `action.execute({ actor, prisma }, input)` runs the same pipeline with an
 * explicit actor and database, so tests need no Next.js runtime.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import { authorize, type Permission, type Resource } from "@/lib/authz";
import type { Database, Db, Tx } from "@/lib/db";
import { valueProblem } from "@/lib/domain/http/request-input";
import { writeReceipt, type ReceiptInput, type ReceiptView } from "./audit";
import { recordRefusal, refusalTarget } from "./refusals";
import { ORIGIN_REFUSAL_DETAIL, originRefusal } from "./same-origin";
import { AppError, NOT_FOUND_MESSAGE, SIGNED_OUT_MESSAGE, type ActionError } from "./errors";
import type { RequestActor } from "./actor";

/**
 * Many people acting on one row at once (fifty approve clicks) queue on its
 * row lock; give them time to be served with a clear answer instead of a
 * pool or transaction timeout.
 */
const ACTION_TRANSACTION = { maxWait: 10_000, timeout: 20_000 } as const;

export type ActionResult<T> =
  | { ok: true; data: T; receipt: ReceiptView | null }
  | { ok: false; error: ActionError };

/** `traceId` joins the entry to an existing trace (a vote to its job's); by default the action's request id. */
export type ReceiptSpec = Omit<ReceiptInput, "actor" | "action" | "id" | "tokenId">;

/** What the pipeline hands every step besides the input: its ids, the database, and what `prepare` made. */
export interface RunContext<P = undefined> {
  requestId: string;
  /** The id the receipt of this run will carry (`rcpt_…`), known before it is written. */
  receiptId: string;
  database: PipelineDatabase;
  prepared: P;
}

/** The pipeline needs Prisma; `prepare` steps may also need raw SQL (checkpoints, packets). */
export type PipelineDatabase = Pick<Database, "prisma"> & Partial<Pick<Database, "sql" | "kind">>;

export interface ActionDefinition<I, R, Res extends Resource, P = undefined> {
  name: string;
  input: z.ZodType<I>;
  permission: Permission;
  /** Find the target inside the actor's readable scope; null means "not found" (never "forbidden"). */
  resource: (input: I, tx: Tx, actor: RequestActor) => Promise<Res | null>;
  /** Authorized work done before (and outside) the write transaction; its result reaches `run`. */
  prepare?: (input: I, actor: RequestActor, resource: Res, context: Omit<RunContext, "prepared">) => Promise<P>;
  run: (tx: Tx, input: I, actor: RequestActor, resource: Res, context: RunContext<P>) => Promise<R>;
  /**
   * The receipt to write; null when the run changed nothing (a no-op sync
   * writes no receipt). A definition without `receipt` is a read (a plan, a
   * dry run, a verification): declared and authorized the same way, run
   * without a transaction, nothing written.
   */
  receipt?: (input: I, result: R, actor: RequestActor, resource: Res) => ReceiptSpec | null;
  revalidate?: string[] | ((input: I, result: R) => string[]);
  /** Transaction limits for actions that do a lot in one go (a registry sync). */
  transaction?: { maxWait: number; timeout: number };
}

export interface ActionContext {
  actor: RequestActor | null;
  /** The database: a Prisma client, or a whole Database (needed by actions with a `prepare` step). */
  prisma?: Db;
  database?: PipelineDatabase;
  requestId?: string;
  /** Called after commit with the paths to revalidate. */
  onCommitted?: (paths: string[]) => void | Promise<void>;
  /** Let unexpected errors through to the caller (a route maps an unreachable database to 503). */
  rethrowUnexpected?: boolean;
}

export interface DefinedAction<I, R, Res extends Resource, P = undefined> {
  (prevStateOrInput?: unknown, formData?: FormData): Promise<ActionResult<R>>;
  definition: ActionDefinition<I, R, Res, P>;
  execute(context: ActionContext, rawInput: unknown): Promise<ActionResult<R>>;
}

export function defineAction<I, R, Res extends Resource, P = undefined>(
  definition: ActionDefinition<I, R, Res, P>,
): DefinedAction<I, R, Res, P> {
  const execute = (context: ActionContext, rawInput: unknown) => executeAction(definition, context, rawInput);
  const action = async (prevStateOrInput?: unknown, formData?: FormData): Promise<ActionResult<R>> => {
    const requestId = randomUUID();
    const raw = formData ?? prevStateOrInput;
    try {
      // proxy.ts refuses these before any action runs; checked again here so no action depends on the matcher.
      const refusal = await crossSiteRefusal();
      if (refusal) return { ok: false, error: { code: "forbidden", message: refusal } };
      const [{ getActor }, { database }] = await Promise.all([import("./session"), import("@/lib/db")]);
      const [actor, db] = await Promise.all([getActor(), database()]);
      return await execute(
        {
          actor,
          database: db,
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

/** The refusal message when the server action's request did not come from the console's own pages. */
async function crossSiteRefusal(): Promise<string | null> {
  const { headers } = await import("next/headers");
  const h = await headers();
  const refusal = originRefusal({ headers: h, url: `http://${h.get("host") ?? "localhost"}/` });
  return refusal ? ORIGIN_REFUSAL_DETAIL[refusal] : null;
}

export function newReceiptId(): string {
  return `rcpt_${randomBytes(12).toString("base64url")}`;
}

export async function executeAction<I, R, Res extends Resource, P>(
  definition: ActionDefinition<I, R, Res, P>,
  context: ActionContext,
  rawInput: unknown,
): Promise<ActionResult<R>> {
  const requestId = context.requestId ?? randomUUID();
  try {
    const actor = context.actor;
    if (!actor) throw new AppError("unauthenticated", SIGNED_OUT_MESSAGE);
    const database = pipelineDatabase(context);
    const input = parseInput(definition.input, rawInput);
    const ids = { requestId, receiptId: newReceiptId(), database };

    if (!definition.receipt) {
      const resource = await resolveAuthorized(definition, database.prisma, input, actor);
      const data = await definition.run(database.prisma, input, actor, resource, { ...ids, prepared: undefined as P });
      return { ok: true, data, receipt: null };
    }
    const receiptOf = definition.receipt;

    let prepared = undefined as P;
    if (definition.prepare) {
      const resource = await resolveAuthorized(definition, database.prisma, input, actor);
      prepared = await definition.prepare(input, actor, resource, ids);
    }

    let receipt: ReceiptView | null = null;
    const data = await database.prisma.$transaction(async (tx) => {
      const resource = await resolveAuthorized(definition, tx, input, actor);
      const result = await definition.run(tx, input, actor, resource, { ...ids, prepared });
      const spec = receiptOf(input, result, actor, resource);
      if (spec) {
        receipt = await writeReceipt(tx, {
          ...spec,
          id: ids.receiptId,
          action: definition.name,
          actor: { type: "user", id: actor.userId },
          tokenId: actor.tokenId ?? null,
          traceId: spec.traceId ?? requestId,
        });
      }
      return result;
    }, definition.transaction ?? ACTION_TRANSACTION);

    const paths =
      typeof definition.revalidate === "function" ? definition.revalidate(input, data) : (definition.revalidate ?? []);
    if (paths.length && context.onCommitted) await context.onCommitted(paths);
    return { ok: true, data, receipt };
  } catch (error) {
    if (error instanceof AppError) {
      if (definition.receipt && context.actor && (error.code === "forbidden" || error.code === "not_found")) {
        await recordRefusal(pipelineDatabase(context).prisma, {
          actor: context.actor,
          action: definition.name,
          target: refusalTarget(definition.name, toPlainInput(rawInput)),
          code: error.code,
          reason: error.message,
          tenantId: error instanceof RefusedAccess ? error.tenantId : null,
          permission: error.permission,
        });
      }
      return { ok: false, error: toActionError(error) };
    }
    if (context.rethrowUnexpected) throw error;
    return unexpected(definition.name, requestId, error);
  }
}

/** The pipeline's "forbidden" for a resource it found: carries the resource's tenant for the refusal's audit entry. */
class RefusedAccess extends AppError {
  readonly tenantId: string | null;
  constructor(message: string, permission: string, tenantId: string | null) {
    super("forbidden", message, undefined, permission);
    this.tenantId = tenantId;
  }
}

/**
 * Run a read definition (no `receipt`) for a page or a test and return its
 * data; an expected refusal is thrown as the AppError it is (not found,
 * forbidden, invalid input), so a page can show it.
 */
export async function readAs<I, R, Res extends Resource>(
  definition: ActionDefinition<I, R, Res, undefined>,
  context: ActionContext,
  rawInput: unknown,
): Promise<R> {
  if (definition.receipt) throw new Error(`${definition.name} is a write; run it through executeAction`);
  const result = await executeAction(definition, { ...context, rethrowUnexpected: true }, rawInput);
  if (result.ok) return result.data;
  throw new AppError(result.error.code, result.error.message, result.error.fieldErrors, result.error.permission);
}

/** Resolve the resource in the actor's scope ("not found" otherwise), then authorize the declared permission. */
async function resolveAuthorized<I, Res extends Resource>(
  definition: Pick<ActionDefinition<I, unknown, Res, unknown>, "resource" | "permission">,
  tx: Tx,
  input: I,
  actor: RequestActor,
): Promise<Res> {
  const resource = await definition.resource(input, tx, actor);
  if (!resource) throw new AppError("not_found", NOT_FOUND_MESSAGE);
  const decision = authorize(actor, definition.permission, resource);
  if (!decision.allowed) throw new RefusedAccess(capitalize(decision.reason), definition.permission, resource.tenantId);
  return resource;
}

/** Parse raw input (a plain object or a form post) with the definition's schema, or throw invalid_input. */
export function parseInput<I>(schema: z.ZodType<I>, rawInput: unknown): I {
  const plain = toPlainInput(rawInput);
  // No schema can store a NUL or a lone surrogate faithfully: refused before it reaches a query.
  const unsafe = valueProblem(plain);
  if (unsafe) throw new AppError("invalid_input", `A field ${unsafe}; nothing was changed.`);
  const parsed = schema.safeParse(plain);
  if (parsed.success) return parsed.data;
  const flat = z.flattenError(parsed.error);
  const fieldErrors = Object.fromEntries(
    Object.entries(flat.fieldErrors).filter((entry): entry is [string, string[]] => Array.isArray(entry[1])),
  );
  // One problem: say it; several: point at the fields.
  const messages = [...flat.formErrors, ...Object.values(fieldErrors).flat()];
  const message = messages.length === 1 ? messages[0]! : (flat.formErrors[0] ?? "Some fields need attention.");
  throw new AppError("invalid_input", message, fieldErrors);
}

function pipelineDatabase(context: ActionContext): PipelineDatabase {
  if (context.database) return context.database;
  if (context.prisma) return { prisma: context.prisma };
  throw new Error("the action pipeline was given no database");
}

/**
 * Would the pipeline let `actor` run this action on `resource`? The same
 * rules `executeAction` enforces, for deciding whether to show a control at
 * all (the server still checks again when the action runs).
 */
export function mayRun(
  action: { definition: { permission: Permission } },
  actor: RequestActor,
  resource: Resource,
): boolean {
  return authorize(actor, action.definition.permission, resource).allowed;
}

export function toActionError(error: AppError): ActionError {
  return {
    code: error.code,
    message: error.message,
    ...(error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}),
    ...(error.permission ? { permission: error.permission } : {}),
  };
}

export function unexpected(name: string, requestId: string, error: unknown): { ok: false; error: ActionError } {
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

/** FormData (from a form post) → plain object of its string fields (a repeated field → an array); other input passes through. */
function toPlainInput(raw: unknown): unknown {
  if (typeof FormData !== "undefined" && raw instanceof FormData) {
    const out: Record<string, string | string[]> = {};
    for (const [key, value] of raw.entries()) {
      if (key.startsWith("$ACTION") || typeof value !== "string") continue;
      const seen = out[key];
      out[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
    }
    return out;
  }
  return raw ?? {};
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
