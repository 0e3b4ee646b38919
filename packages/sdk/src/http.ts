import {
  ConveneError,
  errorBodySchema,
  meetingListSchema,
  meetingSchema,
  meResponseSchema,
  type CreateMeetingBody,
  type Meeting,
  type MeResponse,
  type SignInBody,
  type SignUpBody,
  callSettingsSchema,
  conversationListSchema,
  conversationSchema,
  messageListSchema,
  messageSchema,
  profileSchema,
  type CallSettings,
  type Conversation,
  type CreateConversationBody,
  type Message,
  type Profile,
  type PushSubscriptionBody,
  spaceSchema,
  spaceListSchema,
  type CreateSpaceBody,
  type Space,
  type SpaceList,
  turnResponseSchema,
  type TurnResponse,
} from '@convene/protocol';
import { z } from 'zod';

const authSchema = z.object({ user: z.object({ id: z.string(), handle: z.string(), displayName: z.string() }), token: z.string() });
export type AuthResult = z.infer<typeof authSchema>;

/**
 * HTTP API client. In the browser it relies on the session cookie (same origin);
 * in Node pass the `token` from signUp/signIn (sent as a Bearer token).
 */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    public token?: string,
    private readonly fetchImpl: typeof fetch = (...a) => fetch(...a),
  ) {}

  private async call<T>(method: string, path: string, schema: z.ZodType<T> | null, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const res = await this.fetchImpl(`${this.baseUrl}${path}`, {
      method,
      headers,
      credentials: 'include',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const err = errorBodySchema.safeParse(json);
      if (err.success) throw new ConveneError(err.data.code, err.data.message, err.data.retryAfterMs === undefined ? undefined : { retryAfterMs: err.data.retryAfterMs });
      throw new ConveneError('INTERNAL', `HTTP ${res.status}`);
    }
    return schema ? schema.parse(json) : (json as T);
  }

  async signUp(body: SignUpBody): Promise<AuthResult> {
    const r = await this.call('POST', '/api/auth/signup', authSchema, body);
    this.token = r.token;
    return r;
  }
  async signIn(body: SignInBody): Promise<AuthResult> {
    const r = await this.call('POST', '/api/auth/signin', authSchema, body);
    this.token = r.token;
    return r;
  }
  signOut(): Promise<unknown> {
    return this.call('POST', '/api/auth/signout', null, {});
  }
  me(): Promise<MeResponse> {
    return this.call('GET', '/api/me', meResponseSchema);
  }
  createMeeting(body: CreateMeetingBody): Promise<Meeting> {
    return this.call('POST', '/api/meetings', meetingSchema, body);
  }
  async listMeetings(): Promise<Meeting[]> {
    return (await this.call('GET', '/api/meetings', meetingListSchema)).meetings;
  }
  getMeeting(id: string): Promise<Meeting> {
    return this.call('GET', `/api/meetings/${encodeURIComponent(id)}`, meetingSchema);
  }
  // ---- people ----
  profile(handle: string): Promise<Profile> {
    return this.call('GET', `/api/users/${encodeURIComponent(handle)}`, profileSchema);
  }
  follow(handle: string, on = true): Promise<Profile> {
    return this.call(on ? 'PUT' : 'DELETE', `/api/users/${encodeURIComponent(handle)}/follow`, profileSchema);
  }
  block(handle: string, on = true): Promise<Profile> {
    return this.call(on ? 'PUT' : 'DELETE', `/api/users/${encodeURIComponent(handle)}/block`, profileSchema);
  }
  callSettings(): Promise<CallSettings> {
    return this.call('GET', '/api/me/call-settings', callSettingsSchema);
  }
  setCallSettings(s: CallSettings): Promise<CallSettings> {
    return this.call('PUT', '/api/me/call-settings', callSettingsSchema, s);
  }

  // ---- conversations ----
  async conversations(): Promise<Conversation[]> {
    return (await this.call('GET', '/api/conversations', conversationListSchema)).conversations;
  }
  createConversation(body: CreateConversationBody): Promise<Conversation> {
    return this.call('POST', '/api/conversations', conversationSchema, body);
  }
  conversation(id: string): Promise<Conversation> {
    return this.call('GET', `/api/conversations/${encodeURIComponent(id)}`, conversationSchema);
  }
  async messages(id: string, opts: { before?: number; limit?: number } = {}): Promise<Message[]> {
    const q = new URLSearchParams();
    if (opts.before !== undefined) q.set('before', String(opts.before));
    if (opts.limit !== undefined) q.set('limit', String(opts.limit));
    const qs = q.toString();
    return (await this.call('GET', `/api/conversations/${encodeURIComponent(id)}/messages${qs ? `?${qs}` : ''}`, messageListSchema)).messages;
  }
  /** Resolves once the message is committed. Retrying with the same clientMsgId never duplicates. */
  sendMessage(id: string, clientMsgId: string, text: string): Promise<Message> {
    return this.call('POST', `/api/conversations/${encodeURIComponent(id)}/messages`, messageSchema, { clientMsgId, text });
  }
  async markRead(id: string, seq: number): Promise<number> {
    return (await this.call('POST', `/api/conversations/${encodeURIComponent(id)}/read`, null, { seq }) as { seq: number }).seq;
  }
  addMember(id: string, handle: string): Promise<Conversation> {
    return this.call('POST', `/api/conversations/${encodeURIComponent(id)}/members`, conversationSchema, { handle });
  }
  removeMember(id: string, handle: string): Promise<unknown> {
    return this.call('DELETE', `/api/conversations/${encodeURIComponent(id)}/members/${encodeURIComponent(handle)}`, null);
  }

  /** Relay credentials to put in RTCPeerConnection's iceServers (empty when none is configured). */
  turn(): Promise<TurnResponse> {
    return this.call('GET', '/api/turn', turnResponseSchema);
  }

  /** Web Push: the server's VAPID public key, or null when push is not configured. */
  async pushPublicKey(): Promise<string | null> {
    const r = (await this.call('GET', '/api/push/config', null)) as { publicKey?: string | null } | undefined;
    return r?.publicKey ?? null;
  }
  /** Register a browser PushSubscription (its toJSON()) for this user. */
  pushSubscribe(subscription: PushSubscriptionBody): Promise<unknown> {
    return this.call('POST', '/api/push/subscriptions', null, subscription);
  }
  pushUnsubscribe(endpoint: string): Promise<unknown> {
    return this.call('DELETE', '/api/push/subscriptions', null, { endpoint });
  }

  // ---- Spaces ----
  createSpace(body: CreateSpaceBody): Promise<Space> {
    return this.call('POST', '/api/spaces', spaceSchema, body);
  }
  spaces(): Promise<SpaceList> {
    return this.call('GET', '/api/spaces', spaceListSchema);
  }
  space(id: string): Promise<Space> {
    return this.call('GET', `/api/spaces/${encodeURIComponent(id)}`, spaceSchema);
  }

  inviteUrl(id: string): string {
    return `${this.baseUrl}/api/meetings/${encodeURIComponent(id)}/invite.ics`;
  }
}
