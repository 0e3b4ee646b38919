/**
 * Builds the durable-data services behind services.ts: one database (PGlite, or PostgreSQL when
 * DATABASE_URL is set), migrated to the latest version, shared by accounts, meetings and chat.
 * Close cascade: Services.close() → Kysely.destroy() → pool.end() (pg pool or PGlite.close()).
 */
import { DbAccountService } from './accounts/account-service.ts';
import { DbCallStore } from './calls/call-store.ts';
import { DbChatService } from './chat/chat-service.ts';
import { DbQuestionService } from './questions/question-service.ts';
import { DbConversationService } from './messaging/conversation-service.ts';
import { DbSocialService } from './social/social-service.ts';
import { PushService } from './push/push-service.ts';
import { DbMeetingService } from './meetings/meeting-service.ts';
import type { CreateServices, Services } from './services.ts';
import { openDatabase } from './store/database.ts';

export const createServices: CreateServices = async (config, log) => {
  const db = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    log: log.child({ mod: 'store' }),
  });
  let closing: Promise<void> | undefined;
  const social = new DbSocialService(db);
  const services: Services = {
    accounts: new DbAccountService(db, { sessionTtlHours: config.SESSION_TTL_HOURS }),
    meetings: new DbMeetingService(db, {
      publicUrl: config.publicUrl,
      codeAttemptsPerMinute: config.CODE_ATTEMPTS_PER_MINUTE,
    }),
    db,
    chat: new DbChatService(db),
    questions: new DbQuestionService(db),
    social,
    conversations: new DbConversationService(db, social),
    calls: new DbCallStore(db),
    push: new PushService(
      db,
      config.VAPID_PUBLIC_KEY && config.VAPID_PRIVATE_KEY
        ? { publicKey: config.VAPID_PUBLIC_KEY, privateKey: config.VAPID_PRIVATE_KEY, subject: config.VAPID_SUBJECT ?? `mailto:admin@${new URL(config.publicUrl).hostname}` }
        : null,
      log.child({ mod: 'push' }),
    ),
    close() {
      closing ??= db.destroy();
      return closing;
    },
  };
  return services;
};
