import { describe, expect, it } from "vitest";
import { FINDING_BLOCK_IDS } from "../../src/slack/build-finding-modal.js";
import { toViewErrors, viewToInput } from "../../src/slack/view-to-input.js";
import { AMP_FINDING, findingViewState } from "../support/slack-factories.js";

describe("viewToInput", () => {
  it("reads every field as typed", () => {
    expect(viewToInput(findingViewState(AMP_FINDING))).toEqual(AMP_FINDING);
  });

  it("leaves empty inputs and unselected selects undefined", () => {
    expect(viewToInput(findingViewState({ title: "T" }))).toEqual({
      title: "T",
      category: undefined,
      status: undefined,
      related: undefined,
      finding: undefined,
      impact: undefined,
      actionItems: undefined,
    });
    expect(viewToInput({})).toEqual(viewToInput(findingViewState({})));
  });
});

describe("toViewErrors", () => {
  it("keys messages by block id, joining several for one field; a date error shows on the title", () => {
    expect(
      toViewErrors([
        { field: "title", message: "Title is required" },
        { field: "actionItems", message: "Item 2 is empty" },
        { field: "actionItems", message: "Item 3 is too long" },
        { field: "date", message: "Date is invalid" },
      ]),
    ).toEqual({
      [FINDING_BLOCK_IDS.title]: "Title is required; Date is invalid",
      [FINDING_BLOCK_IDS.actionItems]: "Item 2 is empty; Item 3 is too long",
    });
  });
});
