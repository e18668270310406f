/**
 * The Slack app manifest, built from what the code uses: the scopes each Web API method needs,
 * the events the listeners subscribe to, the slash command. `npm run manifest` writes
 * slack/manifest.yml; `npm test` fails when that file or this table falls behind the code.
 */

/** Bot scopes per Web API method we call (slack-api.ts); a method missing here fails a test. */
export const scopesByMethod: Readonly<Record<string, readonly string[]>> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write', 'chat:write.public'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.getPermalink': [],
  'views.open': [],
  'conversations.create': ['channels:manage', 'groups:write'],
  'conversations.list': ['channels:read', 'groups:read'],
  'conversations.rename': ['channels:manage', 'groups:write'],
  'conversations.invite': ['channels:manage', 'groups:write'],
  'conversations.setTopic': ['channels:manage', 'groups:write'],
  'conversations.archive': ['channels:manage', 'groups:write'],
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.replies': ['channels:history', 'groups:history'],
  'conversations.open': ['im:write'],
  'bookmarks.add': ['bookmarks:write'],
  'users.info': ['users:read', 'users:read.email'],
};

/** Events the listeners handle, with the scopes each needs (public and private channels). */
export const eventScopes: Readonly<Record<string, readonly string[]>> = {
  app_mention: ['app_mentions:read'],
  member_joined_channel: ['channels:read', 'groups:read'],
  member_left_channel: ['channels:read', 'groups:read'],
  pin_added: ['pins:read'],
  pin_removed: ['pins:read'],
  reaction_added: ['reactions:read'],
};

export const PLACEHOLDER_HOST = 'https://incidents.example.org';

/** The manifest as an object (YAML is written from it). */
export function buildManifest(options: { command: string; publicUrl: string }) {
  const url = `${options.publicUrl.replace(/\/+$/, '')}/slack/events`;
  const scopes = new Set<string>(['commands']);
  for (const list of Object.values(scopesByMethod)) for (const s of list) scopes.add(s);
  for (const list of Object.values(eventScopes)) for (const s of list) scopes.add(s);
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name: 'incident-response',
      description: 'Declare and run incidents: roles, timeline from pins, comms channel.',
      background_color: '#0b0c0c',
    },
    features: {
      bot_user: { display_name: 'incident', always_online: true },
      slash_commands: [
        {
          command: options.command,
          url,
          description: 'Declare an incident, or run a command in its channel',
          usage_hint: '<what has happened> | help',
          // Mentions arrive as <@U…> ids, which the command grammar needs.
          should_escape: true,
        },
      ],
    },
    oauth_config: { scopes: { bot: [...scopes].sort() } },
    settings: {
      event_subscriptions: { request_url: url, bot_events: Object.keys(eventScopes).sort() },
      interactivity: { is_enabled: true, request_url: url },
      org_deploy_enabled: false,
      socket_mode_enabled: false,
      token_rotation_enabled: false,
    },
  };
}

export const MANIFEST_PATH = 'slack/manifest.yml';
