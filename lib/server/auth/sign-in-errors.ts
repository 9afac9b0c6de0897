/**
 * The error codes sign-in reports (in next-auth's `?error=` parameter) and
 * the words the sign-in page shows for them. Pure: imported by the client
 * form as well as the server.
 */
export const SIGN_IN_ERROR = {
  badCredentials: "CG_BAD_CREDENTIALS",
  throttled: "CG_THROTTLED",
  disabled: "CG_DISABLED",
  oidcNoAccess: "CG_OIDC_NO_ACCESS",
  oidcEmailConflict: "CG_OIDC_EMAIL_CONFLICT",
  oidcNoEmail: "CG_OIDC_NO_EMAIL",
} as const;

/** "CG_THROTTLED:4" carries the minutes to wait. */
export function throttledCode(minutes: number): string {
  return `${SIGN_IN_ERROR.throttled}:${minutes}`;
}

export function throttleMessage(minutes: number): string {
  return `Too many failed sign-ins. Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
}

export function isThrottledCode(code: string | null | undefined): boolean {
  return !!code && code.startsWith(`${SIGN_IN_ERROR.throttled}:`);
}

export function signInErrorMessage(code: string | null | undefined): string | null {
  if (!code) return null;
  if (isThrottledCode(code)) {
    const minutes = Number(code.slice(SIGN_IN_ERROR.throttled.length + 1));
    return throttleMessage(Number.isInteger(minutes) && minutes > 0 ? minutes : 15);
  }
  switch (code) {
    case SIGN_IN_ERROR.badCredentials:
    case "CredentialsSignin":
      return "Wrong email or password.";
    case SIGN_IN_ERROR.disabled:
      return "This account is disabled. Ask a platform admin to enable it.";
    case SIGN_IN_ERROR.oidcNoAccess:
      return "Your single sign-on account is not in any group that grants access to Cellgate. Ask your administrator.";
    case SIGN_IN_ERROR.oidcEmailConflict:
      return "A Cellgate account with this email already exists and is not linked to single sign-on. Ask a platform admin.";
    case SIGN_IN_ERROR.oidcNoEmail:
      return "Your identity provider did not share an email address, which Cellgate needs.";
    case "OAuthSignin":
    case "OAuthCallback":
    case "Callback":
    case "OAuthCreateAccount":
      return "Single sign-on failed. Try again, or use your email and password.";
    case "AccessDenied":
      return "Access denied.";
    case "SessionRequired":
      return "Please sign in to continue.";
    default:
      return "Sign-in failed. Try again.";
  }
}
