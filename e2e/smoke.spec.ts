import { withDb } from "./support/db";
import { expect, test } from "./support/fixtures";

test("GET /api/health reports a readable and writable PostgreSQL database", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(res.headers()["cache-control"]).toContain("no-store");
  const body = await res.json();
  expect(body).toMatchObject({
    status: "ok",
    database: { kind: "postgresql", readable: true, writable: true },
  });
  expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
});

test("an anonymous visitor to /profiles is sent to /signin with a callback to it", async ({ page }) => {
  await page.goto("/profiles");
  await expect(page).toHaveURL(/\/signin/);
  const callback = new URL(page.url()).searchParams.get("callbackUrl") ?? "";
  expect(callback).toContain("/profiles");
  await expect(page.getByLabel("Email")).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
});

test("a demo user's saved sign-in state opens the console (fixtures: signInAs + pageAs)", async ({ pageAs }) => {
  const page = await pageAs("viewer@acme.demo");
  await page.goto("/profiles");
  await expect(page).toHaveURL(/\/profiles/);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  // the same state again: reused from e2e/.auth, not a second sign-in
  const again = await pageAs("viewer@acme.demo");
  await again.goto("/");
  await expect(again.getByRole("button", { name: "Sign out" })).toBeVisible();
  // the server-side session behind the saved cookie exists and is live
  const live = await withDb((prisma) =>
    prisma.session.count({ where: { user: { email: "viewer@acme.demo" }, revokedAt: null, expiresAt: { gt: new Date() } } }),
  );
  expect(live).toBeGreaterThanOrEqual(1);
});
