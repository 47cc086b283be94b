import type { RelayCommand } from '../../domain/relay-commands.ts';
import { RELAY_REPLIES } from '../../domain/replies/relay.ts';
import { isAdmin } from './admin.ts';
import { type CommandContext, type Decision, reply } from './decision.ts';

/**
 * RELAY LIST / ALLOW / REMOVE / MODE (operators). They write the relay's own items directly, not
 * with the message's commit: each is idempotent (a retried webhook allows or removes the same
 * host again, changing nothing more).
 */
export async function relayCommand(ctx: CommandContext, command: RelayCommand): Promise<Decision> {
  if (!isAdmin(ctx)) return reply(RELAY_REPLIES.notAdmin());
  const deps = ctx.deps.relay;
  if (!deps) return reply(RELAY_REPLIES.noRelay());
  const { store } = deps;
  switch (command.kind) {
    case 'relayList': {
      const [mode, subscribers, allowed, joined] = await Promise.all([
        store.relayMode(),
        store.subscribers(),
        store.allowedHosts(),
        store.joinedRelays(),
      ]);
      return reply(
        RELAY_REPLIES.list({
          offered: deps.offered,
          mode,
          subscribers: subscribers.map((s) => s.host).sort(),
          allowed: [...allowed].sort(),
          joined: joined.map((j) => `${j.actorId} (${j.state})`),
        }),
      );
    }
    case 'relayAllow': {
      await store.setHostAllowed(command.host, true);
      return reply(RELAY_REPLIES.allowed(command.host, await store.relayMode()));
    }
    case 'relayRemove': {
      await store.setHostAllowed(command.host, false);
      const gone = (await store.subscribers()).filter((s) => s.host === command.host);
      for (const s of gone) await store.unsubscribe(s.actorId);
      return reply(RELAY_REPLIES.removed(command.host, gone.length));
    }
    case 'relayMode':
      await store.setRelayMode(command.mode);
      return reply(RELAY_REPLIES.mode(command.mode));
  }
}
