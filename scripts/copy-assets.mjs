// After tsc: the files tsc does not emit (worker scripts, the chat page) go beside the compiled code.
import fs from 'node:fs';
import path from 'node:path';

const from = 'src';
const to = 'dist';
function copy(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const source = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (source === path.join(from, 'console')) continue; // the staff console has a build of its own
      copy(source);
    } else if (entry.name.endsWith('.mjs') || source.startsWith(path.join(from, 'http', 'public'))) {
      const target = path.join(to, path.relative(from, source));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(source, target);
    }
  }
}
copy(from);
