import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConveneError } from '@convene/protocol';
import { parseOrBadRequest } from './validation.ts';

describe('parseOrBadRequest', () => {
  const schema = z.strictObject({ name: z.string().min(2), n: z.number().int().default(1) });

  it('returns the parsed value with defaults applied', () => {
    expect(parseOrBadRequest(schema, { name: 'ab' })).toEqual({ name: 'ab', n: 1 });
  });

  it('throws BAD_REQUEST naming the fields, without echoing values', () => {
    let err: unknown;
    try {
      parseOrBadRequest(schema, { name: 's3cret-x'.slice(0, 1), extra: 'hunter2' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConveneError);
    const e = err as ConveneError;
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.message).toContain('name');
    expect(e.message).not.toContain('hunter2');
  });

  it('handles a non-object body', () => {
    expect(() => parseOrBadRequest(schema, undefined)).toThrow(ConveneError);
  });
});
