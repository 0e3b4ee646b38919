import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { meetingListSchema, meetingSchema, meResponseSchema } from '@convene/protocol';
import { loadConfig } from '../config/config.ts';
import { createServices } from '../services-impl.ts';
import type { Services } from '../services.ts';
import { createLogger } from '../telemetry/logger.ts';
import { createMetrics } from '../telemetry/metrics.ts';
import { createInbox } from '../inbox/compose.ts';
import { SpaceService } from '../spaces/space-service.ts';
import { buildHttpApp } from './app.ts';
import { SESSION_COOKIE } from './session.ts';

let app: FastifyInstance;
let services: Services;

beforeAll(async () => {
  const config = loadConfig({ DATA_DIR: 'memory://', LOG_LEVEL: 'silent', PUBLIC_URL: 'https://meet.test', AUTH_ATTEMPTS_PER_MINUTE: '3' });
  const log = createLogger(config.LOG_LEVEL);
  services = await createServices(config, log);
  // No media here: the inbox's room registry is an empty one.
  const noRooms = { get: () => undefined, observe: () => undefined };
  const inbox = await createInbox(config, services, noRooms, log);
  app = await buildHttpApp({ config, log, metrics: createMetrics(), services, inbox, rooms: noRooms, spaces: new SpaceService(services.db, noRooms, config.publicUrl) });
});
afterAll(async () => {
  await app?.close();
  await services?.close();
});

let ipCounter = 0;
/** Each test signs up from its own address so per-IP auth limits stay independent. */
const freshIp = () => `10.0.0.${++ipCounter}`;

async function signUp(handle: string, ip = freshIp()) {
  const res = await app.inject({ method: 'POST', url: '/api/auth/signup', remoteAddress: ip, payload: { handle, password: 'password-123', displayName: handle } });
  expect(res.statusCode).toBe(201);
  const body = res.json<{ user: { id: string; handle: string; displayName: string }; token: string }>();
  const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
  if (!cookie) throw new Error('no session cookie');
  return { ...body, cookie: `${SESSION_COOKIE}=${cookie.value}`, setCookie: cookie };
}

const error = (res: LightMyRequestResponse) => ({ status: res.statusCode, body: res.json<{ code: string; message: string }>() });

