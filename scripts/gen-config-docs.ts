// Writes docs/configuration.md from the config schema. Run with `pnpm docs:config` after changing the schema.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigReference } from '../packages/config/src/index.js';

const target = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));
writeFileSync(target, renderConfigReference());
console.log(`wrote ${target}`);
