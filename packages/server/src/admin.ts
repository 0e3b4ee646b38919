/**
 * Operator commands against the configured database (same env as the server: DATABASE_URL or
 * DATA_DIR). Usage:
 *   npm run admin -- verify <handle>      mark an account verified (who-can-call "verified users")
 *   npm run admin -- unverify <handle>
 *   npm run admin -- vapid                 print a new VAPID key pair for Web Push
 */
import { loadConfig } from './config/config.ts';
import { createServices } from './services-impl.ts';
import { createLogger } from './telemetry/logger.ts';

const [command, handle] = process.argv.slice(2);
if (command === 'vapid') {
  const { generateVapidKeys } = await import('./push/push-service.ts');
  const k = generateVapidKeys();
  console.log(`VAPID_PUBLIC_KEY=${k.publicKey}\nVAPID_PRIVATE_KEY=${k.privateKey}\nVAPID_SUBJECT=mailto:you@example.com`);
  process.exit(0);
}
if ((command !== 'verify' && command !== 'unverify') || !handle) {
  console.error('usage: npm run admin -- verify|unverify <handle> | vapid');
  process.exit(2);
}
const config = loadConfig();
const services = await createServices(config, createLogger('warn'));
try {
  const ok = await services.social.setVerified(handle, command === 'verify');
  if (!ok) {
    console.error(`no account with handle "${handle}"`);
    process.exitCode = 1;
  } else {
    console.log(`${handle}: ${command === 'verify' ? 'verified' : 'not verified'}`);
  }
} finally {
  await services.close();
}
