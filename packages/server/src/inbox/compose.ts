import { CallManager } from '../calls/CallManager.ts';
import type { Config } from '../config/config.ts';
import { MessageDelivery } from '../messaging/delivery.ts';
import type { LiveRooms } from '../rooms/RoomRegistry.ts';
import type { Services } from '../services.ts';
import type { Logger } from '../telemetry/logger.ts';
import { UserHub } from './UserHub.ts';

export interface Inbox {
  hub: UserHub;
  delivery: MessageDelivery;
  calls: CallManager;
}

/** The real-time side of messaging and calls, over the durable services and the live rooms. */
export async function createInbox(config: Config, services: Services, rooms: Pick<LiveRooms, 'get' | 'observe'>, log: Logger): Promise<Inbox> {
  const hub = new UserHub();
  const delivery = new MessageDelivery(hub, services.conversations, services.social);
  const calls = new CallManager({
    calls: services.calls,
    conversations: services.conversations,
    social: services.social,
    delivery,
    hub,
    push: services.push,
    rooms,
    meetingLink: (id) => `${config.publicUrl.replace(/\/$/, '')}/m/${id}`,
    log: log.child({ mod: 'calls' }),
    ringMs: config.CALL_RING_SECONDS * 1000,
  });
  delivery.activeCall = (id) => calls.activeCall(id);
  await calls.recover();
  return { hub, delivery, calls };
}
