import { createHash } from "node:crypto";
import { formatEntry } from "../core/format-entry.js";
import { assetPaths, checkImages, DEFAULT_IMAGE_LIMITS, withPictures } from "../core/images.js";
import type { AcceptedImage, ImageLimits, OfferedFile } from "../core/images.js";
import { anchorOf, appendEntry, setActionItem, setStatus } from "../core/edit-log.js";
import { editEntry as rewriteEntry, entryForEdit, formInputOf } from "../core/edit-entry.js";
import { filterEntries } from "../core/filter-entries.js";
import { normalizeFinding } from "../core/normalize-finding.js";
import { parseLog } from "../core/parse-log.js";
import { collapseWhitespace } from "../core/normalize-finding.js";
import { selectOpenItems } from "../core/select-open-items.js";
import type { OpenItemGroup } from "../core/select-open-items.js";
import { todayIn } from "../core/dates.js";
import type { FieldError, Finding, FindingInput, ParsedEntry, Status } from "../core/types.js";
import { DEFAULT_CATEGORIES } from "../core/types.js";
import type { CommitAuthor, LogStore } from "../store/log-store.js";
import { StoreError } from "../store/log-store.js";
import { updateLog } from "./update-log.js";
import { messageOf } from "../error-details.js";

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface LogServiceOptions {
  store: LogStore;
  clock?: Clock;
  /** Allowed categories (defaults plus the team's own). */
  categories?: readonly string[];
  /** IANA zone for "today" (entry dates, digest ages). */
  timeZone?: string;
  order?: "oldest-first" | "newest-first";
  maxAttempts?: number;
  /** What a finding's pictures may weigh (default DEFAULT_IMAGE_LIMITS). */
  imageLimits?: ImageLimits;
}

/** An entry as the service shows it to adapters: the finding's fields and its id. */
export interface EntrySummary {
  id: string;
  line: number;
  date: string | undefined;
  title: string;
  category: string | undefined;
  status: string | undefined;
  related: string[];
  finding: string | undefined;
  impact: string | undefined;
  actionItems: { text: string; done: boolean }[];
  url: string | undefined;
}

export interface Committed {
  /** The commit (or pull request) link, when the store has one. */
  commitUrl: string | undefined;
  commit: string | undefined;
  pullRequestUrl: string | undefined;
}

export type LogFindingResult =
  | { ok: false; errors: FieldError[] }
  | ({
      ok: true;
      id: string;
      finding: Finding;
      /** False when the same entry was already in the log (a retried submission). */
      created: boolean;
      entryUrl: string | undefined;
      markdown: string;
      /** Pictures committed with the entry: their paths in the repository. */
      pictures: string[];
      /** Files offered with the finding and left out, each with a sentence saying why. */
      refused: { name: string; reason: string }[];
    } & Committed);

export type EditEntryResult =
  | { ok: false; reason: string }
  | ({ ok: true; id: string; title: string; changed: boolean; entryUrl: string | undefined } & Committed);

/** An entry as an edit form is filled from: its fields as they are in the file now, and its version. */
export interface EditForm {
  id: string;
  input: FindingInput;
  /** Pass back with the edit: the edit is refused if the entry changed in between. */
  version: string;
  /** The entry's markdown as it is in the file now (heading through its last line). */
  markdown: string;
  url: string | undefined;
}

export type EditFindingResult =
  | { ok: false; errors: FieldError[] }
  /** Refused without writing; with `current` when the entry changed since the form was opened. */
  | { ok: false; reason: string; current?: string | undefined }
  | ({
      ok: true;
      /** The entry's id now: a new title gives a new anchor. */
      id: string;
      previousId: string;
      finding: Finding;
      changed: boolean;
      entryUrl: string | undefined;
      /** Open action items the edit added (what gets its own thread message), 1-based as `setActionItem` numbers them. */
      newItems: { item: number; text: string }[];
    } & Committed);

