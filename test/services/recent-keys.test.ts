import { describe, expect, it } from "vitest";
import { isAllowed } from "../../src/slack/is-allowed.js";
import { createRecentKeys } from "../../src/services/recent-keys.js";

describe("createRecentKeys", () => {
  it("reports a key seen within the time-to-live, and forgets after it or on request", () => {
    let now = 0;
    const keys = createRecentKeys({ now: () => new Date(now) }, 1000);
    expect(keys.seen("a")).toBe(false);
    expect(keys.seen("a")).toBe(true);
    now = 1500;
    expect(keys.seen("a")).toBe(false);
    keys.forget("a");
    expect(keys.seen("a")).toBe(false);
  });

  it("holds at most maxSize keys", () => {
    const keys = createRecentKeys({ now: () => new Date(0) }, 60_000, 2);
    keys.seen("a");
    keys.seen("b");
    keys.seen("c");
    expect(keys.seen("c")).toBe(true);
    expect(keys.seen("a")).toBe(false);
  });
});

describe("isAllowed", () => {
  it("allows everyone without lists, and only the listed with them", () => {
    expect(isAllowed({ allowedChannels: undefined, allowedUsers: undefined }, "U1", "C1")).toBe(true);
    expect(isAllowed({ allowedChannels: ["C1"], allowedUsers: undefined }, "U1", "C2")).toBe(false);
    expect(isAllowed({ allowedChannels: ["C1"], allowedUsers: ["U1"] }, "U1", "C1")).toBe(true);
    expect(isAllowed({ allowedChannels: undefined, allowedUsers: ["U1"] }, "U2", "C1")).toBe(false);
  });
});
