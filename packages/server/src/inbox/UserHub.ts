import { randomUUID } from 'node:crypto';
import type { Notification } from '@convene/protocol';
import type { ClientLink } from '../rooms/Member.ts';

/**
 * Every signed-in device of every user on this node: the sockets that sent `inboxAttach`.
 * Messages and rings go to all of a user's devices; "answered elsewhere" goes to all but one.
 * (Across nodes, a Redis pub/sub fan-out implements the same `send`.)
 */
export class UserHub {
  private readonly devices = new Map<string, Map<string, ClientLink>>();

  attach(userId: string, link: ClientLink): string {
    const deviceId = randomUUID();
    let mine = this.devices.get(userId);
    if (!mine) this.devices.set(userId, (mine = new Map()));
    mine.set(deviceId, link);
    return deviceId;
  }

  detach(userId: string, deviceId: string): void {
    const mine = this.devices.get(userId);
    if (!mine) return;
    mine.delete(deviceId);
    if (mine.size === 0) this.devices.delete(userId);
  }

  deviceCount(userId: string): number {
    return this.devices.get(userId)?.size ?? 0;
  }

  send(userId: string, n: Notification, exceptDevice?: string): void {
    const mine = this.devices.get(userId);
    if (!mine) return;
    for (const [id, link] of mine) if (id !== exceptDevice) link.send(n);
  }

  sendMany(userIds: Iterable<string>, n: Notification): void {
    for (const u of userIds) this.send(u, n);
  }
}
