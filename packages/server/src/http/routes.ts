import type { FastifyInstance } from 'fastify';
import type { AppContext } from './app.ts';

/** HTTP API: /api/auth/*, /api/meetings/*. Implemented by the accounts/meetings slice. */
export function registerHttpRoutes(_app: FastifyInstance, _ctx: AppContext): void {}
