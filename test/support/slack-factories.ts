/**
 * Slack request payloads as Slack sends them, with overrides, and request
 * signing (`v0=` HMAC-SHA256 of `v0:<timestamp>:<body>`). Commands and
 * interactivity are form-encoded; events are JSON.
 */
import { createHmac } from "node:crypto";
import { FINDING_ACTION_ID, FINDING_BLOCK_IDS, PICTURES_BLOCK_ID } from "../../src/slack/build-finding-modal.js";
import type { ViewStateValues } from "../../src/slack/view-to-input.js";
import { issueTrigger } from "./slack-triggers.js";

export const FORM = "application/x-www-form-urlencoded";
export const JSON_TYPE = "application/json";

let counter = 0;
const next = (): number => (counter += 1);

/** A trigger id Slack issues with an interaction: the fake Slack takes it once, within 3 s. */
export const triggerId = (): string => issueTrigger();

export interface SlashCommandFields {
  command: string;
  text: string;
  user_id: string;
  user_name: string;
  channel_id: string;
  channel_name: string;
  team_id: string;
  team_domain: string;
  trigger_id: string;
  response_url: string;
  api_app_id: string;
  token: string;
}

/** A slash command's form body. */
export function slashCommandBody(overrides: Partial<SlashCommandFields> = {}): string {
  const fields: SlashCommandFields = {
    command: "/log-finding",
    text: "",
    user_id: "U111",
    user_name: "ada",
    channel_id: "C100",
    channel_name: "research",
    team_id: "T1",
    team_domain: "fake",
    trigger_id: triggerId(),
    response_url: "https://hooks.slack.test/commands/T1/1/x",
    api_app_id: "A1",
    token: "verification-token-unused",
    ...overrides,
  };
  return new URLSearchParams(fields as unknown as Record<string, string>).toString();
}

const interactivityBody = (payload: unknown): string => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

/** The modal's fields as typed; `undefined` leaves a field empty. */
export interface FindingFields {
  title?: string;
  category?: string;
  status?: string;
  related?: string;
  finding?: string;
  impact?: string;
  actionItems?: string;
}

/** `view.state.values` for the finding modal, as Slack reports them. */
export function findingViewState(fields: FindingFields): ViewStateValues {
  const text = (value: string | undefined) => ({ [FINDING_ACTION_ID]: { type: "plain_text_input", value: value ?? null } });
  const select = (value: string | undefined) => ({
    [FINDING_ACTION_ID]: {
      type: "static_select",
      selected_option: value === undefined ? null : { text: { type: "plain_text", text: value, emoji: true }, value },
    },
  });
  return {
    [FINDING_BLOCK_IDS.title]: text(fields.title),
    [FINDING_BLOCK_IDS.category]: select(fields.category),
    [FINDING_BLOCK_IDS.status]: select(fields.status),
    [FINDING_BLOCK_IDS.related]: text(fields.related),
    [FINDING_BLOCK_IDS.finding]: text(fields.finding),
    [FINDING_BLOCK_IDS.impact]: text(fields.impact),
    [FINDING_BLOCK_IDS.actionItems]: text(fields.actionItems),
  };
}

/** The form's picture upload as Slack reports it in `view.state.values`: the uploaded files' objects. */
export function picturesViewState(files: readonly { id: string }[]): ViewStateValues {
  return { [PICTURES_BLOCK_ID]: { [FINDING_ACTION_ID]: { type: "file_input", files: files.map((file) => ({ ...file })) } } };
}

/** A complete, valid finding as typed into the modal (the seed's example). */
export const AMP_FINDING: FindingFields = {
  title: "AMP Breaks Complex Number Operations",
  category: "Training",
  status: "Workaround",
  related: "experiments/train.py, MLflow run abc123",
  finding: "Automatic Mixed Precision (AMP) causes NaN gradients when used with\ncomplex-valued tensors.",
  impact: "Cannot use AMP for training speedup.",
  actionItems: "- [ ] Investigate selective AMP (only for real-valued layers)\n- [ ] Test with bfloat16 instead of float16\n- [x] Disable AMP as workaround (--amp flag removed from defaults)",
};

export interface ViewSubmissionOverrides {
  user?: { id: string; name?: string };
  viewId?: string;
  hash?: string;
  callbackId?: string;
  privateMetadata?: string;
  values?: ViewStateValues;
}

