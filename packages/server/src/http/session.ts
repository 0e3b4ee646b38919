import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConveneError } from '@convene/protocol';
import type { Services, UserRecord } from '../services.ts';

export const SESSION_COOKIE = 'convene_session';

/** The signed-in user of a request (cookie, or `Authorization: Bearer` for bots), or null. */
export async function userFromRequest(services: Services, req: FastifyRequest): Promise<UserRecord | null> {
  const auth = req.headers.authorization;
  const token = auth?.startsWith('Bearer ') ? auth.slice(7) : req.cookies[SESSION_COOKIE];
  if (!token) return null;
  return services.accounts.userForSession(token);
}

export async function requireUser(services: Services, req: FastifyRequest): Promise<UserRecord> {
  const user = await userFromRequest(services, req);
  if (!user) throw new ConveneError('UNAUTHENTICATED', 'sign in first');
  return user;
}

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean, ttlHours: number): void {
  void reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: ttlHours * 3600,
  });
}
