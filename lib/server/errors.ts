/**
 * Expected failures carry a code and a message fit to show the user.
 * Anything else is a bug: logged with a request id, shown as generic text.
 * (No "server-only" import: client components share the result types.)
 */
export const ERROR_CODES = [
  "unauthenticated",
  "invalid_input",
  "not_found",
  "forbidden",
  "conflict",
  "internal",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fieldErrors?: Record<string, string[]>;
  /** For "forbidden": the permission that was refused (named in API problems). */
  readonly permission?: string;

  constructor(code: ErrorCode, message: string, fieldErrors?: Record<string, string[]>, permission?: string) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.fieldErrors = fieldErrors;
    this.permission = permission;
  }
}

export interface ActionError {
  code: ErrorCode;
  message: string;
  fieldErrors?: Record<string, string[]>;
  requestId?: string;
  permission?: string;
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** The same words for "does not exist" and "exists but not yours", so nothing leaks. */
export const NOT_FOUND_MESSAGE = "Not found, or you do not have access to it.";
export const SIGNED_OUT_MESSAGE = "You are signed out. Sign in again to continue.";
