import { ConveneError } from '@convene/protocol';
import type { z } from 'zod';

/** "title: Too small…; durationMinutes: Invalid input" — field paths and zod's messages, never input values. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** safeParse or throw BAD_REQUEST with a readable message. */
export function parseOrBadRequest<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ConveneError('BAD_REQUEST', describeIssues(parsed.error), { cause: parsed.error });
  return parsed.data;
}
