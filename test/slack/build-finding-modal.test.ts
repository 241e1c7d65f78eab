import { describe, expect, it } from "vitest";
import {
  buildFindingModal,
  FINDING_BLOCK_IDS,
  MAX_INPUT_LENGTH,
  parseModalContext,
} from "../../src/slack/build-finding-modal.js";

type Input = {
  type: string;
  block_id: string;
  optional?: boolean;
  label: { text: string };
  element: {
    type: string;
    multiline?: boolean;
    max_length?: number;
    initial_value?: string;
    placeholder?: { text: string };
    options?: { value: string }[];
    initial_option?: { value: string };
  };
};

const inputs = (view: ReturnType<typeof buildFindingModal>): Input[] => view.blocks as unknown as Input[];
const block = (view: ReturnType<typeof buildFindingModal>, id: string): Input => {
  const found = inputs(view).find((b) => b.block_id === id);
  if (found === undefined) throw new Error(`no block ${id}`);
  return found;
};

describe("buildFindingModal", () => {
  const view = buildFindingModal({ context: { channel: "C1" }, categories: ["Training", "Data", "Robotics"], title: "  NaN\n loss " });

  it("has the log's fields, labelled exactly, in order", () => {
    expect(inputs(view).map((b) => [b.type, b.label.text])).toEqual([
      ["input", "Title"],
      ["input", "Category"],
      ["input", "Status"],
      ["input", "Related"],
      ["input", "Finding"],
      ["input", "Impact"],
      ["input", "Action Items"],
    ]);
    expect(view.callback_id).toBe("log_finding");
    expect(view.title.text.length).toBeLessThanOrEqual(24);
  });

  it("offers the configured categories and the statuses as select values", () => {
    expect(block(view, FINDING_BLOCK_IDS.category).element.options?.map((o) => o.value)).toEqual(["Training", "Data", "Robotics"]);
    expect(block(view, FINDING_BLOCK_IDS.status).element.options?.map((o) => o.value)).toEqual(["Open", "Resolved", "Workaround"]);
    expect(block(view, FINDING_BLOCK_IDS.status).element.initial_option?.value).toBe("Open");
  });

  it("prefills the title on one line, and marks optional and multiline fields", () => {
    expect(block(view, FINDING_BLOCK_IDS.title).element.initial_value).toBe("NaN loss");
    expect(block(view, FINDING_BLOCK_IDS.title).element.max_length).toBe(200);
    for (const id of [FINDING_BLOCK_IDS.finding, FINDING_BLOCK_IDS.impact, FINDING_BLOCK_IDS.actionItems]) {
      expect(block(view, id).element.multiline).toBe(true);
      expect(block(view, id).element.max_length).toBe(MAX_INPUT_LENGTH);
    }
    expect(inputs(view).filter((b) => b.optional === true).map((b) => b.label.text)).toEqual(["Related", "Action Items"]);
    expect(block(view, FINDING_BLOCK_IDS.related).element.placeholder?.text).toBe("experiments/train.py, MLflow run abc123");
  });

  it("keeps prefills within Slack's limits", () => {
    const long = buildFindingModal({ context: { channel: "C1", threadTs: "1.2" }, categories: ["Data"], finding: "x".repeat(5000), title: "t".repeat(300) });
    expect(block(long, FINDING_BLOCK_IDS.finding).element.initial_value?.length).toBe(MAX_INPUT_LENGTH);
    expect(block(long, FINDING_BLOCK_IDS.title).element.initial_value?.length).toBe(200);
    expect(inputs(long).every((b) => (b.element.placeholder?.text.length ?? 0) <= 150)).toBe(true);
  });

  it("round-trips its context through private_metadata", () => {
    const withThread = buildFindingModal({ context: { channel: "C1", threadTs: "1.2" }, categories: ["Data"] });
    expect(parseModalContext(withThread.private_metadata)).toEqual({ channel: "C1", threadTs: "1.2" });
    expect(parseModalContext("")).toBeUndefined();
    expect(parseModalContext("not json")).toBeUndefined();
    expect(parseModalContext('{"channel":""}')).toBeUndefined();
  });
});
