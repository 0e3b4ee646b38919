import type { FastifyInstance } from 'fastify';
import { callSettingsSchema, handleSchema, type CallSettings, type Profile } from '@convene/protocol';
import { parseOrBadRequest } from '../../support/validation.ts';
import type { AppContext } from '../app.ts';
import { requireUser } from '../session.ts';

type WithHandle = { Params: { handle: string } };

/**
 * GET /api/users/:handle, PUT|DELETE /api/users/:handle/follow, PUT|DELETE /api/users/:handle/block,
 * GET|PUT /api/me/call-settings.
 */
export function registerSocialRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { services } = ctx;
  const social = services.social;
  const handleOf = (h: string) => parseOrBadRequest(handleSchema, h);

  app.get<WithHandle>('/api/users/:handle', async (req): Promise<Profile> => {
    const me = await requireUser(services, req);
    return social.profile(me, handleOf(req.params.handle));
  });
  for (const [verb, on] of [['put', true], ['delete', false]] as const) {
    app[verb]<WithHandle>('/api/users/:handle/follow', async (req): Promise<Profile> => {
      const me = await requireUser(services, req);
      return social.setFollow(me, handleOf(req.params.handle), on);
    });
    app[verb]<WithHandle>('/api/users/:handle/block', async (req): Promise<Profile> => {
      const me = await requireUser(services, req);
      return social.setBlock(me, handleOf(req.params.handle), on);
    });
  }
  app.get('/api/me/call-settings', async (req): Promise<CallSettings> => {
    const me = await requireUser(services, req);
    return social.callSettings(me.id);
  });
  app.put('/api/me/call-settings', async (req): Promise<CallSettings> => {
    const me = await requireUser(services, req);
    return social.setCallSettings(me.id, parseOrBadRequest(callSettingsSchema, req.body));
  });
}
