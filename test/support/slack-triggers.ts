/**
 * The trigger ids Slack issues with interactions. A test builds an
 * interaction's body (test/support/slack-factories.ts), which issues its
 * trigger id here; the fake Slack in the same process takes it when the bot
 * opens a view. As on Slack, a trigger id works once, within 3 seconds of
 * the interaction: https://docs.slack.dev/interactivity/handling-user-interaction#modals
 */
import { randomUUID } from "node:crypto";

/** How long a trigger id can open a view. */
export const TRIGGER_TTL_MS = 3000;

const issued = new Map<string, { at: number; used: boolean }>();
let counter = 0;

/** A new trigger id, as Slack writes them (`<digits>.<digits>.<hex>`), issued now. */
export function issueTrigger(): string {
  counter += 1;
  const id = `${Date.now()}${String(counter).padStart(4, "0")}.1.${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  issued.set(id, { at: performance.now(), used: false });
  return id;
}

/** Takes `id` to open a view: undefined when it may, or the error views.open answers. */
export function takeTrigger(id: string): "invalid_trigger_id" | "expired_trigger_id" | "exchanged_trigger_id" | undefined {
  const trigger = issued.get(id);
  if (trigger === undefined) return "invalid_trigger_id";
  if (trigger.used) return "exchanged_trigger_id";
  if (performance.now() - trigger.at > TRIGGER_TTL_MS) return "expired_trigger_id";
  trigger.used = true;
  return undefined;
}