/** A view_submission payload's form body. */
export function viewSubmissionBody(overrides: ViewSubmissionOverrides = {}): string {
  const user = overrides.user ?? { id: "U111", name: "ada" };
  return interactivityBody({
    type: "view_submission",
    team: { id: "T1", domain: "fake" },
    user: { id: user.id, username: user.name ?? "ada", name: user.name ?? "ada", team_id: "T1" },
    api_app_id: "A1",
    token: "verification-token-unused",
    trigger_id: triggerId(),
    view: {
      id: overrides.viewId ?? `V${next()}`,
      team_id: "T1",
      type: "modal",
      blocks: [],
      private_metadata: overrides.privateMetadata ?? JSON.stringify({ channel: "C100" }),
      callback_id: overrides.callbackId ?? "log_finding",
      state: { values: overrides.values ?? findingViewState(AMP_FINDING) },
      hash: overrides.hash ?? `${next()}.abc`,
      title: { type: "plain_text", text: "Log a finding" },
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: null,
      previous_view_id: null,
      root_view_id: "V1",
      app_id: "A1",
      external_id: "",
      app_installed_team_id: "T1",
      bot_id: "BBOT",
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  });
}

export interface MessageActionOverrides {
  callbackId?: string;
  user?: { id: string; name?: string };
  channel?: string;
  message: { ts: string; text: string; user?: string; thread_ts?: string; files?: unknown[] };
  responseUrl?: string;
}

/** A message shortcut (message_action) payload's form body. */
export function messageActionBody(overrides: MessageActionOverrides): string {
  const user = overrides.user ?? { id: "U111", name: "ada" };
  return interactivityBody({
    type: "message_action",
    token: "verification-token-unused",
    action_ts: `${Date.now() / 1000}`,
    team: { id: "T1", domain: "fake" },
    user: { id: user.id, name: user.name ?? "ada", username: user.name ?? "ada", team_id: "T1" },
    channel: { id: overrides.channel ?? "C100", name: "research" },
    is_enterprise_install: false,
    enterprise: null,
    callback_id: overrides.callbackId ?? "log_as_finding",
    trigger_id: triggerId(),
    response_url: overrides.responseUrl ?? "https://hooks.slack.test/app/T1/1/x",
    message_ts: overrides.message.ts,
    message: { type: "message", user: overrides.message.user ?? "U222", team: "T1", ...overrides.message },
  });
}

export interface BlockActionOverrides {
  user?: { id: string; name?: string };
  channel?: string;
  /** The message the button is on, as Slack sends it (with its metadata for the app's own messages). */
  message: { ts: string; text?: string; thread_ts?: string; metadata?: unknown; blocks?: unknown[] };
  actionId: string;
  value: string;
  blockId?: string;
}

/** A block_actions payload's form body: a button pressed on a message. */
export function blockActionsBody(overrides: BlockActionOverrides): string {
  const user = overrides.user ?? { id: "U111", name: "ada" };
  const channel = overrides.channel ?? "C100";
  return interactivityBody({
    type: "block_actions",
    user: { id: user.id, username: user.name ?? "ada", name: user.name ?? "ada", team_id: "T1" },
    api_app_id: "A1",
    token: "verification-token-unused",
    container: { type: "message", message_ts: overrides.message.ts, channel_id: channel, is_ephemeral: false },
    trigger_id: triggerId(),
    team: { id: "T1", domain: "fake" },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: "research" },
    message: { type: "message", user: "UBOT", bot_id: "BBOT", text: overrides.message.text ?? "", ...overrides.message },
    state: { values: {} },
    response_url: "https://hooks.slack.test/actions/T1/1/x",
    actions: [
      {
        action_id: overrides.actionId,
        block_id: overrides.blockId ?? "actions",
        text: { type: "plain_text", text: "Edit", emoji: true },
        value: overrides.value,
        type: "button",
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  });
}

export interface ReactionEventOverrides {
  type?: "reaction_added" | "reaction_removed";
  user?: string;
  reaction?: string;
  channel?: string;
  ts: string;
  itemUser?: string;
  eventId?: string;
}

/** A reaction_added / reaction_removed event_callback as JSON. */
export function reactionEventBody(overrides: ReactionEventOverrides): string {
  return JSON.stringify({
    token: "verification-token-unused",
    team_id: "T1",
    api_app_id: "A1",
    event: {
      type: overrides.type ?? "reaction_added",
      user: overrides.user ?? "U111",
      reaction: overrides.reaction ?? "white_check_mark",
      item_user: overrides.itemUser ?? "UBOT",
      item: { type: "message", channel: overrides.channel ?? "C100", ts: overrides.ts },
      event_ts: `${Date.now() / 1000}`,
    },
    type: "event_callback",
    event_id: overrides.eventId ?? `Ev${next()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: "T1", user_id: "UBOT", is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  });
}

/** Slack's request signature for `body` at `timestamp` (seconds). */
export function slackSignature(secret: string, body: string, timestamp: number): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

/** Headers of a signed request; `timestamp` defaults to now. */
export function signedRequest(
  secret: string,
  body: string,
  options: { timestamp?: number; contentType?: string } = {},
): { headers: Record<string, string>; body: string } {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    headers: {
      "content-type": options.contentType ?? (body.startsWith("{") ? JSON_TYPE : FORM),
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": slackSignature(secret, body, timestamp),
    },
    body,
  };
}

/** POSTs a signed request to the bot; `retryNum` sets Slack's retry headers. */
export async function sendToBot(
  url: string,
  secret: string,
  body: string,
  options: { timestamp?: number; retryNum?: number; headers?: Record<string, string> } = {},
): Promise<{ status: number; text: string; json: unknown }> {
  const signed = signedRequest(secret, body, options.timestamp === undefined ? {} : { timestamp: options.timestamp });
  const headers: Record<string, string> = { ...signed.headers, ...options.headers };
  if (options.retryNum !== undefined) {
    headers["x-slack-retry-num"] = String(options.retryNum);
    headers["x-slack-retry-reason"] = "http_timeout";
  }
  const response = await fetch(url, { method: "POST", headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}
