import { describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../../src/config.ts';

describe('configuration', () => {
  it('has defaults that run the demo school on SQLite', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, DATA_DIR: './data', STORE: 'sqlite', TZ: 'Asia/Ho_Chi_Minh' });
    expect(c.ADMIN_TOKEN).toBeUndefined();
  });

  it('treats empty variables as unset', () => {
    const c = loadConfig({ PORT: '', FACEBOOK_APP_SECRET: '' });
    expect(c.PORT).toBe(3000);
    expect(c.FACEBOOK_APP_SECRET).toBeUndefined();
  });

  it('names every variable that is wrong', () => {
    try {
      loadConfig({ PORT: '99999', STORE: 'redis', ADMIN_TOKEN: 'short', FACEBOOK_GRAPH_URL: 'not a url' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      expect(msg).toMatch(/PORT:/);
      expect(msg).toMatch(/STORE:/);
      expect(msg).toMatch(/ADMIN_TOKEN: ADMIN_TOKEN must be at least 16 characters/);
      expect(msg).toMatch(/FACEBOOK_GRAPH_URL:/);
    }
  });

  it('refuses an unknown time zone and mongo without a URL', () => {
    expect(() => loadConfig({ TZ: 'Asia/Atlantis' })).toThrow(/TZ: unknown time zone "Asia\/Atlantis"/);
    expect(() => loadConfig({ STORE: 'mongo' })).toThrow(/MONGO_URL: required when STORE=mongo/);
  });
});
