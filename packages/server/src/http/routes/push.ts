import type { FastifyInstance } from 'fastify';
import { pushSubscriptionBodySchema } from '@convene/protocol';
import { z } from 'zod';
import { parseOrBadRequest } from '../../support/validation.ts';
import type { AppContext } from '../app.ts';
import { requireUser } from '../session.ts';

/**
 * GET /api/push/config → { publicKey } (null when Web Push is not configured),
 * POST /api/push/subscriptions (a PushSubscription's JSON) → 204,
 * DELETE /api/push/subscriptions { endpoint } → 204.
 */
export function registerPushRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { services } = ctx;
  app.get('/api/push/config', async (req) => {
    await requireUser(services, req);
    return { publicKey: services.push.publicKey };
  });
  app.post('/api/push/subscriptions', async (req, reply) => {
    const me = await requireUser(services, req);
    await services.push.subscribe(me.id, parseOrBadRequest(pushSubscriptionBodySchema, req.body));
    return reply.status(204).send();
  });
  app.delete('/api/push/subscriptions', async (req, reply) => {
    const me = await requireUser(services, req);
    const { endpoint } = parseOrBadRequest(z.strictObject({ endpoint: z.string().max(2048) }), req.body);
    await services.push.unsubscribe(me.id, endpoint);
    return reply.status(204).send();
  });
}
