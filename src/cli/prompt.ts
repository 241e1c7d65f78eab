import type { FindingInput } from "../core/types.js";
import { STATUSES } from "../core/types.js";

/** Asks a person one question; `multiline` reads until an empty line. */
export interface Prompter {
  ask(question: string, options?: { multiline?: boolean }): Promise<string>;
}

const isMissing = (value: string | readonly string[] | undefined): boolean =>
  value === undefined || (typeof value === "string" ? value.trim() === "" : value.length === 0);

/**
 * Asks for each required field that was not given on the command line, in
 * the entry's order. Optional fields are offered too when the person is
 * typing anyway (some required field was missing).
 */
export async function askMissingFields(
  input: FindingInput,
  prompter: Prompter,
  categories: readonly string[],
): Promise<FindingInput> {
  const required = [input.title, input.category, input.status, input.finding, input.impact];
  if (!required.some(isMissing)) return input;
  const next: FindingInput = { ...input };
  if (isMissing(next.title)) next.title = await prompter.ask("Title: ");
  if (isMissing(next.category)) next.category = await prompter.ask(`Category (${categories.join(", ")}): `);
  if (isMissing(next.status)) next.status = await prompter.ask(`Status (${STATUSES.join(", ")}): `);
  if (isMissing(next.related)) next.related = await prompter.ask("Related (paths, run ids, URLs; comma-separated, optional): ");
  if (isMissing(next.finding)) next.finding = await prompter.ask("Finding (what you observed; end with an empty line):\n", { multiline: true });
  if (isMissing(next.impact)) next.impact = await prompter.ask("Impact (how this affects the project; end with an empty line):\n", { multiline: true });
  if (isMissing(next.actionItems)) {
    next.actionItems = await prompter.ask("Action items (one per line, [x] for done; end with an empty line):\n", { multiline: true });
  }
  return next;
}
