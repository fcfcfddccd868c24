// Worker threads start from plain JavaScript: beside the compiled code (dist/, `npm start`) they
// load the module's .js; beside the TypeScript sources (tests, scripts) they load its .ts through tsx.
import fs from 'node:fs';

/** Imports the module `name` (without extension) from the folder of `base` (an import.meta.url). */
export async function importBeside(base, name) {
  const compiled = new URL(`./${name}.js`, base);
  if (fs.existsSync(compiled)) return import(compiled.href);
  const { register } = await import('tsx/esm/api');
  register();
  return import(new URL(`./${name}.ts`, base).href);
}
