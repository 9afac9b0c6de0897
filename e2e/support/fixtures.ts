/**
 * What specs import: `test` / `expect`, the demo password, `signInAs` (the
 * real /signin form), and one saved sign-in state per user
 * (e2e/.auth/<email>.json, created on first use in a run) through the
 * `pageAs(email)` fixture. A spec that signs out must use `signInAs` on its
 * own page instead: signing out revokes the saved session for everyone.
 */
import fs from "node:fs";
import path from "node:path";
import { test as base, expect, type Browser, type Page } from "@playwright/test";
import { AUTH_DIR, E2E_DEMO_PASSWORD } from "./global-setup";

export { expect };
export const DEMO_PASSWORD = E2E_DEMO_PASSWORD;

export async function signInAs(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  if (!/\/signin/.test(page.url())) await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/signin"), { timeout: 15_000 });
}

/** Path of `email`'s saved sign-in state, signing in through the form the first time. */
export async function storageStateFor(browser: Browser, email: string): Promise<string> {
  const file = path.join(AUTH_DIR, `${email}.json`);
  if (fs.existsSync(file)) return file;
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await signInAs(page, email);
    fs.mkdirSync(AUTH_DIR, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await context.storageState({ path: tmp });
    fs.renameSync(tmp, file); // atomic: a parallel worker never reads half a file
  } finally {
    await context.close();
  }
  return file;
}

export const test = base.extend<{ pageAs: (email: string) => Promise<Page> }>({
  pageAs: async ({ browser }, use) => {
    const contexts: Awaited<ReturnType<Browser["newContext"]>>[] = [];
    await use(async (email) => {
      const context = await browser.newContext({ storageState: await storageStateFor(browser, email) });
      contexts.push(context);
      return context.newPage();
    });
    await Promise.all(contexts.map((c) => c.close()));
  },
});
