/**
 * What GitHub's answers mean for the store: Octokit's RequestError becomes
 * one of the store errors (log-store.ts), with the original as `cause`.
 * Messages name what to fix and the credential in use, never a secret.
 */
import { NotFoundError, PermissionError, StoreError, UnavailableError } from "../log-store.js";

const PROTECTED = /protected branch|through a pull request|required status checks? (is|are) expected|approv(ed|ing) reviews? (is|are) required|rule violations/i;

export function isProtectedBranchRefusal(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== 403 && status !== 409 && status !== 422) return false;
  return PROTECTED.test(messageOf(error)) || /protected-branches|rulesets/.test(documentationUrlOf(error));
}

interface ErrorLike {
  status?: unknown;
  message?: unknown;
  name?: unknown;
  request?: unknown;
  response?: { data?: unknown; headers?: Record<string, string | undefined> };
}

export function isRequestError(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as ErrorLike).request !== undefined && typeof (error as ErrorLike).status === "number";
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as ErrorLike | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/** GitHub's own message (from the body), not Octokit's decorated one. */
export function messageOf(error: unknown): string {
  const data = (error as ErrorLike | null)?.response?.data;
  if (typeof data === "object" && data !== null && typeof (data as { message?: unknown }).message === "string") {
    return (data as { message: string }).message;
  }
  const message = (error as ErrorLike | null)?.message;
  return typeof message === "string" ? message : String(error);
}

export function documentationUrlOf(error: unknown): string {
  const data = (error as ErrorLike | null)?.response?.data;
  const url = typeof data === "object" && data !== null ? (data as { documentation_url?: unknown }).documentation_url : undefined;
  return typeof url === "string" ? url : "";
}

export function isRateLimited(error: unknown): boolean {
  const status = statusOf(error);
  if (status === 429) return true;
  if (status !== 403) return false;
  const headers = (error as ErrorLike).response?.headers ?? {};
  return headers["x-ratelimit-remaining"] === "0" || headers["retry-after"] !== undefined || /rate limit/i.test(messageOf(error));
}

/** A failure after the request may have been sent: a 5xx, a network error, a time-out. */
export function isAmbiguous(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return status >= 500;
  const name = (error as ErrorLike | null)?.name;
  return name === "AbortError" || name === "TimeoutError" || error instanceof TypeError;
}

export function describeFailure(error: unknown): string {
  const name = (error as ErrorLike | null)?.name;
  if (name === "AbortError" || name === "TimeoutError") return "timed out";
  const status = statusOf(error);
  const hasResponse = (error as ErrorLike | null)?.response !== undefined;
  return status !== undefined && hasResponse ? `${status} ${messageOf(error)}` : messageOf(error);
}

/**
 * Translate any failure into a StoreError subclass, keeping it as `cause`.
 * Messages name what to fix and never contain credentials (GitHub does not
 * echo them, and Octokit redacts the authorization header in `cause`).
 */
export function mapError(error: unknown, doing: string): StoreError {
  if (error instanceof StoreError) return error;
  const status = statusOf(error);
  const message = messageOf(error);
  if (status === 401) {
    return new PermissionError(`GITHUB_TOKEN was rejected by GitHub (${message}) while ${doing}: check the token`, {
      cause: error,
    });
  }
  if (isRateLimited(error)) {
    return new UnavailableError(`GitHub rate limit while ${doing}: try again later`, { cause: error });
  }
  if (status === 403) {
    return new PermissionError(`GitHub refused ${doing} (403 ${message}): check the token's permissions`, { cause: error });
  }
  if (status === 404) return new NotFoundError(`not found while ${doing} (${message})`, { cause: error });
  if (isAmbiguous(error) || status === undefined) {
    return new UnavailableError(`GitHub is unavailable (${describeFailure(error)}) while ${doing}: try again later`, {
      cause: error,
    });
  }
  return new StoreError(`GitHub refused ${doing} (${status} ${message})`, { cause: error });
}
