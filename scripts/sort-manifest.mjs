#!/usr/bin/env node
// `oclif manifest` lists commands in the order the file system returns them, which differs between checkouts;
// sorting them keeps the committed oclif.manifest.json stable, so a build never dirties the tree.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const file = join(resolve(import.meta.dirname, '..'), 'oclif.manifest.json');
const m = JSON.parse(readFileSync(file, 'utf8'));
m.commands = Object.fromEntries(Object.keys(m.commands).sort().map((k) => [k, m.commands[k]]));
writeFileSync(file, `${JSON.stringify(m, null, 2)}\n`);
