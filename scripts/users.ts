// npm run users -- add <username> --role principal [--name "Cô Hòa"] [--classes la-a1,la-a2]
// npm run users -- link <username>      a new set-up link (forgotten password)
// npm run users -- token <username> [--name script] [--days 90]
// npm run users -- list
import path from 'node:path';
import { ROLES } from '../src/store/types.ts';
import { AccountError, TOKEN_DAYS, UserService } from '../src/features/users/user-service.ts';
import { SchoolService } from '../src/school/school-service.ts';
import { fail, parseArgs, withStore } from './cli-util.ts';

const USAGE = `usage:
  npm run users -- add <username> --role <${ROLES.join('|')}> [--name "<full name>"] [--classes <class id,...>]
  npm run users -- link <username>
  npm run users -- token <username> [--name <what it is for>] [--days <1-${TOKEN_DAYS.max}>]
  npm run users -- list`;

const { positional, flags } = parseArgs(process.argv.slice(2));
const [command, username] = positional;

await withStore(async (store, config) => {
  const users = new UserService({ store, clock: () => new Date() });
  const audit = (action: string, target: string, details?: unknown) =>
    store.audit.append({ at: new Date().toISOString(), actor: 'cli', action, target, details: details ?? null });
  const linkText = (setupUrl: string, expiresAt: string) =>
    `Set-up link (send it to the person; valid until ${expiresAt}, works once):\n  ${config.PUBLIC_URL ? new URL(setupUrl, config.PUBLIC_URL).href : `${setupUrl}  (on this server's address)`}`;
  const find = async () => {
    if (!username) fail(USAGE);
    return (await store.users.getByUsername(username.toLowerCase())) ?? fail(`no user "${username}"`);
  };

  if (command === 'add') {
    if (!username) fail(USAGE);
    if (!ROLES.includes(flags.role as never)) fail(`--role must be one of ${ROLES.join(', ')}\n${USAGE}`);
    const school = await SchoolService.open(store.documents, path.resolve(config.SCHOOL_DIR));
    const classIds = flags.classes ? flags.classes.split(',').map((c) => c.trim()).filter(Boolean) : [];
    const name = flags.name && flags.name !== 'true' ? flags.name : username;
    const parsed = (await import('../src/features/users/user-service.ts')).newUserSchema.safeParse({ username, name, role: flags.role, classIds });
    if (!parsed.success) fail(`username: 3–32 lower-case letters, digits, dots, dashes or underscores\n${USAGE}`);
    try {
      const { user, setupUrl, expiresAt } = await users.createUser(parsed.data, school.get('classes').map((c) => c.id));
      await audit('user.create', `user:${user.id}`, { username: user.username, name: user.name, role: user.role, classIds });
      console.log(`Created ${user.role} "${user.name}" (${user.username}).`);
      console.log(linkText(setupUrl, expiresAt));
    } catch (err) {
      if (err instanceof AccountError && err.code === 'unknown_class') fail(`unknown class ${err.vars.classes}; classes: ${school.get('classes').map((c) => c.id).join(', ')}`);
      if (err instanceof AccountError && err.code === 'username_taken') fail(`the username "${username}" is taken`);
      throw err;
    }
  } else if (command === 'link') {
    const user = await find();
    const { setupUrl, expiresAt } = await users.newSetupLink(user.id);
    await audit('user.setup_link', `user:${user.id}`);
    console.log(linkText(setupUrl, expiresAt));
  } else if (command === 'token') {
    const user = await find();
    if (user.disabled) fail(`"${username}" is deactivated`);
    const days = flags.days ? Number(flags.days) : TOKEN_DAYS.default;
    if (!Number.isInteger(days) || days < 1 || days > TOKEN_DAYS.max) fail(`--days must be a whole number from 1 to ${TOKEN_DAYS.max}`);
    const issued = await users.issueToken(user.id, flags.name && flags.name !== 'true' ? flags.name : 'cli', days);
    await audit('token.create', `token:${issued.id}`, { name: issued.name, expiresAt: issued.expiresAt });
    console.log(`API token for ${user.username} (shown once, keep it safe; expires ${issued.expiresAt}):`);
    console.log(issued.token);
  } else if (command === 'list') {
    for (const u of await store.users.list()) {
      console.log(`${(u.username ?? '-').padEnd(16)} ${u.role.padEnd(9)} ${u.disabled ? '(disabled) ' : ''}${u.name}${u.classIds.length ? `  classes: ${u.classIds.join(',')}` : ''}`);
    }
  } else {
    fail(USAGE);
  }
});
