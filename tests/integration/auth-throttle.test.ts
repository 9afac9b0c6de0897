/**
 * Credentials sign-in with throttling, on PGlite and PostgreSQL: per-account
 * and per-address limits, expiry, reset on success, concurrency, audit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInWithPassword } from "@/lib/server/auth/credentials";
import { unknownActorId } from "@/lib/server/auth/sign-in-audit";
import { recordFailure, throttleKeys } from "@/lib/server/auth/throttle";
import { hashPassword } from "@/lib/server/passwords";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";

const PASSWORD = "correct horse battery staple";
const MIN = 60_000;

describe.each(BACKENDS)("credentials sign-in and throttling (%s)", (backend) => {
  let database: TestDatabase;
  let passwordHash: string;

  beforeAll(async () => {
    database = await createTestDatabase(backend, { poolSize: 12 });
    passwordHash = await hashPassword(PASSWORD);
  });
  afterAll(() => database?.close());

  async function makeUser(extra: { disabled?: boolean } = {}) {
    const email = `${randomSlug("user")}@example.test`;
    return database.prisma.user.create({ data: { email, name: email, passwordHash, ...extra } });
  }
  const address = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
  const attempt = (email: string, password: string, now: Date, clientAddress = "203.0.113.9") =>
    signInWithPassword(database.prisma, { email, password, clientAddress, userAgent: "vitest" }, now);

  it("signs in with the right password, creates a session row and audits it without the password", async () => {
    const user = await makeUser();
    const result = await attempt(user.email.toUpperCase(), PASSWORD, new Date(), address());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const session = await database.prisma.session.findUniqueOrThrow({ where: { id: result.sessionId } });
    expect(session).toMatchObject({ userId: user.id, provider: "credentials", revokedAt: null, userAgent: "vitest" });
    const entry = await database.prisma.auditEntry.findFirstOrThrow({
      where: { actorId: user.id, action: "auth.sign_in.succeeded" },
    });
    expect(JSON.stringify(entry.data)).not.toContain(PASSWORD);
  });

  it("blocks an account after 5 failures, refuses even the right password, and lets it expire", async () => {
    const user = await makeUser();
    const t0 = new Date();
    for (let i = 0; i < 4; i++) {
      expect(await attempt(user.email, "wrong", new Date(t0.getTime() + i * 1000), address())).toEqual({
        ok: false,
        reason: "bad_credentials",
      });
    }
    const fifth = await attempt(user.email, "wrong", new Date(t0.getTime() + 4000), address());
    expect(fifth).toEqual({ ok: false, reason: "throttled", retryAfterMs: MIN });

    const during = await attempt(user.email, PASSWORD, new Date(t0.getTime() + 30_000), address());
    expect(during).toMatchObject({ ok: false, reason: "throttled" });
    expect(await database.prisma.session.count({ where: { userId: user.id } })).toBe(0);

    const after = await attempt(user.email, PASSWORD, new Date(t0.getTime() + 4000 + MIN + 1), address());
    expect(after.ok).toBe(true);

    const reasons = await database.prisma.auditEntry.findMany({
      where: { actorId: user.id, action: "auth.sign_in.failed" },
      orderBy: { seq: "asc" },
    });
    expect(reasons.map((e) => (e.data as { reason: string }).reason)).toEqual([
      ...Array(5).fill("bad_credentials"),
      "throttled",
    ]);
  });

  it("grows the block with further failures after one expires", async () => {
    const user = await makeUser();
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) await attempt(user.email, "wrong", new Date(t0 + i), address());
    const sixth = await attempt(user.email, "wrong", new Date(t0 + MIN + 10), address());
    expect(sixth).toEqual({ ok: false, reason: "throttled", retryAfterMs: 2 * MIN });
  });

  it("clears the account counter on success", async () => {
    const user = await makeUser();
    const t0 = Date.now();
    for (let i = 0; i < 4; i++) await attempt(user.email, "wrong", new Date(t0 + i), address());
    expect((await attempt(user.email, PASSWORD, new Date(t0 + 10), address())).ok).toBe(true);
    const keys = throttleKeys(user.email, "x");
    expect(await database.prisma.loginThrottle.findUnique({ where: { key: keys.account } })).toBeNull();
    // Four more failures do not block: the count started again.
    for (let i = 0; i < 4; i++) {
      expect(await attempt(user.email, "wrong", new Date(t0 + 20 + i), address())).toMatchObject({ reason: "bad_credentials" });
    }
  });

  it("throttles unknown accounts the same way and audits them under a hashed actor", async () => {
    const email = `${randomSlug("ghost")}@example.test`;
    const t0 = Date.now();
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await attempt(email, "guess", new Date(t0 + i), address()));
    expect(results.at(-1)).toMatchObject({ ok: false, reason: "throttled" });
    const actorId = unknownActorId(email);
    expect(actorId).toMatch(/^unknown:[0-9a-f]{16}$/);
    const entries = await database.prisma.auditEntry.findMany({ where: { action: "auth.sign_in.failed", actorId } });
    expect(entries).toHaveLength(5);
    for (const e of entries) expect(JSON.stringify(e.data)).not.toContain(email);
  });

  it("blocks a client address after 20 failures across accounts, leaving other addresses alone", async () => {
    const ip = `192.0.2.${Math.floor(Math.random() * 250) + 1}`;
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) {
      const user = await makeUser();
      await attempt(user.email, "wrong", new Date(t0 + i), ip);
    }
    const fresh = await makeUser();
    expect(await attempt(fresh.email, PASSWORD, new Date(t0 + 100), ip)).toMatchObject({ ok: false, reason: "throttled" });
    expect((await attempt(fresh.email, PASSWORD, new Date(t0 + 100), "192.0.2.254")).ok).toBe(true);
  });

  it("refuses a disabled account with the right password, without counting a failure", async () => {
    const user = await makeUser({ disabled: true });
    expect(await attempt(user.email, PASSWORD, new Date(), address())).toEqual({ ok: false, reason: "disabled" });
    expect(await attempt(user.email, "wrong", new Date(), address())).toEqual({ ok: false, reason: "bad_credentials" });
    const row = await database.prisma.loginThrottle.findUniqueOrThrow({ where: { key: throttleKeys(user.email, "").account } });
    expect(row.failures).toBe(1);
    const entry = await database.prisma.auditEntry.findFirstOrThrow({ where: { actorId: user.id, action: "auth.sign_in.failed" } });
    expect(entry.data).toMatchObject({ reason: "disabled" });
  });

  it("counts 20 concurrent recordFailure calls exactly (no lost updates)", async () => {
    const keys = throttleKeys(`${randomSlug("race")}@example.test`, `192.0.2.${Math.floor(Math.random() * 250) + 1}`);
    const now = new Date();
    await Promise.all(
      Array.from({ length: 20 }, () =>
        database.prisma.$transaction((tx) => recordFailure(tx, keys, now), { maxWait: 10_000, timeout: 15_000 }),
      ),
    );
    const rows = await database.prisma.loginThrottle.findMany({ where: { key: { in: [keys.account, keys.address] } } });
    expect(rows.map((r) => r.failures)).toEqual([20, 20]);
  });

  it("counts 20 concurrent failed sign-ins: every attempt is counted or refused, none slips through", async () => {
    const user = await makeUser();
    const ip = `2001:db8::${Math.floor(Math.random() * 0xfff).toString(16)}`;
    const now = new Date();
    const results = await Promise.all(Array.from({ length: 20 }, () => attempt(user.email, "wrong", now, ip)));
    const keys = throttleKeys(user.email, ip);
    const account = await database.prisma.loginThrottle.findUniqueOrThrow({ where: { key: keys.account } });
    const addressRow = await database.prisma.loginThrottle.findUniqueOrThrow({ where: { key: keys.address } });
    const audits = await database.prisma.auditEntry.findMany({ where: { actorId: user.id, action: "auth.sign_in.failed" } });
    const counted = audits.filter((e) => (e.data as { reason: string }).reason === "bad_credentials").length;
    // Attempts that found the account already blocked are refused uncounted; all others are counted once.
    expect(audits).toHaveLength(20);
    expect(account.failures).toBe(counted);
    expect(addressRow.failures).toBe(counted);
    expect(counted).toBeGreaterThanOrEqual(5);
    expect(account.blockedUntil!.getTime()).toBeGreaterThan(now.getTime());
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(results.filter((r) => !r.ok && r.reason === "bad_credentials")).toHaveLength(4);
    // And the right password is refused while blocked.
    expect(await attempt(user.email, PASSWORD, new Date(now.getTime() + 1000), "192.0.2.1")).toMatchObject({ reason: "throttled" });
  });
});