/** The write failed for good; `markdown` is the entry the person typed, to hand back to them. */
export class LogWriteError extends StoreError {
  override name = "LogWriteError";
  constructor(
    message: string,
    readonly markdown: string,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/** A digest group with the link to its entry, when the store has a web view. */
export type DigestGroup = OpenItemGroup & { url: string | undefined };

/** What the chat adapters and the CLI call: log a finding, edit one, read the log. */
export interface LogService {
  readonly categories: readonly string[];
  /** What a finding's pictures may weigh: adapters refuse a picture over it before fetching it. */
  readonly imageLimits: ImageLimits;
  /** Validate typed input without writing (for inline form errors); fills in today's date. */
  validate(input: FindingInput): { ok: true; finding: Finding } | { ok: false; errors: FieldError[] };
  /**
   * Log a finding; `pictures` (files posted or uploaded with it) that are
   * images within the limits are committed with the entry, in one commit, and
   * embedded at the end of its Finding; the others are refused with a reason.
   * @throws LogWriteError (with the entry's markdown) when the store fails for good.
   */
  logFinding(input: FindingInput, by?: CommitAuthor, pictures?: readonly OfferedFile[]): Promise<LogFindingResult>;
  /** @throws StoreError when the store fails for good. */
  setStatus(id: string, status: Status, by?: CommitAuthor): Promise<EditEntryResult>;
  /** Check (done) or uncheck an action item; `item` is 1-based. @throws StoreError */
  setActionItem(
    id: string,
    item: number,
    done: boolean,
    by?: CommitAuthor,
    expectedText?: string,
  ): Promise<EditEntryResult>;
  /** The entry as it is in the file now, for an edit form; undefined when there is no such entry. @throws StoreError */
  editForm(id: string): Promise<EditForm | undefined>;
  /**
   * Rewrite entry `id` with `input` (fields left out keep their value in the
   * file). With `version` (from `editForm`), nothing is written when the entry
   * changed since. Commits `docs: edit finding - <title>`. @throws StoreError
   */
  editFinding(id: string, input: FindingInput, version: string | undefined, by?: CommitAuthor): Promise<EditFindingResult>;
  /** @throws StoreError */
  list(filter?: { open?: boolean; category?: string; status?: string; search?: string }): Promise<EntrySummary[]>;
  /** @throws StoreError */
  get(id: string): Promise<EntrySummary | undefined>;
  /** Open action items grouped by finding, with ages in days. @throws StoreError */
  digest(): Promise<DigestGroup[]>;
  /** Today's date in the configured zone (on the day of `at`, default now). */
  today(at?: Date): string;
}

/** Builds the log service over a store. */
export function createLogService(options: LogServiceOptions): LogService {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const categories = options.categories ?? DEFAULT_CATEGORIES;
  const timeZone = options.timeZone ?? "UTC";
  const updateOptions = options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts };

  const today = (at?: Date): string => todayIn(timeZone, at ?? clock.now());

  const summarize = (entry: ParsedEntry): EntrySummary => ({
    id: entry.id,
    line: entry.line,
    date: entry.date,
    title: entry.title,
    category: entry.category,
    status: entry.status,
    related: entry.related,
    finding: entry.finding,
    impact: entry.impact,
    actionItems: entry.actionItems.map(({ text, done }) => ({ text, done })),
    url: store.entryUrl(entry.id),
  });

  const readEntries = async (): Promise<ParsedEntry[]> => {
    const { text } = await store.read();
    return text === undefined ? [] : parseLog(text).entries;
  };

  const validate: LogService["validate"] = (input) => {
    const result = normalizeFinding({ ...input, date: input.date ?? today() }, { categories });
    return result.ok ? { ok: true, finding: result.value } : { ok: false, errors: result.errors };
  };

  const titleOf = (text: string | undefined, id: string): string =>
    (text === undefined ? undefined : parseLog(text).entries.find((e) => e.id === id)?.title) ?? id;

  const editEntry = async (
    id: string,
    verb: string,
    edit: (text: string) => { ok: true; text: string; changed: boolean } | { ok: false; reason: string },
    by: CommitAuthor | undefined,
  ): Promise<EditEntryResult> => {
    let title = id;
    const outcome = await updateLog(
      store,
      (text) => {
        if (text === undefined) return { ok: false, reason: `no finding with id "${id}": the log does not exist yet` };
        title = titleOf(text, id);
        return edit(text);
      },
      // The title is known only once the edit has read the log, so the message is read lazily.
      {
        get message() {
          return `docs: ${verb} - ${title}`;
        },
        author: by,
      },
      updateOptions,
    );
    if (!outcome.ok) return outcome;
    return {
      ok: true,
      id,
      title,
      changed: outcome.changed,
      entryUrl: store.entryUrl(id),
      commit: outcome.write?.commit,
      commitUrl: outcome.write?.url,
      pullRequestUrl: outcome.write?.pullRequestUrl,
    };
  };

  return {
    categories,
    imageLimits: options.imageLimits ?? DEFAULT_IMAGE_LIMITS,
    validate,
    today,

    async logFinding(input, by, offered = []) {
      const valid = validate(input);
      if (!valid.ok) return valid;
      const { accepted, refused } = checkImages(offered, options.imageLimits ?? DEFAULT_IMAGE_LIMITS);
      const folder = pictureFolder(valid.finding, accepted);
      const placed = accepted.map((image) => ({ image, ...assetPaths(store.logPath, folder, image.name) }));
      const finding = placed.length === 0 ? valid.finding : { ...valid.finding, finding: withPictures(valid.finding.finding, placed.map((p) => ({ alt: p.image.shown, fromLog: p.fromLog }))) };
      const markdown = formatEntry(finding);
      let id = "";
      try {
        const outcome = await updateLog(
          store,
          (text) => {
            const appended = appendEntry(text, finding, options.order === undefined ? {} : { order: options.order });
            id = appended.id;
            return appended;
          },
          { message: `docs: log finding - ${finding.title}`, author: by, files: placed.map((p) => ({ path: p.repoPath, bytes: p.image.bytes })) },
          updateOptions,
        );
        if (!outcome.ok) throw new StoreError(outcome.reason);
        return {
          ok: true,
          id,
          finding,
          created: outcome.changed,
          entryUrl: store.entryUrl(id),
          markdown,
          pictures: placed.map((p) => p.repoPath),
          refused,
          commit: outcome.write?.commit,
          commitUrl: outcome.write?.url,
          pullRequestUrl: outcome.write?.pullRequestUrl,
        };
      } catch (error) {
        const reason = messageOf(error);
        throw new LogWriteError(`could not save the finding: ${reason}`, markdown, { cause: error });
      }
    },

    setStatus(id, status, by) {
      const verb = status === "Resolved" ? "resolve finding" : `set status ${status.toLowerCase()}`;
      return editEntry(id, verb, (text) => setStatus(text, id, status), by);
    },

    setActionItem(id, item, done, by, expectedText) {
      const verb = done ? "check action item" : "uncheck action item";
      return editEntry(id, verb, (text) => setActionItem(text, id, item, done, expectedText), by);
    },

    async editForm(id) {
      const { text } = await store.read();
      const found = text === undefined ? undefined : entryForEdit(text, id);
      if (found === undefined) return undefined;
      return { id, input: formInputOf(found.entry), version: found.version, markdown: found.markdown, url: store.entryUrl(id) };
    },

    async editFinding(id, input, version, by) {
      let errors: FieldError[] | undefined;
      let conflict: string | undefined;
      let edited: { id: string; finding: Finding; newItems: { item: number; text: string }[] } | undefined;
      const outcome = await updateLog(
        store,
        (text) => {
          // What the form leaves out keeps its value in the file now; the entry keeps its date.
          const given = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as FindingInput;
          const found = text === undefined ? undefined : entryForEdit(text, id);
          if (text === undefined) return { ok: false, reason: `no finding with id "${id}"` };
          if (found === undefined) {
            // This very edit may have landed already and renamed the entry (a replay after a crash): an entry that
            // already says what the form says is that edit, done.
            let landed: { id: string; finding: Finding } | undefined;
            for (const entry of given.title === undefined ? [] : parseLog(text).entries) {
              const merged = normalizeFinding({ ...formInputOf(entry), ...given, date: entry.date ?? today() }, { categories });
              if (!merged.ok || collapseWhitespace(entry.title) !== merged.value.title) continue;
              const again = rewriteEntry(text, entry.id, merged.value);
              if (again.ok && !again.changed) {
                landed = { id: entry.id, finding: merged.value };
                break;
              }
            }
            if (landed === undefined) return { ok: false, reason: `no finding with id "${id}"` };
            edited = { ...landed, newItems: [] };
            return { ok: true, text, changed: false };
          }
          const merged = normalizeFinding({ ...formInputOf(found.entry), ...given, date: found.entry.date ?? today() }, { categories });
          if (!merged.ok) {
            errors = merged.errors;
            return { ok: false, reason: "invalid input" };
          }
          const result = rewriteEntry(text, id, merged.value, version);
          if (!result.ok) {
            conflict = result.conflict?.current;
            return result;
          }
          const before = found.entry.actionItems.length;
          const newItems = merged.value.actionItems.flatMap((item, i) => (i >= before && !item.done ? [{ item: i + 1, text: item.text }] : []));
          edited = { id: result.id, finding: merged.value, newItems };
          return result;
        },
        {
          get message() {
            return `docs: edit finding - ${edited?.finding.title ?? id}`;
          },
          author: by,
        },
        updateOptions,
      );
      if (errors !== undefined) return { ok: false, errors };
      if (!outcome.ok) return { ok: false, reason: outcome.reason, current: conflict };
      if (edited === undefined) return { ok: false, reason: `no finding with id "${id}"` };
      return {
        ok: true,
        id: edited.id,
        previousId: id,
        finding: edited.finding,
        changed: outcome.changed,
        entryUrl: store.entryUrl(edited.id),
        newItems: outcome.changed ? edited.newItems : [],
        commit: outcome.write?.commit,
        commitUrl: outcome.write?.url,
        pullRequestUrl: outcome.write?.pullRequestUrl,
      };
    },

    async list(filter = {}) {
      return filterEntries(await readEntries(), filter).map(summarize);
    },

    async get(id) {
      const entry = (await readEntries()).find((e) => e.id === id);
      return entry === undefined ? undefined : summarize(entry);
    },

    async digest() {
      const { text } = await store.read();
      if (text === undefined) return [];
      return selectOpenItems(parseLog(text), today()).map((group) => ({ ...group, url: store.entryUrl(group.id) }));
    },
  };
}

/**
 * The folder a finding's pictures go in, beside the log: the entry's heading
 * anchor (before GitHub's `-1` for a repeat) and 8 hex digits of the
 * pictures' sha-256. It is known before the entry is placed, so a retry
 * writes the same paths and finds the same entry; two findings with one
 * heading never share a folder unless they share their pictures too.
 */
function pictureFolder(finding: Finding, images: readonly AcceptedImage[]): string {
  const hash = createHash("sha256");
  for (const image of images) hash.update(`${image.name}\0${image.bytes.length}\0`).update(image.bytes);
  return `${anchorOf(finding)}-${hash.digest("hex").slice(0, 8)}`;
}
