/**
 * The console's main pages, for specs that visit each of them (accessibility,
 * screenshots): who opens it and where. The job and its submit receipt are a
 * fresh pending acme job, so the approver sees the vote form on it.
 */
import { randomBytes } from "node:crypto";
import { expect, type Page } from "@playwright/test";
import { createJob } from "../../tests/support/job-factory";
import { withDb } from "./db";

export interface MainPage {
  name: string;
  path: string | (() => Promise<string>);
  /** Who opens it: the platform admin sees the most, the approver votes. */
  as: string;
}

export const PLATFORM_ADMIN = "admin@cellgate.demo";
export const APPROVER = "approver@acme.demo";

/** A fresh pending acme job (the approver can vote on it) and the audit entry of its submit receipt. */
async function freshJob() {
  return withDb(async (prisma) => {
    const tenant = await prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } });
    const profile = await prisma.profile.findUniqueOrThrow({ where: { slug: "acme-ticket-triage" } });
    const job = await createJob(prisma, {
      tenant,
      profile,
      topic: `job.e2e_pages_${randomBytes(4).toString("hex")}.write.update_ticket`,
      riskTags: ["writes", "customer-data"],
      labels: { ticket: "T-4711" },
      payload: { ticket: "T-4711", set: { priority: "high", note: "A long note that an agent wrote to explain why this change matters to the customer." } },
      ttlSec: 3600,
    });
    const receipt = await prisma.receipt.findUniqueOrThrow({ where: { id: job.receiptId } });
    return { job, auditSeq: receipt.auditSeq };
  });
}

/** Known by name when specs are collected; pages about one job get their path (and the job) when visited. */
export const MAIN_PAGES: readonly MainPage[] = [
  { name: "overview", path: "/", as: PLATFORM_ADMIN },
  { name: "registry", path: "/profiles", as: PLATFORM_ADMIN },
  { name: "profile", path: "/profiles/acme-ticket-triage", as: PLATFORM_ADMIN },
  { name: "safety", path: "/safety", as: PLATFORM_ADMIN },
  { name: "cost", path: "/cost", as: PLATFORM_ADMIN },
  { name: "readiness", path: "/readiness", as: PLATFORM_ADMIN },
  { name: "approvals", path: "/approvals", as: APPROVER },
  { name: "job", path: async () => `/approvals/${encodeURIComponent((await freshJob()).job.id)}`, as: APPROVER },
  { name: "kill-switches", path: "/kill-switches", as: PLATFORM_ADMIN },
  { name: "audit", path: "/audit", as: PLATFORM_ADMIN },
  { name: "audit-entry", path: async () => `/audit/${(await freshJob()).auditSeq}`, as: PLATFORM_ADMIN },
  { name: "receipts", path: "/receipts", as: PLATFORM_ADMIN },
  { name: "receipt", path: async () => `/receipts/${(await freshJob()).job.receiptId}`, as: PLATFORM_ADMIN },
  { name: "policies", path: "/policies", as: PLATFORM_ADMIN },
  { name: "tokens", path: "/tokens", as: PLATFORM_ADMIN },
];

export async function pathOf(page: MainPage): Promise<string> {
  return typeof page.path === "string" ? page.path : page.path();
}

/** Open `path` and wait until it has rendered, charts included (their data comes from route handlers). */
export async function openSettled(page: Page, path: string): Promise<void> {
  const response = await page.goto(path);
  if (!response || response.status() !== 200) throw new Error(`${path} answered ${response?.status()}`);
  await page.waitForLoadState("load");
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 15_000 });
}

/** Elements that stick out past the right edge of the viewport (none when the page does not scroll sideways). */
export async function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const out: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>("*"))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= width + 1) continue;
      // Inside a box that scrolls sideways on its own: fine.
      let clipped = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === "auto" || o === "scroll" || o === "hidden" || o === "clip") {
          if (p.getBoundingClientRect().right <= width + 1) clipped = true;
          break;
        }
      }
      if (clipped) continue;
      const cls = typeof el.className === "string" ? el.className.slice(0, 80) : "";
      out.push(`${el.tagName.toLowerCase()}.${cls} right=${Math.round(r.right)} text=${(el.textContent ?? "").trim().slice(0, 40)}`);
      if (out.length >= 15) break;
    }
    return out;
  });
}
