import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConveneError } from '@convene/protocol';
import type { UserRecord } from '../services.ts';
import { testBackends, type TestDatabase } from '../store/testing.ts';
import { randomId } from '../support/ids.ts';
import { DbMeetingService } from './meeting-service.ts';

const T0 = Date.parse('2030-05-01T12:00:00Z');

async function rejection(p: Promise<unknown>): Promise<ConveneError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConveneError);
  return e as ConveneError;
}

describe.each(testBackends())('DbMeetingService on $name', (backend) => {
  let t: TestDatabase;
  let now = T0;
  let meetings: DbMeetingService;
  let host: UserRecord;
  let guest: UserRecord;

  async function user(name: string): Promise<UserRecord> {
    const u = { id: randomId(), handle: `${name}_${randomId().slice(0, 6).toLowerCase().replace(/-/g, '_')}`, displayName: name };
    await t.db.insertInto('users').values({ id: u.id, handle: u.handle, display_name: u.displayName, password_hash: 'x' }).execute();
    return u;
  }

  beforeAll(async () => {
    t = await backend.open();
  }, 60_000);
  afterAll(() => t.close());
  beforeEach(async () => {
    now = T0;
    // A fresh service per test: fresh rate-limit state.
    meetings = new DbMeetingService(t.db, { publicUrl: 'https://meet.example.com/', codeAttemptsPerMinute: 3, now: () => now });
    host = await user('host');
    guest = await user('guest');
  });

  it('creates a meeting starting now with defaults, and shows the code to the host only', async () => {
    const m = await meetings.create(host, { title: 'Standup', code: 'open-sesame' });
    expect(m.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(m).toMatchObject({ title: 'Standup', hostId: host.id, durationMinutes: 60, timeZone: 'UTC', lobby: false, code: 'open-sesame', endedAt: null });
    expect(m.startsAt.getTime()).toBe(T0);
    expect(await meetings.get(m.id)).toEqual(m);

    const hostView = await meetings.toView(m, host);
    expect(hostView).toMatchObject({ code: 'open-sesame', hasCode: true, link: `https://meet.example.com/m/${m.id}`, host: { handle: host.handle, displayName: 'host' } });
    const guestView = await meetings.toView(m, guest);
    expect(guestView.code).toBeUndefined();
    expect('code' in guestView).toBe(false);
    expect(guestView.hasCode).toBe(true);
    expect(await meetings.toView(m, null)).toEqual(guestView);
  });

  it('rejects an unknown time zone', async () => {
    const e = await rejection(meetings.create(host, { title: 'x', timeZone: 'Mars/Olympus' }));
    expect(e.code).toBe('BAD_REQUEST');
    await expect(meetings.create(host, { title: 'x', timeZone: 'Europe/Paris' })).resolves.toMatchObject({ timeZone: 'Europe/Paris' });
  });

  it('lists upcoming and live meetings soonest first, without ended, past or other hosts’ meetings', async () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    const later = await meetings.create(host, { title: 'later', startsAt: iso(T0 + 86_400_000) });
    const live = await meetings.create(host, { title: 'live', startsAt: iso(T0 - 10 * 60_000), durationMinutes: 30 });
    await meetings.create(host, { title: 'past', startsAt: iso(T0 - 2 * 3_600_000), durationMinutes: 30 });
    const ended = await meetings.create(host, { title: 'ended' });
    await meetings.markEnded(ended.id);
    await meetings.markEnded(ended.id); // idempotent
    await meetings.create(guest, { title: 'not mine' });
    const soon = await meetings.create(host, { title: 'soon', startsAt: iso(T0 + 60_000) });
    expect((await meetings.listForHost(host.id)).map((m) => m.id)).toEqual([live.id, soon.id, later.id]);
    expect((await meetings.get(ended.id))?.endedAt?.getTime()).toBe(T0);
  });

  it('lets the host in without a code and anyone into a meeting without a code', async () => {
    const coded = await meetings.create(host, { title: 'c', code: '1234' });
    const open = await meetings.create(host, { title: 'o' });
    await expect(meetings.authorizeJoin({ meetingId: coded.id, user: host, code: undefined, clientKey: 'h' })).resolves.toEqual(coded);
    await expect(meetings.authorizeJoin({ meetingId: open.id, user: guest, code: undefined, clientKey: 'g' })).resolves.toEqual(open);
    await expect(meetings.authorizeJoin({ meetingId: coded.id, user: guest, code: ' 1234 ', clientKey: 'g' })).resolves.toEqual(coded);
  });

  it('gives the identical MEETING_UNAVAILABLE for an unknown meeting, a wrong code and a missing code', async () => {
    const coded = await meetings.create(host, { title: 'c', code: '1234' });
    const wrong = await rejection(meetings.authorizeJoin({ meetingId: coded.id, user: guest, code: '9999', clientKey: 'a' }));
    const unknown = await rejection(meetings.authorizeJoin({ meetingId: randomId(), user: guest, code: '9999', clientKey: 'b' }));
    const missing = await rejection(meetings.authorizeJoin({ meetingId: coded.id, user: guest, code: undefined, clientKey: 'c' }));
    const malformed = await rejection(meetings.authorizeJoin({ meetingId: '../etc', user: guest, code: '9999', clientKey: 'd' }));
    expect(wrong.code).toBe('MEETING_UNAVAILABLE');
    for (const e of [unknown, missing, malformed]) expect(e.toBody()).toEqual(wrong.toBody());
  });

  it('rate-limits wrong codes per client key, across meetings, then lets the client retry', async () => {
    const a = await meetings.create(host, { title: 'a', code: 'code-a' });
    const b = await meetings.create(host, { title: 'b', code: 'code-b' });
    const join = (meetingId: string, code: string | undefined) => meetings.authorizeJoin({ meetingId, user: guest, code, clientKey: 'ip-1' });
    for (const id of [a.id, b.id, randomId()]) expect((await rejection(join(id, 'nope'))).code).toBe('MEETING_UNAVAILABLE');
    now += 1000;
    const limited = await rejection(join(a.id, 'code-a'));
    expect(limited.code).toBe('RATE_LIMITED');
    expect(limited.retryAfterMs).toBe(59_000);
    // Unknown meetings are limited the same way, so the limit is no existence oracle either.
    expect((await rejection(join(randomId(), 'x'))).code).toBe('RATE_LIMITED');
    // Another client is not affected (meeting c has had no failures).
    const c = await meetings.create(host, { title: 'c', code: 'code-c' });
    await expect(meetings.authorizeJoin({ meetingId: c.id, user: guest, code: 'code-c', clientKey: 'ip-2' })).resolves.toEqual(c);
    now += 59_000;
    await expect(join(a.id, 'code-a')).resolves.toEqual(a);
  });

  it('rate-limits wrong codes per meeting across client keys; the host is never limited', async () => {
    const m = await meetings.create(host, { title: 'm', code: 'secret' });
    for (let i = 0; i < 3; i++) {
      await rejection(meetings.authorizeJoin({ meetingId: m.id, user: guest, code: `guess-${i}`, clientKey: `ip-${i}` }));
    }
    const e = await rejection(meetings.authorizeJoin({ meetingId: m.id, user: guest, code: 'secret', clientKey: 'ip-fresh' }));
    expect(e.code).toBe('RATE_LIMITED');
    expect(e.retryAfterMs).toBeGreaterThan(0);
    await expect(meetings.authorizeJoin({ meetingId: m.id, user: host, code: undefined, clientKey: 'ip-0' })).resolves.toEqual(m);
  });

  it('reports MEETING_ENDED only to those who may enter', async () => {
    const m = await meetings.create(host, { title: 'm', code: 'secret' });
    await meetings.markEnded(m.id);
    expect((await rejection(meetings.authorizeJoin({ meetingId: m.id, user: guest, code: 'wrong', clientKey: 'x' }))).code).toBe('MEETING_UNAVAILABLE');
    expect((await rejection(meetings.authorizeJoin({ meetingId: m.id, user: guest, code: 'secret', clientKey: 'y' }))).code).toBe('MEETING_ENDED');
    expect((await rejection(meetings.authorizeJoin({ meetingId: m.id, user: host, code: undefined, clientKey: 'z' }))).code).toBe('MEETING_ENDED');
  });

  it('renders an invitation with the link but never the code', async () => {
    const m = await meetings.create(host, { title: 'Plan, review; ship', code: 'hush-hush', startsAt: '2030-06-01T09:30:00+02:00', durationMinutes: 45 });
    const ics = (await meetings.ics(m)).replace(/\r\n /g, '');
    expect(ics).toContain(`UID:${m.id}@meet.example.com\r\n`);
    expect(ics).toContain('DTSTART:20300601T073000Z\r\n');
    expect(ics).toContain('DTEND:20300601T081500Z\r\n');
    expect(ics).toContain('SUMMARY:Plan\\, review\\; ship\r\n');
    expect(ics).toContain(`URL:https://meet.example.com/m/${m.id}\r\n`);
    expect(ics).not.toContain('hush-hush');
  });
});
