import type { FastifyInstance } from 'fastify';
import type { AppContext } from './app.ts';
import { registerAuthRoutes } from './routes/auth.ts';
import { registerConversationRoutes } from './routes/conversations.ts';
import { registerMeetingRoutes, registerTranscriptRoute } from './routes/meetings.ts';
import { registerSocialRoutes } from './routes/social.ts';
import { registerTurnRoutes } from './routes/turn.ts';
import { registerPushRoutes } from './routes/push.ts';
import { registerSpaceRoutes } from './routes/spaces.ts';
import { registerHlsRoutes } from './routes/hls.ts';
import { registerRecordingRoutes } from './routes/recordings.ts';
import { registerSdpParser, registerWhipRoutes } from './routes/whip.ts';
import { registerWhepRoutes } from './routes/whep.ts';

/** HTTP API: /api/auth/*, /api/me, /api/meetings/*, /api/users/*, /api/conversations/*, /api/spaces, /hls/* (docs/spaces.md). Described in docs/http-api.md. */
export function registerHttpRoutes(app: FastifyInstance, ctx: AppContext): void {
  registerAuthRoutes(app, ctx);
  registerMeetingRoutes(app, ctx);
  registerTranscriptRoute(app, ctx);
  registerSocialRoutes(app, ctx);
  registerConversationRoutes(app, ctx);
  registerTurnRoutes(app, ctx);
  registerPushRoutes(app, ctx);
  registerSpaceRoutes(app, ctx);
  registerHlsRoutes(app, ctx);
  registerRecordingRoutes(app, ctx);
  registerSdpParser(app);
  registerWhipRoutes(app, ctx);
  registerWhepRoutes(app, ctx);
}
