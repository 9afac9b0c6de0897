/**
 * Thirty days of demo activity for the safety and cost dashboards, shaped as
 * ingest stores it (see lib/domain/evidence/demo-events.ts for the richer
 * per-profile story): tool and egress denials, redacted secrets and model
 * usage with its cost. Deterministic per profile slug, so a demo looks the same
 * on every machine; one profile runs away with its spend in the last hours so
 * the budget alerts have something to say. Pure: ids and the clock come from
 * the caller.
 */
import { sha256Hex } from "@/lib/domain/hash";
import type { DemoEvent, DemoProfileHistory } from "@/lib/domain/evidence/demo-events";

export const DEMO_ACTIVITY_DAYS = 30;
/** The profile whose spend runs past its budget in the last hours. */
export const DEMO_RUNAWAY_PROFILE = "acme-ticket-triage";
export const DEMO_RUNAWAY_USD = 33;

export interface DemoActivityProfile {
  slug: string;
  deniedTools: readonly string[];
  egress: readonly string[];
}

const MODELS = [
  { name: "claude-haiku", inPerM: 0.8, outPerM: 4 },
  { name: "claude-sonnet", inPerM: 3, outPerM: 15 },
  { name: "gpt-4o", inPerM: 2.5, outPerM: 10 },
] as const;

const BLOCKED_DESTINATIONS = ["pastebin.com:443", "203.0.113.9:22", "198.51.100.7:6667", "transfer.sh:443"];

/** mulberry32 seeded from the slug: the same sequence on every run. */
function random(seedText: string): () => number {
  let seed = Number.parseInt(sha256Hex(seedText).slice(0, 8), 16);
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function usd(tokensIn: number, tokensOut: number, model: (typeof MODELS)[number]): string {
  return ((tokensIn * model.inPerM + tokensOut * model.outPerM) / 1_000_000).toFixed(6);
}

export function demoActivity(
  profile: DemoActivityProfile,
  now: number,
  uuid: () => string,
): Pick<DemoProfileHistory, "events" | "costs"> {
  const rand = random(`demo-activity:${profile.slug}`);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] ?? items[0]!;
  const events: DemoEvent[] = [];
  const costs: DemoProfileHistory["costs"] = [];
  let n = 0;
  const add = (type: string, at: number, attributes: Record<string, unknown>, redactions: DemoEvent["redactions"] = null): DemoEvent => {
    n += 1;
    const event: DemoEvent = {
      id: uuid(),
      eventId: `demo-activity-${profile.slug}-${String(n).padStart(4, "0")}`,
      type,
      occurredAt: new Date(at),
      traceId: sha256Hex(`${profile.slug}:activity:${n}`).slice(0, 32),
      attributes,
      redactions,
    };
    events.push(event);
    return event;
  };
  const usage = (at: number, model: (typeof MODELS)[number], tokensIn: number, tokensOut: number) => {
    const cost = usd(tokensIn, tokensOut, model);
    const e = add("cost.usage", at, { model: model.name, tokensIn, tokensOut, cost: Number(cost) });
    costs.push({ eventId: e.id, occurredAt: e.occurredAt, model: model.name, tokensIn, tokensOut, cost });
  };

  const day = 86_400_000;
  // Older activity only: the last six hours belong to the richer demo story.
  const start = now - DEMO_ACTIVITY_DAYS * day;
  const end = now - 6 * 3_600_000;
  const tools = profile.deniedTools.length ? profile.deniedTools : ["shell_exec"];
  for (let t = start + rand() * 3_600_000; t < end; t += 3_600_000 * (2 + rand() * 6)) {
    const roll = rand();
    if (roll < 0.45) {
      const model = MODELS[rand() < 0.6 ? 0 : rand() < 0.7 ? 2 : 1];
      usage(t, model, 400 + Math.floor(rand() * 1600), 80 + Math.floor(rand() * 400));
    } else if (roll < 0.7) {
      add("tool.denied", t, { tool: pick(tools), reason: "denied tool" });
    } else if (roll < 0.88) {
      add("egress.denied", t, { destination: pick(BLOCKED_DESTINATIONS), reason: "not in the egress allowlist" });
    } else {
      add(
        "tool.allowed",
        t,
        { tool: "read_ticket", args: { note: "token [REDACTED:bearer_token]" } },
        { count: 1, fields: ["args.note"], kinds: { bearer_token: 1 } },
      );
    }
  }
  if (profile.slug === DEMO_RUNAWAY_PROFILE) {
    // A loop re-summarising one thread with the large model: about DEMO_RUNAWAY_USD in two hours.
    const model = MODELS[1];
    const calls = 60;
    const tokensIn = Math.round(((DEMO_RUNAWAY_USD / calls) * 1_000_000 - 20_000 * model.outPerM) / model.inPerM);
    for (let i = 0; i < calls; i += 1) usage(now - 2 * 3_600_000 + i * 110_000, model, tokensIn, 20_000);
  }
  return { events, costs };
}
