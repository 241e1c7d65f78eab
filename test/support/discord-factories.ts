/**
 * Gateway INTERACTION_CREATE payloads as Discord sends them, with overrides:
 * slash commands, the message command, and modal submissions built from the
 * modal the bot sent (so the test fills in the form the bot really showed).
 */
import type { FakeDiscord, FakeDiscordAttachment, FakeDiscordMessage, FakeDiscordUser } from "./fake-discord.js";
import { nextId } from "./fake-discord.js";

export const ADA: FakeDiscordUser = { id: "1200000000000000001", username: "ada", global_name: "Ada Lovelace" };
export const GRACE: FakeDiscordUser = { id: "1200000000000000002", username: "grace", global_name: "Grace Hopper" };

const member = (user: FakeDiscordUser) => ({
  user: { id: user.id, username: user.username, global_name: user.global_name ?? null, discriminator: "0", avatar: null },
  roles: [],
  joined_at: "2026-01-01T00:00:00.000Z",
  deaf: false,
  mute: false,
  nick: null,
  flags: 0,
  permissions: "1071698660928",
});

export interface InteractionOverrides {
  id?: string;
  token?: string;
  user?: FakeDiscordUser;
  channelId?: string;
}

function base(fake: FakeDiscord, type: number, data: unknown, overrides: InteractionOverrides) {
  const channelId = overrides.channelId ?? fake.channelId;
  const channel = fake.channel(channelId);
  return {
    id: overrides.id ?? nextId(),
    application_id: fake.applicationId,
    type,
    data,
    guild_id: fake.guildId,
    channel_id: channelId,
    channel: { id: channelId, type: channel?.type ?? 0, guild_id: fake.guildId, name: channel?.name ?? "research", ...(channel?.parent_id === undefined ? {} : { parent_id: channel.parent_id }) },
    member: member(overrides.user ?? ADA),
    token: overrides.token ?? `itoken-${nextId()}`,
    version: 1,
    app_permissions: "1071698660928",
    locale: "en-US",
    guild_locale: "en-US",
    entitlements: [],
    authorizing_integration_owners: { "0": fake.guildId },
    context: 0,
  };
}

/** `/log-finding category status [picture picture-2 picture-3]`: attachments come as ids, resolved beside. */
export function logFindingCommand(fake: FakeDiscord, options: { category?: string; status?: string; pictures?: FakeDiscordAttachment[] } & InteractionOverrides = {}) {
  const pictures = options.pictures ?? [];
  return base(
    fake,
    2,
    {
      id: nextId(),
      name: "log-finding",
      type: 1,
      guild_id: fake.guildId,
      options: [
        { name: "category", type: 3, value: options.category ?? "Training" },
        { name: "status", type: 3, value: options.status ?? "Workaround" },
        ...pictures.map((picture, i) => ({ name: i === 0 ? "picture" : `picture-${i + 1}`, type: 11, value: picture.id })),
      ],
      ...(pictures.length === 0 ? {} : { resolved: { attachments: Object.fromEntries(pictures.map((p) => [p.id, { ...p, ephemeral: true }])) } }),
    },
    options,
  );
}

/** `/findings open`, `/findings search words`, `/findings digest` */
export function findingsCommand(fake: FakeDiscord, sub: "open" | "search" | "digest", options: { words?: string } & InteractionOverrides = {}) {
  const subOptions = sub === "search" ? [{ name: "words", type: 3, value: options.words ?? "" }] : [];
  return base(fake, 2, { id: nextId(), name: "findings", type: 1, guild_id: fake.guildId, options: [{ name: sub, type: 1, options: subOptions }] }, options);
}

/** The `Log as finding` message command on `message`. */
export function logAsFindingCommand(fake: FakeDiscord, message: FakeDiscordMessage, overrides: InteractionOverrides = {}) {
  const resolved = {
    id: message.id,
    channel_id: message.channel_id,
    author: { id: message.author.id, username: message.author.username, global_name: message.author.global_name ?? null, discriminator: "0", avatar: null },
    content: message.content,
    timestamp: message.timestamp,
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: message.attachments,
    embeds: [],
    components: [],
    pinned: false,
    type: 0,
    flags: 0,
  };
  return base(fake, 2, { id: nextId(), name: "Log as finding", type: 3, guild_id: fake.guildId, target_id: message.id, resolved: { messages: { [message.id]: resolved } } }, {
    channelId: message.channel_id,
    ...overrides,
  });
}

/** A button pressed on one of the bot's messages (MESSAGE_COMPONENT), carrying the message as Discord does. */
export function buttonPress(fake: FakeDiscord, message: FakeDiscordMessage | Record<string, unknown>, customId: string, overrides: InteractionOverrides = {}) {
  // One of the fake's messages, or (for an ephemeral reply, which the fake does not keep) the message as given.
  const json = "reactions" in message && message.reactions instanceof Map ? fake.messageJson(String(message.id)) : message;
  return { ...base(fake, 3, { custom_id: customId, component_type: 2 }, { channelId: String(message.channel_id), ...overrides }), message: json };
}

/** The modal as the bot sent it in an interaction callback (type 9). */
export interface SentModal {
  custom_id: string;
  title: string;
  components: { type: number; label?: string; description?: string; component?: { type: number; custom_id: string; value?: string; style?: number; required?: boolean; max_length?: number } }[];
}

/** The modal's fields as typed, by input custom id. */
export type ModalValues = Partial<Record<"title" | "related" | "finding" | "impact" | "action_items", string>>;

/** The seed's example finding, as typed into the form. */
export const AMP_VALUES: ModalValues = {
  title: "AMP Breaks Complex Number Operations",
  related: "experiments/train.py, MLflow run abc123",
  finding: "Mixed precision casts complex64 to complex32, which PyTorch does not support.",
  impact: "Training with AMP fails on the spectral layers.",
  action_items: "- Investigate selective AMP\n- Test with bfloat16 instead of float16\n- [x] Disable AMP for now",
};

/**
 * A MODAL_SUBMIT for the modal the bot sent: each label's text input with the
 * typed value (or the prefilled one, or empty), as Discord reports them.
 */
export function modalSubmit(fake: FakeDiscord, modal: SentModal, values: ModalValues, overrides: InteractionOverrides & { message?: FakeDiscordMessage } = {}) {
  const components = modal.components.map((label, index) => {
    const input = label.component;
    if (input === undefined) throw new Error("modal component without a text input");
    const value = values[input.custom_id as keyof ModalValues] ?? input.value ?? "";
    return { type: 18, id: index * 2 + 1, component: { type: 4, id: index * 2 + 2, custom_id: input.custom_id, value } };
  });
  const { message, ...rest } = overrides;
  // A modal opened from a button on a message comes back with that message.
  return { ...base(fake, 5, { custom_id: modal.custom_id, components }, rest), ...(message === undefined ? {} : { message: fake.messageJson(message.id) }) };
}
