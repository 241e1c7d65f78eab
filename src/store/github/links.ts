/** Links into GitHub's web view: the web host for an API base, and an entry's address. */

/**
 * The web base matching an API base: api.github.com → github.com,
 * GitHub Enterprise Cloud with data residency api.SUBDOMAIN.ghe.com →
 * SUBDOMAIN.ghe.com, GitHub Enterprise Server HOST/api/v3 → HOST.
 */
export function webUrlFor(apiBaseUrl: string): string {
  const url = new URL(apiBaseUrl);
  if (url.hostname === "api.github.com") return "https://github.com";
  const dataResidency = /^api\.([a-z0-9-]+\.ghe\.com)$/i.exec(url.hostname);
  if (dataResidency !== null) return `${url.protocol}//${dataResidency[1]}`;
  return `${url.origin}${url.pathname.replace(/\/api\/v3\/?$/, "").replace(/\/+$/, "")}`;
}

/** A file's address on a branch, `…/blob/<ref>/<path>`, each path segment encoded. */
export function blobUrl(webUrl: string, repo: { owner: string; repo: string }, ref: string, path: string): string {
  return `${webUrl}/${repo.owner}/${repo.repo}/blob/${ref}/${path.split("/").map(encodeURIComponent).join("/")}`;
}
