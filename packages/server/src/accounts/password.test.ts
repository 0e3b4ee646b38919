import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword, type ScryptParams } from './password.ts';

const fast: ScryptParams = { ln: 10, r: 8, p: 1 };

describe('password hashing', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const h = await hashPassword('correct horse battery', fast);
    expect(h).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
    expect(await verifyPassword('correct horse batterY', h)).toBe(false);
    expect(await verifyPassword('', h)).toBe(false);
  });

  it('salts every hash', async () => {
    const a = await hashPassword('same password', fast);
    const b = await hashPassword('same password', fast);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password', b)).toBe(true);
  });

  it('uses the default parameters when none are given', async () => {
    const h = await hashPassword('default cost');
    expect(h.startsWith('$scrypt$ln=15,r=8,p=1$')).toBe(true);
    expect(await verifyPassword('default cost', h)).toBe(true);
  });

  it('treats equivalent Unicode forms as the same password', async () => {
    const h = await hashPassword('caf\u00e9-secret', fast);
    expect(await verifyPassword('cafe\u0301-secret', h)).toBe(true);
  });

  it('rejects malformed or hostile stored hashes without throwing', async () => {
    const h = await hashPassword('pw123456', fast);
    expect(await verifyPassword('pw123456', 'plaintext')).toBe(false);
    expect(await verifyPassword('pw123456', h.replace('ln=10', 'ln=30'))).toBe(false);
    expect(await verifyPassword('pw123456', h.slice(0, -4))).toBe(false);
  });
});
