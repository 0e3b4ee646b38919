import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ConveneError, signInBodySchema, signUpBodySchema, type MeResponse } from '@convene/protocol';
import type { UserRecord } from '../../services.ts';
import { RateLimiter } from '../../support/rate-limiter.ts';
import { parseOrBadRequest } from '../../support/validation.ts';
import type { AppContext } from '../app.ts';
import { requireUser, SESSION_COOKIE, setSessionCookie } from '../session.ts';

export interface AuthResponse {
  user: MeResponse['user'];
  /** Also set as an HttpOnly cookie; returned for Node SDK bots using `Authorization: Bearer`. */
  token: string;
}

const publicSelf = (u: UserRecord): MeResponse['user'] => ({ id: u.id, handle: u.handle, displayName: u.displayName });

/**
 * POST /api/auth/signup, /api/auth/signin, /api/auth/signout and GET /api/me.
 * Failed attempts (BAD_CREDENTIALS, HANDLE_TAKEN) are counted per client IP; past
 * AUTH_ATTEMPTS_PER_MINUTE every attempt from that IP gets RATE_LIMITED until the window slides.
 */
export function registerAuthRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { config, services } = ctx;
  const failures = new RateLimiter({ limit: config.AUTH_ATTEMPTS_PER_MINUTE, windowMs: 60_000 });

  async function attempt<T>(req: FastifyRequest, fn: () => Promise<T>): Promise<T> {
    const key = req.ip;
    const wait = failures.retryAfterMs(key);
    if (wait > 0) throw new ConveneError('RATE_LIMITED', 'too many failed attempts; try again later', { retryAfterMs: wait });
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ConveneError && (err.code === 'BAD_CREDENTIALS' || err.code === 'HANDLE_TAKEN')) failures.hit(key);
      throw err;
    }
  }

  app.post('/api/auth/signup', async (req, reply): Promise<AuthResponse> => {
    const { user, token } = await attempt(req, () => services.accounts.signUp(parseOrBadRequest(signUpBodySchema, req.body)));
    setSessionCookie(reply, token, config.COOKIE_SECURE, config.SESSION_TTL_HOURS);
    void reply.header('cache-control', 'no-store').status(201);
    return { user: publicSelf(user), token };
  });

  app.post('/api/auth/signin', async (req, reply): Promise<AuthResponse> => {
    const { user, token } = await attempt(req, () => services.accounts.signIn(parseOrBadRequest(signInBodySchema, req.body)));
    setSessionCookie(reply, token, config.COOKIE_SECURE, config.SESSION_TTL_HOURS);
    void reply.header('cache-control', 'no-store');
    return { user: publicSelf(user), token };
  });

  app.post('/api/auth/signout', async (req, reply) => {
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : req.cookies[SESSION_COOKIE];
    if (token) await services.accounts.signOut(token);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.get('/api/me', async (req, reply): Promise<MeResponse> => {
    const user = await requireUser(services, req);
    void reply.header('cache-control', 'no-store');
    return { user: publicSelf(user) };
  });
}
