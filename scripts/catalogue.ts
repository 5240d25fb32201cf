/** `npm run catalogue`: writes docs/events.md from libs/contracts (a test fails when it is stale). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEventCatalogue } from '@chanjiao/contracts';
import { takesNoArguments } from './cli';

takesNoArguments('usage: npm run catalogue\n  writes docs/events.md, the event catalogue, from libs/contracts');

const target = join(__dirname, '..', '..', 'docs', 'events.md');
writeFileSync(target, renderEventCatalogue());
console.log(`wrote ${target}`);
