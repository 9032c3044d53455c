// Writes the files made from the code: JSON Schemas and docs/rules.md. Run `npm run generate`.
import { writeFileSync } from 'node:fs';
import { episodeJsonSchema, pageJsonSchema, personJsonSchema, rulesMarkdown, settingsJsonSchema } from '../lib/json-schema.js';

const root = new URL('../', import.meta.url);
const json = (value) => `${JSON.stringify(value, null, 2)}\n`;
writeFileSync(new URL('schemas/podsite.schema.json', root), json(settingsJsonSchema()));
writeFileSync(new URL('schemas/episode.schema.json', root), json(episodeJsonSchema()));
writeFileSync(new URL('schemas/person.schema.json', root), json(personJsonSchema()));
writeFileSync(new URL('schemas/page.schema.json', root), json(pageJsonSchema()));
writeFileSync(new URL('docs/rules.md', root), rulesMarkdown());
