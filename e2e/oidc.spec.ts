/**
 * Single sign-on through the test OpenID Provider (e2e/support/oidc-provider.ts,
 * started by global setup on 127.0.0.1:E2E_OIDC_PORT (4455) with TEST_OIDC_GROUP_MAP).
 */
import type { Page } from "@playwright/test";
import { withDb } from "./support/db";
import { E2E_OIDC_PORT } from "./support/global-setup";
import { expect, test } from "./support/fixtures";

async function signInWithIdp(page: Page, login: string) {
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in with Test IdP" }).click();
  // The provider's development login form: any password.
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any-password");
  await page.getByRole("button", { name: "Sign-in" }).click();
}

test("an IdP user in cg-acme-approvers lands on the console as an acme approver", async ({ page }) => {
  await signInWithIdp(page, "oidc-approver");
  await expect(page).toHaveURL((url) => url.port !== String(E2E_OIDC_PORT) && url.pathname === "/");
  await expect(page.getByText("oidc-approver@idp.test", { exact: true })).toBeVisible();
  await expect(page.getByRole("list", { name: "Your roles" })).toContainText("Approver");

  const memberships = await withDb((prisma) =>
    prisma.membership.findMany({
      where: { user: { email: "oidc-approver@idp.test" } },
      include: { tenant: true },
    }),
  );
  expect(memberships.map((m) => `${m.tenant.slug}:${m.role}:${m.source}`)).toEqual(["acme:approver:oidc"]);
});

test("an IdP platform-admin group makes a platform admin", async ({ page }) => {
  await signInWithIdp(page, "oidc-admin@idp.test");
  await expect(page.getByText("oidc-admin@idp.test", { exact: true })).toBeVisible();
  await expect(page.getByRole("list", { name: "Your roles" })).toContainText("Platform admin");
});

test("an IdP user whose groups map to nothing is refused with a clear message", async ({ page }) => {
  await signInWithIdp(page, "oidc-nobody");
  await expect(page).toHaveURL(/\/signin\?error=CG_OIDC_NO_ACCESS/);
  await expect(page.getByRole("alert").filter({ hasText: /not in any group that grants access/ })).toBeVisible();
});
