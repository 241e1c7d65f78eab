import { STATUSES } from "../core/types.js";
import type { Status } from "../core/types.js";

/**
 * Discord messages carry no metadata, so the bot's messages say in their
 * embed footer which entry or action item they stand for:
 * `research-log:entry:<id>` (with `;before=<status>` once a reaction resolved
 * it) or `research-log:item:<id>#<n>` (with `;cut` when the item's text was
 * shortened to fit). A restarted bot reads the marker back from the message.
 */
export type Marker =
  | { kind: "entry"; id: string; statusBefore: Status | undefined }
  | { kind: "item"; id: string; item: number; cut: boolean };

const PREFIX = "research-log:";
const PATTERN = /research-log:(entry|item):([^\s;#]+)(?:#(\d+))?((?:;[a-z]+(?:=[A-Za-z]+)?)*)/;

const isStatus = (value: string | undefined): value is Status => (STATUSES as readonly string[]).includes(value ?? "");

/** The marker's text, for an embed footer. */
export function formatMarker(marker: Marker): string {
  if (marker.kind === "entry") {
    return `${PREFIX}entry:${marker.id}${marker.statusBefore === undefined ? "" : `;before=${marker.statusBefore}`}`;
  }
  return `${PREFIX}item:${marker.id}#${marker.item}${marker.cut ? ";cut" : ""}`;
}

/** The marker in a footer's text; undefined when there is none (not one of our messages). */
export function readMarker(footer: string | undefined | null): Marker | undefined {
  const match = footer == null ? null : PATTERN.exec(footer);
  if (match === null) return undefined;
  const [, kind, id = "", itemText, flagText = ""] = match;
  const flags = new Map(
    flagText
      .split(";")
      .filter((f) => f !== "")
      .map((f) => {
        const [name = "", value] = f.split("=");
        return [name, value] as const;
      }),
  );
  if (kind === "entry") {
    if (itemText !== undefined) return undefined;
    const before = flags.get("before");
    return { kind: "entry", id, statusBefore: isStatus(before) ? before : undefined };
  }
  const item = Number(itemText);
  if (!Number.isInteger(item) || item < 1) return undefined;
  return { kind: "item", id, item, cut: flags.has("cut") };
}
