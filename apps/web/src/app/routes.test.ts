import { describe, expect, it } from 'vitest';
import { matchRoute, messagesPath, spacePath } from './routes.ts';

describe('routes', () => {
  it('matches the messages area, with and without a conversation', () => {
    expect(matchRoute('/messages')).toEqual({ name: 'messages', conversationId: null });
    expect(matchRoute('/messages/')).toEqual({ name: 'messages', conversationId: null });
    expect(matchRoute('/messages/abc_DEF-123')).toEqual({ name: 'messages', conversationId: 'abc_DEF-123' });
    expect(matchRoute('/messages/a/b')).toEqual({ name: 'notFound' });
    expect(matchRoute('/messages/<script>')).toEqual({ name: 'notFound' });
  });
  it('matches settings, meetings and home', () => {
    expect(matchRoute('/settings')).toEqual({ name: 'settings' });
    expect(matchRoute('/m/abcdef')).toEqual({ name: 'meeting', meetingId: 'abcdef' });
    expect(matchRoute('/')).toEqual({ name: 'home' });
  });
  it('matches Spaces', () => {
    expect(matchRoute('/spaces')).toEqual({ name: 'spaces' });
    expect(matchRoute('/s/abc_DEF-123')).toEqual({ name: 'space', spaceId: 'abc_DEF-123' });
    expect(matchRoute('/s/')).toEqual({ name: 'notFound' });
    expect(matchRoute(spacePath('xyz123'))).toEqual({ name: 'space', spaceId: 'xyz123' });
  });
  it('builds paths that round-trip', () => {
    expect(matchRoute(messagesPath('xyz123'))).toEqual({ name: 'messages', conversationId: 'xyz123' });
    expect(messagesPath(null)).toBe('/messages');
  });
});
