/**
 * Sign-in and sign-out return to the host the browser used: the e2e console's
 * NEXTAUTH_URL is http://127.0.0.1:<port>, and a console reached at
 * localhost on the same port (an allowed loopback alias) stays on localhost.
 * Each test signs in on its own page (signing out revokes that session only).
 */
import { expect, signInAs, test } from "./support/fixtures";

for (const host of ["127.0.0.1", "localhost"]) {
  test(`signed in at ${host}, signing out lands on ${host}'s sign-in page`, async ({ page, baseURL }) => {
    const origin = new URL(baseURL!);
    origin.hostname = host;
    await page.goto(new URL("/signin", origin).toString());
    await signInAs(page, "viewer@globex.demo");
    expect(new URL(page.url()).host).toBe(origin.host);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((url) => url.pathname === "/signin");
    expect(new URL(page.url()).host).toBe(origin.host);
    // Signed out there: a console page asks to sign in again, on the same host.
    await page.goto(new URL("/receipts", origin).toString());
    await expect(page).toHaveURL(/\/signin/);
    expect(new URL(page.url()).host).toBe(origin.host);
  });
}
