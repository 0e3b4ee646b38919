import type { FastifyInstance } from 'fastify';
import {
  addMemberBodySchema,
  createConversationBodySchema,
  handleSchema,
  markReadBodySchema,
  messagesQuerySchema,
  sendMessageBodySchema,
  type Conversation,
  type Message,
} from '@convene/protocol';
import { z } from 'zod';
import type { ConversationView } from '../../messaging/conversation-service.ts';
import type { UserRecord } from '../../services.ts';
import { parseOrBadRequest } from '../../support/validation.ts';
import type { AppContext } from '../app.ts';
import { requireUser } from '../session.ts';

type WithId = { Params: { id: string } };
const idSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

/**
 * Conversations (DMs and group chats) and their messages. Sends are acknowledged after COMMIT and
 * are idempotent on clientMsgId; every member's devices get the message over their signalling
 * socket (`message` notification). Described in docs/http-api.md.
 */
export function registerConversationRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { services, inbox } = ctx;
  const conversations = services.conversations;
  const withCall = async (c: ConversationView): Promise<Conversation> => ({ ...c, activeCall: await inbox.calls.activeCall(c.id) });
  const idOf = (req: { params: { id: string } }) => parseOrBadRequest(idSchema, req.params.id);

  app.get('/api/conversations', async (req): Promise<{ conversations: Conversation[] }> => {
    const me = await requireUser(services, req);
    return { conversations: await Promise.all((await conversations.list(me)).map(withCall)) };
  });

  app.post('/api/conversations', async (req, reply): Promise<Conversation> => {
    const me = await requireUser(services, req);
    const body = parseOrBadRequest(createConversationBodySchema, req.body);
    const c = body.kind === 'dm' ? await conversations.openDm(me, body.handle) : await conversations.createGroup(me, body.title, body.handles);
    if (body.kind === 'group') await inbox.delivery.changed(c.id);
    void reply.status(body.kind === 'group' ? 201 : 200);
    return withCall(c);
  });

  app.get<WithId>('/api/conversations/:id', async (req): Promise<Conversation> => {
    const me = await requireUser(services, req);
    return withCall(await conversations.get(me, idOf(req)));
  });

  app.get<WithId>('/api/conversations/:id/messages', async (req): Promise<{ messages: Message[] }> => {
    const me = await requireUser(services, req);
    const q = parseOrBadRequest(messagesQuerySchema, req.query);
    return { messages: await conversations.history(me, idOf(req), q.before, q.limit) };
  });

  app.post<WithId>('/api/conversations/:id/messages', async (req, reply): Promise<Message> => {
    const me = await requireUser(services, req);
    const body = parseOrBadRequest(sendMessageBodySchema, req.body);
    const { message, created } = await conversations.send(me, idOf(req), body.clientMsgId, body.text);
    // Committed: now deliver (a retry of a stored message is answered, not delivered again).
    if (created) await inbox.delivery.deliver(message);
    void reply.status(created ? 201 : 200);
    return message;
  });

  app.post<WithId>('/api/conversations/:id/read', async (req): Promise<{ seq: number }> => {
    const me = await requireUser(services, req);
    const id = idOf(req);
    const seq = await conversations.markRead(me, id, parseOrBadRequest(markReadBodySchema, req.body).seq);
    inbox.hub.send(me.id, { method: 'readMarker', data: { conversationId: id, seq } });
    return { seq };
  });

  app.post<WithId>('/api/conversations/:id/members', async (req): Promise<Conversation> => {
    const me = await requireUser(services, req);
    const id = idOf(req);
    await conversations.addMember(me, id, parseOrBadRequest(addMemberBodySchema, req.body).handle);
    await afterMembership(me, id);
    return withCall(await conversations.get(me, id));
  });

  app.delete<{ Params: { id: string; handle: string } }>('/api/conversations/:id/members/:handle', async (req, reply) => {
    const me = await requireUser(services, req);
    const id = idOf(req);
    const gone = await conversations.removeMember(me, id, parseOrBadRequest(handleSchema, req.params.handle));
    await afterMembership(me, id, [gone.id]);
    return reply.status(204).send();
  });

  /** Deliver the system message just written and tell members (and anyone removed) to refetch. */
  async function afterMembership(me: UserRecord, id: string, alsoTo: string[] = []): Promise<void> {
    const [last] = (await conversations.history(me, id, undefined, 1).catch(() => [])).slice(-1);
    if (last?.kind === 'system') await inbox.delivery.deliver(last);
    await inbox.delivery.changed(id, alsoTo);
  }
}
