// `npm run schema:groups-file`: writes docs/groups-file.schema.json, the JSON Schema of the
// desired-state file, from the zod schema that validates it. A unit test fails when the published file
// and the schema drift apart.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { desiredStateJsonSchema } from '../lib/desired-state/format';

/** Where the schema is published, relative to the project root. */
export const GROUPS_FILE_SCHEMA_PATH = 'docs/groups-file.schema.json';

/** The published text: stable key order, two-space indent, final newline. */
export function groupsFileSchemaText(): string {
  return `${JSON.stringify(desiredStateJsonSchema(), null, 2)}\n`;
}

if (
  process.argv[1] &&
  path.resolve(process.argv[1]) === path.resolve(import.meta.dirname, 'write-groups-file-schema.ts')
) {
  const target = path.resolve(import.meta.dirname, '..', GROUPS_FILE_SCHEMA_PATH);
  writeFileSync(target, groupsFileSchemaText());
  // Biome owns the file's layout (npm run lint checks it): format it as `npm run format` would.
  execFileSync(
    path.resolve(import.meta.dirname, '../node_modules/.bin/biome'),
    ['format', '--write', target],
    { stdio: 'ignore' },
  );
  process.stdout.write(`wrote ${GROUPS_FILE_SCHEMA_PATH}\n`);
}
