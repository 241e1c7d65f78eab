import type { FieldError, FindingField, FindingInput } from "../core/types.js";
import { FINDING_ACTION_ID, FINDING_BLOCK_IDS, PICTURES_BLOCK_ID } from "./build-finding-modal.js";

/** The part of a submitted view's state we read: one element per input block. */
export interface ViewStateValues {
  [blockId: string]: {
    [actionId: string]: {
      type?: string;
      value?: string | null;
      selected_option?: { value?: string } | null;
      /** A `file_input`'s uploads. */
      files?: { id?: string }[] | null;
    };
  };
}

const read = (values: ViewStateValues, blockId: string): string | undefined => {
  const element = values[blockId]?.[FINDING_ACTION_ID];
  if (element === undefined) return undefined;
  const value = element.selected_option?.value ?? element.value;
  return value === null || value === undefined ? undefined : value;
};

/**
 * Translates the modal's state into what the person typed. Nothing is
 * trusted or normalised here: the service validates, as it does for the CLI.
 */
export function viewToInput(values: ViewStateValues): FindingInput {
  return {
    title: read(values, FINDING_BLOCK_IDS.title),
    category: read(values, FINDING_BLOCK_IDS.category),
    status: read(values, FINDING_BLOCK_IDS.status),
    related: read(values, FINDING_BLOCK_IDS.related),
    finding: read(values, FINDING_BLOCK_IDS.finding),
    impact: read(values, FINDING_BLOCK_IDS.impact),
    actionItems: read(values, FINDING_BLOCK_IDS.actionItems),
  };
}

/** The ids of the files uploaded in the form's picture input. */
export function viewToFileIds(values: ViewStateValues): string[] {
  const files = values[PICTURES_BLOCK_ID]?.[FINDING_ACTION_ID]?.files ?? [];
  return files.flatMap((file) => (typeof file.id === "string" && file.id !== "" ? [file.id] : []));
}

const blockOf: Record<FindingField, string> = {
  // The date is not in the modal (it is today); an error on it is shown on the title.
  date: FINDING_BLOCK_IDS.title,
  title: FINDING_BLOCK_IDS.title,
  category: FINDING_BLOCK_IDS.category,
  status: FINDING_BLOCK_IDS.status,
  related: FINDING_BLOCK_IDS.related,
  finding: FINDING_BLOCK_IDS.finding,
  impact: FINDING_BLOCK_IDS.impact,
  actionItems: FINDING_BLOCK_IDS.actionItems,
};

/** Field errors as a view_submission `errors` response: messages keyed by block id. */
export function toViewErrors(errors: readonly FieldError[]): Record<string, string> {
  const byBlock: Record<string, string> = {};
  for (const { field, message } of errors) {
    const blockId = blockOf[field];
    const previous = byBlock[blockId];
    byBlock[blockId] = previous === undefined ? message : `${previous}; ${message}`;
  }
  return byBlock;
}
