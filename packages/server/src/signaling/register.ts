import type { FastifyInstance } from 'fastify';
import { userFromRequest } from '../http/session.ts';
import { SignalingSession, type SignalingContext } from './session.ts';

const HEARTBEAT_MS = 15_000;

/** GET /ws: signalling WebSocket. Authenticated by the session cookie or a Bearer token. */
export function registerSignaling(app: FastifyInstance, ctx: SignalingContext): void {
  app.get(
    '/ws',
    {
      websocket: true,
      preValidation: async (req, reply) => {
        const user = await userFromRequest(ctx.services, req);
        if (!user) return reply.status(401).send({ code: 'UNAUTHENTICATED', message: 'sign in first' });
        (req as { convUser?: unknown }).convUser = user;
      },
    },
    (socket, req) => {
      const user = (req as unknown as { convUser: NonNullable<Awaited<ReturnType<typeof userFromRequest>>> }).convUser;
      ctx.metrics.wsConnections.inc();
      new SignalingSession(socket, user, req.ip, ctx);
      // Dead-peer detection: a socket that misses a pong is terminated, which starts the resume grace.
      let alive = true;
      socket.on('pong', () => {
        alive = true;
      });
      const timer = setInterval(() => {
        if (!alive) return socket.terminate();
        alive = false;
        socket.ping();
      }, HEARTBEAT_MS);
      timer.unref();
      socket.on('close', () => clearInterval(timer));
    },
  );
}