describe('HTTP API', () => {
  it('signs up with a session cookie and a bearer token that both identify the user', async () => {
    const s = await signUp('Api_Alice');
    expect(s.user).toEqual({ id: expect.any(String), handle: 'api_alice', displayName: 'Api_Alice' });
    expect(s.setCookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(s.setCookie.value).toBe(s.token);

    const viaCookie = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.cookie } });
    expect(meResponseSchema.parse(viaCookie.json())).toEqual({ user: s.user });
    const viaBearer = await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${s.token}` } });
    expect(viaBearer.json()).toEqual({ user: s.user });
    const anonymous = await app.inject({ method: 'GET', url: '/api/me' });
    expect(error(anonymous)).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
  });

  it('signs in, rejects a taken handle and answers bad credentials identically', async () => {
    const ip = freshIp();
    await signUp('api_bob', ip);
    const taken = await app.inject({ method: 'POST', url: '/api/auth/signup', remoteAddress: ip, payload: { handle: 'API_BOB', password: 'password-123', displayName: 'x' } });
    expect(error(taken)).toMatchObject({ status: 409, body: { code: 'HANDLE_TAKEN' } });

    const wrong = await app.inject({ method: 'POST', url: '/api/auth/signin', remoteAddress: ip, payload: { handle: 'api_bob', password: 'password-999' } });
    const unknown = await app.inject({ method: 'POST', url: '/api/auth/signin', remoteAddress: ip, payload: { handle: 'api_nobody', password: 'password-123' } });
    expect(error(wrong)).toEqual(error(unknown));
    expect(error(wrong)).toMatchObject({ status: 401, body: { code: 'BAD_CREDENTIALS' } });

    const ok = await app.inject({ method: 'POST', url: '/api/auth/signin', remoteAddress: freshIp(), payload: { handle: 'Api_Bob', password: 'password-123' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ user: { handle: 'api_bob' }, token: expect.any(String) });
    expect(ok.cookies.some((c) => c.name === SESSION_COOKIE)).toBe(true);
  });

  it('rate-limits failed sign-ins per client IP', async () => {
    await signUp('api_carol');
    const ip = freshIp();
    const attempt = (password: string) =>
      app.inject({ method: 'POST', url: '/api/auth/signin', remoteAddress: ip, payload: { handle: 'api_carol', password } });
    for (let i = 0; i < 3; i++) expect((await attempt('wrong-password')).statusCode).toBe(401);
    const limited = await attempt('password-123');
    expect(error(limited)).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const elsewhere = await app.inject({ method: 'POST', url: '/api/auth/signin', remoteAddress: freshIp(), payload: { handle: 'api_carol', password: 'password-123' } });
    expect(elsewhere.statusCode).toBe(200);
  });

  it('creates, lists and shows meetings, and serves the host an .ics invite', async () => {
    const host = await signUp('api_host');
    const guest = await signUp('api_guest');
    const later = new Date(Date.now() + 86_400_000).toISOString();
    const create = (payload: object) => app.inject({ method: 'POST', url: '/api/meetings', headers: { cookie: host.cookie }, payload });

    const res = await create({ title: 'Quarterly, planning; review', startsAt: later, durationMinutes: 90, timeZone: 'Europe/Paris', code: 'hush-1234' });
    expect(res.statusCode).toBe(201);
    const coded = meetingSchema.parse(res.json());
    expect(coded).toMatchObject({ hasCode: true, code: 'hush-1234', durationMinutes: 90, timeZone: 'Europe/Paris', host: { handle: 'api_host' }, endedAt: null });
    expect(coded.link).toBe(`https://meet.test/m/${coded.id}`);
    const open = meetingSchema.parse((await create({ title: 'Drop-in' })).json());
    expect(open).toMatchObject({ hasCode: false, lobby: false, durationMinutes: 60, timeZone: 'UTC' });

    const list = meetingListSchema.parse((await app.inject({ method: 'GET', url: '/api/meetings', headers: { cookie: host.cookie } })).json());
    expect(list.meetings.map((m) => m.id)).toEqual([open.id, coded.id]);
    const guestList = (await app.inject({ method: 'GET', url: '/api/meetings', headers: { cookie: guest.cookie } })).json();
    expect(guestList).toEqual({ meetings: [] });

    const asHost = await app.inject({ method: 'GET', url: `/api/meetings/${coded.id}`, headers: { cookie: host.cookie } });
    expect(asHost.json()).toMatchObject({ id: coded.id, code: 'hush-1234' });
    const openAsGuest = await app.inject({ method: 'GET', url: `/api/meetings/${open.id}`, headers: { authorization: `Bearer ${guest.token}` } });
    expect(openAsGuest.statusCode).toBe(200);
    expect(openAsGuest.json()).not.toHaveProperty('code');
    // A protected meeting looks exactly like one that does not exist.
    const codedAsGuest = await app.inject({ method: 'GET', url: `/api/meetings/${coded.id}`, headers: { cookie: guest.cookie } });
    const unknown = await app.inject({ method: 'GET', url: `/api/meetings/AAAAAAAAAAAAAAAAAAAAAA`, headers: { cookie: guest.cookie } });
    expect(error(codedAsGuest)).toEqual(error(unknown));
    expect(error(unknown)).toMatchObject({ status: 404, body: { code: 'MEETING_UNAVAILABLE' } });
    expect((await app.inject({ method: 'GET', url: `/api/meetings/${open.id}` })).statusCode).toBe(401);

    const ics = await app.inject({ method: 'GET', url: `/api/meetings/${coded.id}/invite.ics`, headers: { cookie: host.cookie } });
    expect(ics.statusCode).toBe(200);
    expect(ics.headers['content-type']).toMatch(/^text\/calendar/);
    expect(ics.headers['content-disposition']).toMatch(/^attachment; filename="[^"]+\.ics"$/);
    expect(ics.body.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics.body.endsWith('END:VCALENDAR\r\n')).toBe(true);
    const unfolded = ics.body.replace(/\r\n /g, '');
    expect(unfolded).toContain('SUMMARY:Quarterly\\, planning\\; review\r\n');
    expect(unfolded).toContain(`URL:${coded.link}\r\n`);
    expect(ics.body).not.toContain('hush-1234');
    const icsAsGuest = await app.inject({ method: 'GET', url: `/api/meetings/${coded.id}/invite.ics`, headers: { cookie: guest.cookie } });
    expect(error(icsAsGuest)).toMatchObject({ status: 404, body: { code: 'MEETING_UNAVAILABLE' } });
  });

  it('answers malformed requests with 400 BAD_REQUEST', async () => {
    const s = await signUp('api_dave');
    const cases = [
      { url: '/api/auth/signup', payload: { handle: 'api_eve', displayName: 'Eve' } },
      { url: '/api/auth/signup', payload: { handle: 'x', password: 'password-123', displayName: 'Eve' } },
      { url: '/api/auth/signup', payload: { handle: 'api_eve', password: 'password-123', displayName: 'Eve', admin: true } },
      { url: '/api/auth/signin', payload: { handle: 'api_dave' } },
      { url: '/api/auth/signin', payload: '{"handle": "api_dave", ', headers: { 'content-type': 'application/json' } },
      { url: '/api/auth/signin', payload: '[]', headers: { 'content-type': 'application/json' } },
      { url: '/api/meetings', payload: { title: '' }, headers: { cookie: s.cookie } },
      { url: '/api/meetings', payload: { title: 'ok', durationMinutes: 1 }, headers: { cookie: s.cookie } },
      { url: '/api/meetings', payload: { title: 'ok', startsAt: 'tomorrow' }, headers: { cookie: s.cookie } },
      { url: '/api/meetings', payload: { title: 'ok', timeZone: 'Nowhere/Land' }, headers: { cookie: s.cookie } },
      { url: '/api/meetings', payload: { title: 'ok', code: 'abc' }, headers: { cookie: s.cookie } },
    ];
    for (const c of cases) {
      const res = await app.inject({ method: 'POST', remoteAddress: freshIp(), ...c });
      expect({ url: c.url, payload: c.payload, ...error(res) }).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST', message: expect.any(String) } });
    }
    const badId = await app.inject({ method: 'GET', url: '/api/meetings/not..valid', headers: { cookie: s.cookie } });
    expect(error(badId)).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST' } });
    const anonymousCreate = await app.inject({ method: 'POST', url: '/api/meetings', payload: { title: 'x' } });
    expect(error(anonymousCreate)).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
  });

  it('signs out: the session stops working and the cookie is cleared', async () => {
    const s = await signUp('api_frank');
    const out = await app.inject({ method: 'POST', url: '/api/auth/signout', headers: { cookie: s.cookie } });
    expect(out.statusCode).toBe(204);
    const cleared = out.cookies.find((c) => c.name === SESSION_COOKIE);
    expect(cleared?.value).toBe('');
    const me = await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${s.token}` } });
    expect(me.statusCode).toBe(401);
  });
});
