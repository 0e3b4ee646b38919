import { z } from 'zod';

/** Longest question text. */
export const MAX_QUESTION_LENGTH = 500;

/**
 * A question's life: `pending` (only its author and the hosts see it) → `approved` (everyone
 * sees it and may upvote) → `answering` (the host is on it; at most one at a time) → `answered`.
 * `dismissed` hides it from everyone but its author and the hosts.
 * Questions asked by a host or co-host are approved at once.
 */
export const questionStatusSchema = z.enum(['pending', 'approved', 'answering', 'answered', 'dismissed']);
export type QuestionStatus = z.infer<typeof questionStatusSchema>;

export const questionSchema = z.object({
  id: z.string(),
  /** 1, 2, 3… per meeting or Space, in the order asked. */
  seq: z.number().int(),
  clientQuestionId: z.string(),
  /** The author as everyone may know them: handle and display name only. */
  from: z.object({ id: z.string(), handle: z.string(), displayName: z.string() }),
  text: z.string(),
  status: questionStatusSchema,
  votes: z.number().int().nonnegative(),
  askedAt: z.string(),
});
export type Question = z.infer<typeof questionSchema>;

/** Statuses a host may set. */
export const moderationStatusSchema = questionStatusSchema.exclude(['pending']);
