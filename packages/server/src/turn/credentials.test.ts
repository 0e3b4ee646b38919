import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { turnCredentials, type TurnSettings } from './credentials.ts';

const settings: TurnSettings = {
  urls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:443?transport=tcp'],
  secret: 'north-window-secret-7f3a',
  ttlSeconds: 3600,
};

// From openssl (see the fixed-vector test), not from node:crypto.
const FIXED_VECTOR = 'LLPLO4qjdVL2qZhwr3eImhn7J20=';

describe('turnCredentials', () => {
  it('signs `${expiry}:${userId}` with HMAC-SHA1 of the shared secret, base64', () => {
    const now = Date.UTC(2025, 0, 2, 3, 4, 5, 678); // 1735787045.678 s
    const r = turnCredentials(settings, 'u_abc123', now);
    expect(r.iceServers).toHaveLength(1);
    const s = r.iceServers[0]!;
    expect(s.username).toBe('1735790645:u_abc123');
    // Computed independently of the implementation.
    const expected = createHmac('sha1', 'north-window-secret-7f3a').update('1735790645:u_abc123').digest('base64');
    expect(s.credential).toBe(expected);
    expect(s.credential).toMatch(/^[A-Za-z0-9+/]{27}=$/); // 20-byte digest
    expect(s.urls).toEqual(settings.urls);
  });

  it('matches a fixed vector', () => {
    // printf '%s' '1700003600:alice' | openssl dgst -sha1 -hmac 'secret' -binary | base64
    const r = turnCredentials({ urls: ['turn:t:3478'], secret: 'secret', ttlSeconds: 3600 }, 'alice', 1_700_000_000_000);
    expect(r.iceServers[0]!.username).toBe('1700003600:alice');
    expect(r.iceServers[0]!.credential).toBe(createHmac('sha1', 'secret').update('1700003600:alice').digest('base64'));
    expect(r.iceServers[0]!.credential).toBe(FIXED_VECTOR);
  });

  it('computes expiry from now + ttl in whole seconds and reports it as ISO time', () => {
    const r = turnCredentials({ ...settings, ttlSeconds: 600 }, 'bob', 1_700_000_000_999);
    expect(r.iceServers[0]!.username).toBe('1700000600:bob');
    expect(r.expiresAt).toBe(new Date(1_700_000_600_000).toISOString());
    expect(r.expiresAt).toBe('2023-11-14T22:23:20.000Z');
    const later = turnCredentials({ ...settings, ttlSeconds: 600 }, 'bob', 1_700_000_001_000);
    expect(later.iceServers[0]!.username).toBe('1700000601:bob');
    expect(later.iceServers[0]!.credential).not.toBe(r.iceServers[0]!.credential);
  });

  it('never puts the secret in its output', () => {
    const r = turnCredentials(settings, 'carol', Date.now());
    const json = JSON.stringify(r);
    expect(json).not.toContain(settings.secret);
    expect(json).not.toContain(Buffer.from(settings.secret).toString('base64'));
    expect(Object.keys(r).sort()).toEqual(['expiresAt', 'iceServers']);
    expect(Object.keys(r.iceServers[0]!).sort()).toEqual(['credential', 'urls', 'username']);
  });

  it('gives different credentials to different users and secrets', () => {
    const now = 1_700_000_000_000;
    const a = turnCredentials(settings, 'a', now).iceServers[0]!;
    const b = turnCredentials(settings, 'b', now).iceServers[0]!;
    const a2 = turnCredentials({ ...settings, secret: 'other' }, 'a', now).iceServers[0]!;
    expect(a.credential).not.toBe(b.credential);
    expect(a.credential).not.toBe(a2.credential);
  });

  it('offers no ICE servers when no URLs are configured', () => {
    expect(turnCredentials({ ...settings, urls: [] }, 'dave', 0).iceServers).toEqual([]);
  });

  it('rejects a missing secret, a bad ttl and an ambiguous user id without echoing the secret', () => {
    expect(() => turnCredentials({ ...settings, secret: '' }, 'x', 0)).toThrow(/secret/);
    expect(() => turnCredentials({ ...settings, ttlSeconds: 0 }, 'x', 0)).toThrow(/ttl/);
    expect(() => turnCredentials(settings, 'a:b', 0)).toThrow(/user id/);
    expect(() => turnCredentials(settings, '', 0)).toThrow(/user id/);
    let error: unknown;
    try {
      turnCredentials({ ...settings, ttlSeconds: -1 }, 'x', 0);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).not.toContain(settings.secret);
  });
});
