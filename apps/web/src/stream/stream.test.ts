import { describe, expect, it } from 'vitest';
import { parseStreamKey, streamName } from './stream.ts';

describe('stream key helpers', () => {
  it('accepts the server answer', () => {
    expect(parseStreamKey({ whipUrl: 'https://meet.example.com/whip/abcdefghijklmnop', streamKey: 'k3y' })).toEqual({
      whipUrl: 'https://meet.example.com/whip/abcdefghijklmnop',
      streamKey: 'k3y',
    });
  });

  it('refuses anything else', () => {
    for (const body of [null, undefined, 'x', {}, { whipUrl: 'https://a/whip/x' }, { whipUrl: 'https://a/whip/x', streamKey: '' }, { whipUrl: 'javascript:alert(1)', streamKey: 'k' }, { whipUrl: 1, streamKey: 'k' }])
      expect(parseStreamKey(body)).toBeNull();
  });

  it('names the stream as the server does', () => {
    expect(streamName('Ada Host')).toBe('Ada Host (stream)');
  });
});
