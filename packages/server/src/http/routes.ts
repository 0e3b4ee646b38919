import type { FastifyInstance } from 'fastify';
import type { AppContext } from './app.ts';
import { registerAuthRoutes } from './routes/auth.ts';
import { registerMeetingRoutes } from './routes/meetings.ts';

/** HTTP API: /api/auth/*, /api/me, /api/meetings/*. Described in docs/http-api.md. */
export function registerHttpRoutes(app: FastifyInstance, ctx: AppContext): void {
  registerAuthRoutes(app, ctx);
  registerMeetingRoutes(app, ctx);
}
