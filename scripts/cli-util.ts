// Shared start-up for command-line scripts: the same configuration and store as the server.
import { loadConfig, ConfigError, type Config } from '../src/config.ts';
import { openStore } from '../src/store/index.ts';
import type { Store } from '../src/store/types.ts';

/** The environment's configuration, or the reason it is wrong and exit code 2. */
export function configOrFail(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
}

export async function withStore<T>(fn: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const config = configOrFail();
  const store = await openStore(config).catch((err: Error) => fail(err.message));
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}

export function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

/** Reads "--flag value" pairs and positional words. */
export function parseArgs(argv: string[]): { positional: string[]; flags: Record<string, string> } {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2);
      flags[k] = v ?? (argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : 'true');
    } else positional.push(a);
  }
  return { positional, flags };
}
