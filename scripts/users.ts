// npm run users -- add "Cô Hòa" --role principal [--classes la-a1,la-a2]
// npm run users -- list
import path from 'node:path';
import { ROLES } from '../src/store/types.ts';
import { createUser, UnknownClassError } from '../src/features/users/user-service.ts';
import { SchoolService } from '../src/school/school-service.ts';
import { fail, parseArgs, withStore } from './cli-util.ts';

const USAGE = `usage:
  npm run users -- add <name> --role <${ROLES.join('|')}> [--classes <class id,...>]
  npm run users -- list`;

const { positional, flags } = parseArgs(process.argv.slice(2));
const [command, ...rest] = positional;

await withStore(async (store, config) => {
  if (command === 'add') {
    const name = rest.join(' ').trim();
    if (!name) fail(USAGE);
    if (!ROLES.includes(flags.role as never)) fail(`--role must be one of ${ROLES.join(', ')}\n${USAGE}`);
    const school = await SchoolService.open(store.documents, path.resolve(config.SCHOOL_DIR));
    const classIds = flags.classes ? flags.classes.split(',').map((c) => c.trim()).filter(Boolean) : [];
    try {
      const { user, token } = await createUser(store, { name, role: flags.role as never, classIds }, school.get('classes').map((c) => c.id));
      await store.audit.append({ at: new Date().toISOString(), actor: 'cli', action: 'user.create', target: `user:${user.id}`, details: { name, role: user.role, classIds } });
      console.log(`Created ${user.role} "${user.name}" (${user.id}).`);
      console.log(`Token (shown once, keep it safe): ${token}`);
    } catch (err) {
      if (err instanceof UnknownClassError) fail(`${err.message}; classes: ${school.get('classes').map((c) => c.id).join(', ')}`);
      throw err;
    }
  } else if (command === 'list') {
    for (const u of await store.users.list()) {
      console.log(`${u.id}  ${u.role.padEnd(9)} ${u.disabled ? '(disabled) ' : ''}${u.name}${u.classIds.length ? `  classes: ${u.classIds.join(',')}` : ''}`);
    }
  } else {
    fail(USAGE);
  }
});
