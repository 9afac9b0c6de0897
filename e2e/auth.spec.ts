/**
 * Sign-in, throttling and sign-out through the real /signin page.
 *
 * Every attempt here that is meant to fail comes from its own client
 * address (an X-Forwarded-For header: the app runs without a trusted proxy,
 * so it takes the last entry, see lib/server/auth/client-address.ts). That
 * keeps these failures out of the 127.0.0.1 address bucket every other spec
 * signs in from.
 */
import { randomBytes, randomInt } from "node:crypto";
import { hash } from "@node-rs/argon2";
import type { Page } from "@playwright/test";
import { withDb } from "./support/db";
import { DEMO_PASSWORD, expect, signInAs, test } from "./support/fixtures";

const ROLES: Array<{ email: string; role: string }> = [
  { email: "viewer@acme.demo", role: "Viewer" },
  { email: "operator@globex.demo", role: "Operator" },
  { email: "approver@acme.demo", role: "Approver" },
  { email: "auditor@initech.demo", role: "Auditor" },
  { email: "tenant-admin@globex.demo", role: "Tenant admin" },
  { email: "admin@cellgate.demo", role: "Platform admin" },
];

function ownAddress(page: Page) {
  return page.setExtraHTTPHeaders({ "x-forwarded-for": `198.51.100.${randomInt(1, 255)}` });
}

async function submit(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

const alertWith = (page: Page, text: RegExp) => page.getByRole("alert").filter({ hasText: text });

for (const { email, role } of ROLES) {
  test(`${email} signs in and lands on the console as ${role}`, async ({ page }) => {
    await signInAs(page, email);
    await expect(page).toHaveURL((url) => url.pathname === "/");
    await expect(page.getByText(email, { exact: true })).toBeVisible();
    await expect(page.getByRole("list", { name: "Your roles" })).toContainText(role);
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  });
}

test("signing in returns to the page that was asked for", async ({ page }) => {
  await page.goto("/receipts");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Freceipts/);
  await submit(page, "auditor@acme.demo", DEMO_PASSWORD);
  await expect(page).toHaveURL((url) => url.pathname === "/receipts");
});

test("the session cookie is httpOnly, SameSite=Lax and carries no user data in clear", async ({ page, context }) => {
  await signInAs(page, "viewer@globex.demo");
  const cookie = (await context.cookies()).find((c) => c.name.endsWith("next-auth.session-token"));
  expect(cookie).toBeDefined();
  expect(cookie!.httpOnly).toBe(true);
  expect(cookie!.sameSite).toBe("Lax");
  expect(cookie!.value).not.toContain("viewer");
});

test("a wrong password says so and stays on the sign-in page", async ({ page }) => {
  await ownAddress(page);
  await page.goto("/signin");
  await submit(page, "viewer@acme.demo", "not-the-password");
  await expect(alertWith(page, /Wrong email or password/)).toBeVisible();
  await expect(page).toHaveURL(/\/signin/);
});

test("repeated failures are throttled, and then even the right password is refused", async ({ page }) => {
  const email = `throttle-${randomBytes(4).toString("hex")}@e2e.test`;
  const password = `pw-${randomBytes(8).toString("hex")}`;
  const passwordHash = await hash(password); // argon2id, like the console
  await withDb((prisma) => prisma.user.create({ data: { email, name: "Throttle Target", passwordHash } }));

  await ownAddress(page);
  await page.goto("/signin");
  for (let i = 1; i <= 4; i++) {
    await submit(page, email, `wrong-${i}`);
    await expect(alertWith(page, /Wrong email or password/)).toBeVisible();
  }
  const answer = page.waitForResponse((r) => r.url().includes("/api/auth/callback/credentials"));
  await submit(page, email, "wrong-5");
  const response = await answer;
  expect(response.status()).toBe(429);
  expect(response.headers()["retry-after"]).toBe("60");
  await expect(alertWith(page, /Too many failed sign-ins\. Try again in 1 minute\./)).toBeVisible();

  await submit(page, email, password);
  await expect(alertWith(page, /Too many failed sign-ins/)).toBeVisible();
  await expect(page).toHaveURL(/\/signin/);

  const entries = await withDb(async (prisma) => {
    const user = await prisma.user.findUniqueOrThrow({ where: { email } });
    return prisma.auditEntry.findMany({ where: { actorId: user.id, action: "auth.sign_in.failed" }, orderBy: { seq: "asc" } });
  });
  expect(entries.map((e) => (e.data as { reason: string }).reason)).toEqual([
    "bad_credentials",
    "bad_credentials",
    "bad_credentials",
    "bad_credentials",
    "bad_credentials",
    "throttled",
  ]);
});

test("after sign-out the old session cookie no longer works", async ({ page, context, browser }) => {
  await signInAs(page, "operator@initech.demo");
  const cookies = await context.cookies();
  expect(cookies.some((c) => c.name.endsWith("next-auth.session-token"))).toBe(true);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);

  const replay = await browser.newContext();
  try {
    await replay.addCookies(cookies);
    const stale = await replay.newPage();
    await stale.goto("/");
    await expect(stale).toHaveURL(/\/signin/);
    await expect(stale.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
  } finally {
    await replay.close();
  }
});
