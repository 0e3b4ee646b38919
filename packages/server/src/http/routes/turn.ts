import type { FastifyInstance } from 'fastify';
import { turnCredentials, type TurnCredentials } from '../../turn/credentials.ts';
import type { AppContext } from '../app.ts';
import { requireUser } from '../session.ts';

/**
 * GET /api/turn: short-lived TURN credentials for the signed-in user (docs/turn.md), or
 * `{ iceServers: [] }` when no relay is configured. Clients fetch it before each join.
 */
export function registerTurnRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { config, services } = ctx;
  app.get('/api/turn', async (req, reply): Promise<TurnCredentials> => {
    const me = await requireUser(services, req);
    void reply.header('cache-control', 'no-store');
    if (config.TURN_URLS.length === 0 || !config.TURN_SECRET) return { iceServers: [], expiresAt: new Date(Date.now() + 86_400_000).toISOString() };
    return turnCredentials({ urls: config.TURN_URLS, secret: config.TURN_SECRET, ttlSeconds: config.TURN_TTL_SECONDS }, me.id, Date.now());
  });
}
