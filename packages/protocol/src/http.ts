import { z } from 'zod';

/** Handles: 3–30 chars, lowercase letters, digits, underscore. Case-insensitive unique. */
export const handleSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9_]{3,30}$/, 'handle must be 3–30 characters: a–z, 0–9, _');
export const displayNameSchema = z.string().trim().min(1).max(64);
export const passwordSchema = z.string().min(8).max(256);

export const signUpBodySchema = z.strictObject({
  handle: handleSchema,
  password: passwordSchema,
  displayName: displayNameSchema,
});
export type SignUpBody = z.infer<typeof signUpBodySchema>;

export const signInBodySchema = z.strictObject({
  handle: handleSchema,
  password: z.string().min(1).max(256),
});
export type SignInBody = z.infer<typeof signInBodySchema>;

/** The only user fields ever shown to other users. */
export const publicUserSchema = z.object({ handle: z.string(), displayName: z.string() });
export type PublicUser = z.infer<typeof publicUserSchema>;

export const meResponseSchema = z.object({ user: publicUserSchema.extend({ id: z.string() }) });
export type MeResponse = z.infer<typeof meResponseSchema>;

/** Host-set meeting code: 4–32 printable characters. */
export const meetingCodeSchema = z.string().trim().min(4).max(32);

export const createMeetingBodySchema = z.strictObject({
  title: z.string().trim().min(1).max(120),
  /** ISO 8601 instant. Absent = start now. */
  startsAt: z.iso.datetime({ offset: true }).optional(),
  durationMinutes: z.number().int().min(5).max(24 * 60).default(60),
  /** IANA time zone the host scheduled in, e.g. "Europe/Paris". */
  timeZone: z.string().min(1).max(64).default('UTC'),
  code: meetingCodeSchema.optional(),
  lobby: z.boolean().default(false),
});
export type CreateMeetingBody = z.input<typeof createMeetingBodySchema>;

export const meetingSchema = z.object({
  id: z.string(),
  title: z.string(),
  startsAt: z.string(),
  durationMinutes: z.number(),
  timeZone: z.string(),
  hasCode: z.boolean(),
  lobby: z.boolean(),
  host: publicUserSchema,
  /** Present only for the host. */
  code: z.string().optional(),
  endedAt: z.string().nullable(),
  link: z.string(),
});
export type Meeting = z.infer<typeof meetingSchema>;

export const meetingListSchema = z.object({ meetings: z.array(meetingSchema) });
export type MeetingList = z.infer<typeof meetingListSchema>;

/** Meeting ids are 128-bit random, base64url (22 chars). */
export const meetingIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);

/** GET /api/turn: short-lived relay credentials (empty list when no TURN relay is configured). */
export const turnResponseSchema = z.object({
  iceServers: z.array(z.object({ urls: z.array(z.string()), username: z.string(), credential: z.string() })),
  expiresAt: z.string(),
});
export type TurnResponse = z.infer<typeof turnResponseSchema>;
