import type { FastifyInstance } from 'fastify';
import { createSpaceBodySchema, type Space, type SpaceList } from '@convene/protocol';
import { parseOrBadRequest } from '../../support/validation.ts';
import type { AppContext } from '../app.ts';
import { requireUser } from '../session.ts';

/** POST /api/spaces (create now or schedule), GET /api/spaces (live and upcoming), GET /api/spaces/:id. */
export function registerSpaceRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { services, spaces } = ctx;
  app.post('/api/spaces', async (req, reply): Promise<Space> => {
    const me = await requireUser(services, req);
    const space = await spaces.create(me, parseOrBadRequest(createSpaceBodySchema, req.body));
    void reply.status(201);
    return space;
  });
  app.get('/api/spaces', async (req): Promise<SpaceList> => {
    await requireUser(services, req);
    return spaces.list();
  });
  app.get<{ Params: { id: string } }>('/api/spaces/:id', async (req): Promise<Space> => {
    await requireUser(services, req);
    return spaces.require(req.params.id);
  });
}
