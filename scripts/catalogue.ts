/** `npm run catalogue`: writes docs/events.md from libs/contracts (a test fails when it is stale). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEventCatalogue } from '@chanjiao/contracts';

const target = join(__dirname, '..', '..', 'docs', 'events.md');
writeFileSync(target, renderEventCatalogue());
console.log(`wrote ${target}`);
