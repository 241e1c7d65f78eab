/**
 * Links for what a finding's Related line cites: MLflow runs, Weights & Biases
 * runs, files in the repository, plain URLs. For chat messages only: the file
 * keeps the seed's text form (`` MLflow run `abc123` ``), and these functions
 * never change what is written.
 */

export interface RelatedLinkOptions {
  /** MLFLOW_TRACKING_URI: `MLflow run <id>` links to the run's page on this server. */
  mlflowTrackingUri?: string | undefined;
  /** The web address of a file on the target branch, for repository paths. */
  fileUrl?: ((path: string) => string | undefined) | undefined;
}

export type RelatedKind = "mlflow-run" | "wandb-run" | "url" | "path" | "text";

/** One Related item as a chat message shows it: its label and, when known, where it points. */
export interface RelatedLink {
  kind: RelatedKind;
  label: string;
  url: string | undefined;
}

const MLFLOW_RUN = /^mlflow run `?([A-Za-z0-9_-]+)`?$/i;
const URL_ITEM = /^https?:\/\/\S+$/i;
// https://wandb.ai/<entity>/<project>/runs/<run id>, with an optional tab or query after the id.
const WANDB_RUN = /^https?:\/\/(?:[\w-]+\.)*wandb\.(?:ai|com)\/([^/\s]+)\/([^/\s]+)\/runs\/([A-Za-z0-9_-]+)(?:[/?#]\S*)?$/i;
// A relative path inside a repository: no scheme, no leading slash, no `..`, no spaces.
const REPO_PATH = /^(?![/\\])(?!.*(?:^|\/)\.\.(?:\/|$))[\w.@+-]+(?:\/[\w.@+-]+)*\/?$/;
// Extensions that make a bare name (no slash) a file worth linking rather than a word such as `torch.compile`.
const FILE_EXTENSION = /\.(?:py|ipynb|ya?ml|json|toml|cfg|ini|md|txt|csv|tsv|sh|r|jl|js|ts|c|cc|cpp|h|hpp|rs|go|java|scala|sql|lua)$/i;

/** The MLflow UI's page for a run: `<tracking uri>/#/runs/<id>` (MLflow's direct run route). */
export function mlflowRunUrl(trackingUri: string, runId: string): string | undefined {
  if (!/^https?:\/\//i.test(trackingUri)) return undefined;
  return `${trackingUri.replace(/\/+$/, "")}/#/runs/${encodeURIComponent(runId)}`;
}

/** True when `item` reads as a path inside the repository (`experiments/train.py`, `configs/`, `train.py`). */
export function isRepositoryPath(item: string): boolean {
  if (URL_ITEM.test(item) || !REPO_PATH.test(item)) return false;
  return item.includes("/") || FILE_EXTENSION.test(item);
}

/** What one Related item (as typed, or as read back from the file) points at. */
export function linkRelatedItem(item: string, options: RelatedLinkOptions = {}): RelatedLink {
  const text = item.trim();
  const unquoted = /^`[^`]+`$/.test(text) ? text.slice(1, -1) : text;
  const run = MLFLOW_RUN.exec(unquoted);
  if (run?.[1] !== undefined) {
    const url = options.mlflowTrackingUri === undefined ? undefined : mlflowRunUrl(options.mlflowTrackingUri, run[1]);
    return { kind: "mlflow-run", label: `MLflow run ${run[1]}`, url };
  }
  const wandb = WANDB_RUN.exec(unquoted);
  if (wandb?.[3] !== undefined) return { kind: "wandb-run", label: `W&B run ${wandb[3]}`, url: unquoted };
  if (URL_ITEM.test(unquoted)) return { kind: "url", label: unquoted, url: unquoted };
  if (isRepositoryPath(unquoted)) return { kind: "path", label: unquoted, url: options.fileUrl?.(unquoted.replace(/\/$/, "")) };
  return { kind: "text", label: text, url: undefined };
}

/** Every Related item with its link, in order. */
export function linkRelated(items: readonly string[], options: RelatedLinkOptions = {}): RelatedLink[] {
  return items.map((item) => linkRelatedItem(item, options)).filter((link) => link.label !== "");
}
