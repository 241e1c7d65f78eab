/**
 * What GitHub's answers mean for the store: Octokit's RequestError becomes
 * one of the store errors (log-store.ts), with the original as `cause`.
 * Messages name what to fix and the credential in use, never a secret.
 */
import { NotFoundError, PermissionError, RefusedError, StoreError, UnavailableError } from "../log-store.js";

/** The credential a client authenticates with, as messages name it. */
export interface Credential {
  /** `GITHUB_TOKEN`, or `the GitHub App 123's installation token`. */
  label: string;
  /** What to check when it is rejected. */
  check: string;
}

export const TOKEN_CREDENTIAL: Credential = { label: "GITHUB_TOKEN", check: "check the token" };

export const appCredential = (appId: string): Credential => ({
  label: `the GitHub App ${appId}'s installation token`,
  check: "check GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and that the App is installed on the repository",
});

const PROTECTED = /protected branch|through a pull request|required status checks? (is|are) expected|approv(ed|ing) reviews? (is|are) required|rule violations|creations being restricted/i;

/** A ruleset, branch protection or push protection refused the write (403, 409 or 422 with GitHub's wording). */
export function isProtectedBranchRefusal(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== 403 && status !== 409 && status !== 422) return false;
  return PROTECTED.test(messageOf(error)) || /protected-branches|rulesets/.test(documentationUrlOf(error));
}

/** GitHub's answer for a repository without any commit: 409 "Git Repository is empty." (404 "This repository is empty." on contents). */
export function isEmptyRepository(error: unknown): boolean {
  const status = statusOf(error);
  return (status === 409 || status === 404) && /repository is empty/i.test(messageOf(error));
}

/** The rule GitHub names: its message without the "Repository rule violations found" heading, on one line. */
export function ruleOf(error: unknown): string {
  const text = messageOf(error)
    .replace(/^Repository rule violations found( for [^\n]*)?/i, "")
    .replace(/^Could not update file:\s*/i, "")
    .split("\n")
    .map((line) => line.replace(/^\s*-\s*/, "").trim())
    .filter((line) => line !== "")
    .join(" ");
  return text === "" ? messageOf(error).trim() : text;
}

/** A rule refusal as a permanent store error: no retry helps, the person gets their text back. */
export function refusal(error: unknown, what: string, hint: string): RefusedError {
  return new RefusedError(`a repository rule refuses ${what}: "${ruleOf(error)}" (${statusOf(error) ?? "?"}); ${hint}`, { cause: error });
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
export function mapError(error: unknown, doing: string, credential: Credential = TOKEN_CREDENTIAL): StoreError {
  if (error instanceof StoreError) return error;
  const status = statusOf(error);
  const message = messageOf(error);
  if (status === 401) {
    return new PermissionError(`${credential.label} was rejected by GitHub (${message}) while ${doing}: ${credential.check}`, {
      cause: error,
    });
  }
  if (isRateLimited(error)) {
    return new UnavailableError(`GitHub rate limit while ${doing}: try again later`, { cause: error });
  }
  if (status === 403) {
    return new PermissionError(`GitHub refused ${doing} (403 ${message}): check the permissions of ${credential.label}`, { cause: error });
  }
  if (status === 404) return new NotFoundError(`not found while ${doing} (${message})`, { cause: error });
  if (isAmbiguous(error) || status === undefined) {
    return new UnavailableError(`GitHub is unavailable (${describeFailure(error)}) while ${doing}: try again later`, {
      cause: error,
    });
  }
  return new StoreError(`GitHub refused ${doing} (${status} ${message})`, { cause: error });
}
