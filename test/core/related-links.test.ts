import { describe, expect, it } from "vitest";
import { isRepositoryPath, linkRelated, linkRelatedItem, mlflowRunUrl } from "../../src/core/related-links.js";
import type { RelatedLink } from "../../src/core/related-links.js";
import { parseLog } from "../../src/core/parse-log.js";
import { formatEntry } from "../../src/core/format-entry.js";
import { normalizeFinding } from "../../src/core/normalize-finding.js";

const options = {
  mlflowTrackingUri: "https://mlflow.example/",
  fileUrl: (path: string) => `https://github.com/lab/vision/blob/main/${path}`,
};

describe("linkRelatedItem", () => {
  it.each<[string, string, RelatedLink]>([
    ["an MLflow run as typed", "MLflow run abc123", { kind: "mlflow-run", label: "MLflow run abc123", url: "https://mlflow.example/#/runs/abc123" }],
    ["an MLflow run as written in the file", "MLflow run `abc123`", { kind: "mlflow-run", label: "MLflow run abc123", url: "https://mlflow.example/#/runs/abc123" }],
    ["any case of 'mlflow run'", "mlflow RUN 9f8e", { kind: "mlflow-run", label: "MLflow run 9f8e", url: "https://mlflow.example/#/runs/9f8e" }],
    ["a repository path", "experiments/train.py", { kind: "path", label: "experiments/train.py", url: "https://github.com/lab/vision/blob/main/experiments/train.py" }],
    ["a path in backticks", "`configs/amp.yaml`", { kind: "path", label: "configs/amp.yaml", url: "https://github.com/lab/vision/blob/main/configs/amp.yaml" }],
    ["a bare file name with a code extension", "train.py", { kind: "path", label: "train.py", url: "https://github.com/lab/vision/blob/main/train.py" }],
    ["a directory", "data/loaders/", { kind: "path", label: "data/loaders/", url: "https://github.com/lab/vision/blob/main/data/loaders" }],
    ["a W&B run URL", "https://wandb.ai/lab/vision/runs/3kx9q2", { kind: "wandb-run", label: "W&B run 3kx9q2", url: "https://wandb.ai/lab/vision/runs/3kx9q2" }],
    ["a W&B run URL with a tab", "https://wandb.ai/lab/vision/runs/3kx9q2/logs?nw=1", { kind: "wandb-run", label: "W&B run 3kx9q2", url: "https://wandb.ai/lab/vision/runs/3kx9q2/logs?nw=1" }],
    ["any other URL", "https://arxiv.org/abs/2106.09685", { kind: "url", label: "https://arxiv.org/abs/2106.09685", url: "https://arxiv.org/abs/2106.09685" }],
    ["prose", "PR #12 by Ana", { kind: "text", label: "PR #12 by Ana", url: undefined }],
    ["a dotted word is not a file", "torch.compile", { kind: "text", label: "torch.compile", url: undefined }],
    ["a parent path is not linked", "../secrets/key.py", { kind: "text", label: "../secrets/key.py", url: undefined }],
    ["an absolute path is not linked", "/etc/passwd", { kind: "text", label: "/etc/passwd", url: undefined }],
  ])("%s", (_name, item, expected) => {
    expect(linkRelatedItem(item, options)).toEqual(expected);
  });

  it("leaves MLflow runs and paths unlinked without a tracking URI or a web view", () => {
    expect(linkRelated(["MLflow run abc123", "experiments/train.py"])).toEqual([
      { kind: "mlflow-run", label: "MLflow run abc123", url: undefined },
      { kind: "path", label: "experiments/train.py", url: undefined },
    ]);
  });

  it("accepts only an http(s) tracking URI (a file: or databricks URI has no web page)", () => {
    expect(mlflowRunUrl("databricks", "abc")).toBeUndefined();
    expect(mlflowRunUrl("file:///mlruns", "abc")).toBeUndefined();
    expect(mlflowRunUrl("http://localhost:5000", "abc")).toBe("http://localhost:5000/#/runs/abc");
  });

  it.each(["experiments/train.py", "a/b", "notebook.ipynb", "configs/"])("%s is a repository path", (item) => {
    expect(isRepositoryPath(item)).toBe(true);
  });
  it.each(["abc123", "v1.2", "e.g.", "https://x.org/a.py", "two words/x", ""])("%s is not a repository path", (item) => {
    expect(isRepositoryPath(item)).toBe(false);
  });
});

describe("the file keeps the seed's form", () => {
  it("links are for chat only: formatting and reading back Related is unchanged", () => {
    const result = normalizeFinding(
      {
        date: "2026-01-20",
        title: "AMP Breaks Complex Number Operations",
        category: "Training",
        status: "Workaround",
        related: "experiments/train.py, MLflow run abc123",
        finding: "NaN gradients.",
        impact: "No AMP.",
      },
      { categories: ["Training"] },
    );
    if (!result.ok) throw new Error("invalid test finding");
    const markdown = formatEntry(result.value);
    expect(markdown).toContain("**Related**: `experiments/train.py`, MLflow run `abc123`\n");
    const [entry] = parseLog(`# Research Log\n\n${markdown}`).entries;
    expect(linkRelated(entry?.related ?? [], options).map((link) => link.url)).toEqual([
      "https://github.com/lab/vision/blob/main/experiments/train.py",
      "https://mlflow.example/#/runs/abc123",
    ]);
  });
});
