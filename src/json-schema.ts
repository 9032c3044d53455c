import { SETTINGS_SCHEMA } from './config.js';
import { EPISODE_SCHEMA } from './episode-schema.js';
import { PERSON_GROUPS, PERSON_ROLES, PERSON_SCHEMA } from './person-schema.js';
import { RULES } from './rules.js';
import { PAGE_SCHEMA } from './site-pages.js';
import type { FieldType, Schema } from './schema.js';

/**
 * JSON Schemas made from the same field tables the build validates with, so that an editor's
 * completion and podsite never disagree. `npm run generate` writes them into schemas/.
 */
type JsonSchema = Record<string, unknown>;

const DRAFT = 'http://json-schema.org/draft-07/schema#';

export function settingsJsonSchema(): JsonSchema {
  const schema = objectSchema(SETTINGS_SCHEMA);
  const properties = schema.properties as Record<string, JsonSchema>;
  // Rule ids and severities are known, so the editor can complete them.
  properties.rules = {
    ...properties.rules,
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(
      Object.entries(RULES)
        .filter(([, rule]) => rule.configurable)
        .map(([id, rule]) => [id, { enum: ['error', 'warn', 'info', 'off'], description: `${rule.description} Default: ${rule.severity}.` }]),
    ),
  };
  return { $schema: DRAFT, title: 'podsite.yaml', ...schema };
}

export function episodeJsonSchema(): JsonSchema {
  const schema = objectSchema(EPISODE_SCHEMA);
  const properties = schema.properties as Record<string, JsonSchema>;
  properties.date = {
    ...properties.date,
    pattern: '^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?)?(\\s*(Z|[+-]\\d{2}:?\\d{2}))?$',
  };
  return { $schema: DRAFT, title: 'Episode front matter', ...schema };
}

export function personJsonSchema(): JsonSchema {
  const schema = objectSchema(PERSON_SCHEMA);
  const properties = schema.properties as Record<string, JsonSchema>;
  // The build checks these texts itself, for a shorter message; the editor can complete them.
  properties.role = { description: properties.role!.description, enum: [...PERSON_ROLES] };
  properties.group = { description: properties.group!.description, enum: [...PERSON_GROUPS] };
  return { $schema: DRAFT, title: 'Person front matter', ...schema };
}

export function pageJsonSchema(): JsonSchema {
  return { $schema: DRAFT, title: 'Page front matter', ...objectSchema(PAGE_SCHEMA) };
}

function objectSchema(fields: Schema): JsonSchema {
  const required = Object.entries(fields)
    .filter(([, spec]) => spec.required)
    .map(([key]) => key);
  return {
    type: 'object',
    additionalProperties: false,
    ...(required.length > 0 && { required }),
    properties: Object.fromEntries(Object.entries(fields).map(([key, spec]) => [key, { description: spec.description, ...typeSchema(spec.type) }])),
  };
}

function typeSchema(type: FieldType): JsonSchema {
  switch (type.kind) {
    case 'string':
      return { type: 'string' };
    case 'integer':
      return type.min === undefined ? { type: 'integer' } : { type: 'integer', minimum: type.min };
    case 'boolean':
      return { type: 'boolean' };
    case 'enum':
      return { enum: [...type.values] };
    case 'string-or-number':
      return { anyOf: [{ type: 'string' }, { type: 'number' }] };
    case 'string-list':
      return type.commaSeparated
        ? { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }] }
        : { type: 'array', items: { type: 'string' } };
    case 'object':
      return objectSchema(type.fields);
    case 'string-map':
      return { type: 'object', additionalProperties: { type: 'string' } };
    case 'text-or-object':
      return { anyOf: [typeSchema(type.fields[type.shorthand]?.type ?? { kind: 'string' }), objectSchema(type.fields)] };
    case 'list': {
      const list = { type: 'array', items: typeSchema(type.item) };
      return type.single ? { anyOf: [list, typeSchema(type.item)] } : list;
    }
  }
}

/** docs/rules.md: every rule, by group, from the registry. */
export function rulesMarkdown(): string {
  const lines = [
    '# Rules',
    '',
    '<!-- Made by `npm run generate` from src/rules.ts; edit that file, not this one. -->',
    '',
    'Every problem podsite reports names one of these rules. `podsite rules` prints the same list.',
    'A rule marked *fixed* guards a value the build cannot do without: it is always an error. The',
    'others can be given another severity in `podsite.yaml`:',
    '',
    '```yaml',
    'rules:',
    '  duplicate-episode-number: error   # error, warn, info or off',
    '  episode-number-gap: off',
    '```',
  ];
  let group = '';
  // A group's rules together, groups in the order they first appear: rules may be declared in blocks added apart.
  const order = [...new Set(Object.values(RULES).map((rule) => rule.group))];
  const grouped = Object.entries(RULES).sort(([, a], [, b]) => order.indexOf(a.group) - order.indexOf(b.group));
  for (const [id, rule] of grouped) {
    if (rule.group !== group) {
      group = rule.group;
      lines.push('', `## ${group[0]!.toUpperCase()}${group.slice(1)}`, '', '| rule | default | checks |', '| --- | --- | --- |');
    }
    lines.push(`| \`${id}\` | ${rule.severity}${rule.configurable ? '' : ' (fixed)'} | ${rule.description.replaceAll('|', '\\|')} |`);
  }
  return `${lines.join('\n')}\n`;
}
