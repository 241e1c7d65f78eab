import { describe, expect, it } from "vitest";
import { askMissingFields } from "../../src/cli/prompt.js";
import type { Prompter } from "../../src/cli/prompt.js";
import { DEFAULT_CATEGORIES } from "../../src/core/types.js";

/** A person at the terminal, answering from a script and recording what was asked. */
function scriptedPerson(answers: string[]): Prompter & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async ask(question) {
      asked.push(question);
      const answer = answers.shift();
      if (answer === undefined) throw new Error(`unexpected question: ${question}`);
      return answer;
    },
  };
}

describe("askMissingFields", () => {
  it("asks nothing when the required fields were given", async () => {
    const person = scriptedPerson([]);
    const input = { title: "T", category: "Data", status: "Open", finding: "F", impact: "I" };
    expect(await askMissingFields(input, person, DEFAULT_CATEGORIES)).toEqual(input);
    expect(person.asked).toEqual([]);
  });

  it("asks for each missing field in the entry's order, offering the categories", async () => {
    const person = scriptedPerson(["Data", "Open", "runs/42", "Saw it", "It hurts", "Fix it\n[x] Note it"]);
    const result = await askMissingFields({ title: "Given" }, person, DEFAULT_CATEGORIES);
    expect(result).toEqual({
      title: "Given",
      category: "Data",
      status: "Open",
      related: "runs/42",
      finding: "Saw it",
      impact: "It hurts",
      actionItems: "Fix it\n[x] Note it",
    });
    expect(person.asked[0]).toContain("Training, Architecture, Data, Tooling, Performance");
    expect(person.asked).toHaveLength(6);
  });
});
