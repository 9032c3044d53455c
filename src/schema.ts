import { diagnostic, type Diagnostic, type Position } from './diagnostics.js';
import type { RuleId } from './rules.js';
import { didYouMean } from './suggest.js';
import { mappingEntries, scalarOf, sequenceItems, type ParsedYaml, type YamlNode } from './yaml.js';

/**
 * One schema machinery for `podsite.yaml` and episode front matter, so both report problems
 * with the same rules, positions and wording. The descriptions feed the docs.
 */
export type FieldType =
  | { kind: 'string' }
  | { kind: 'integer'; min?: number }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: readonly string[] }
  /** A number of seconds or a `H:MM:SS` text; checked by the stage that uses it. */
  | { kind: 'string-or-number' }
  | { kind: 'string-list'; commaSeparated?: boolean }
  | { kind: 'object'; fields: Schema }
  /** A text standing for a mapping with only its `shorthand` field, or the mapping itself. */
  | { kind: 'text-or-object'; shorthand: string; fields: Schema }
  /** A list of values of one type; with `single`, one value may be written without the list. */
  | { kind: 'list'; item: FieldType; single?: boolean }
  | { kind: 'string-map' };

export interface FieldSpec {
  type: FieldType;
  description: string;
  required?: boolean;
}

export type Schema = Readonly<Record<string, FieldSpec>>;

/**
 * Where each value was written, by dotted path (`audio.length`, `categories.1`), for later
 * diagnostics; the keys of free-form mappings are under `keyPositionPath(path)`.
 */
export type Positions = Map<string, Position>;

export const keyPositionPath = (path: string) => `${path}#key`;

export interface ReadOptions {
  file: string;
  yaml: ParsedYaml;
  /** `unknown-setting` (always an error) or `unknown-key` (front matter, configurable). */
  unknownKeyRule: RuleId;
  /** Other names for fields, e.g. `mp3_length` → `audio.length`, so existing archives build unchanged. */
  aliases?: Readonly<Record<string, string>>;
  /** Keys that another tool uses and podsite deliberately ignores (e.g. Jekyll's `layout`). */
  ignore?: readonly string[];
  what: string;
}

export interface ReadResult {
  value: Record<string, unknown>;
  positions: Positions;
  diagnostics: Diagnostic[];
}

export function readMapping(node: YamlNode | null, schema: Schema, options: ReadOptions): ReadResult {
  const reader = new MappingReader(options, schema);
  const value = reader.readObject(node, schema, '', true) ?? {};
  return { value, positions: reader.positions, diagnostics: reader.diagnostics };
}

/** Own properties only: a key named `constructor` or `__proto__` must stay an unknown key. */
function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

export function fieldAt(schema: Schema, path: string): FieldSpec | undefined {
  const [head, ...rest] = path.split('.');
  const spec = ownValue(schema, head!);
  if (spec === undefined || rest.length === 0) return spec;
  return spec.type.kind === 'object' ? fieldAt(spec.type.fields, rest.join('.')) : undefined;
}

function describe(type: FieldType): string {
  switch (type.kind) {
    case 'string':
      return 'a text';
    case 'integer':
      return type.min === undefined ? 'a whole number' : `a whole number ≥ ${type.min}`;
    case 'boolean':
      return '`true` or `false`';
    case 'enum':
      return `one of ${type.values.map((v) => `\`${v}\``).join(', ')}`;
    case 'string-or-number':
      return 'a number or a text';
    case 'string-list':
      return type.commaSeparated ? 'a list, or a comma-separated text' : 'a list of texts';
    case 'object':
    case 'string-map':
      return 'a mapping of keys to values';
    case 'text-or-object':
      return 'a text, or a mapping of keys to values';
    case 'list':
      return type.single ? `a list, or ${describe(type.item)}` : 'a list';
  }
}

class MappingReader {
  readonly positions: Positions = new Map();
  readonly diagnostics: Diagnostic[] = [];
  private readonly assigned = new Set<string>();

  constructor(
    private readonly options: ReadOptions,
    private readonly rootSchema: Schema,
  ) {}

  readObject(
    node: YamlNode | null,
    schema: Schema,
    prefix: string,
    topLevel: boolean,
  ): Record<string, unknown> | undefined {
    const { yaml, file } = this.options;
    // An empty document is an empty mapping: its required fields are still missing.
    const entries = node === null && topLevel ? [] : mappingEntries(node);
    if (entries === undefined) {
      this.report(node, 'wrong-type', `${prefix || this.options.what} must be a mapping of keys to values`);
      return undefined;
    }
    if (prefix === '') this.positions.set('', yaml.positionOf(node));
    const result: Record<string, unknown> = {};
    for (const { key, keyNode, valueNode } of entries) {
      if (topLevel && this.options.ignore?.includes(key)) continue;
      const aliasTarget = topLevel ? ownValue(this.options.aliases, key) : undefined;
      const path = aliasTarget ?? (prefix ? `${prefix}.${key}` : key);
      const spec = aliasTarget ? fieldAt(this.rootSchema, aliasTarget) : ownValue(schema, key);
      if (spec === undefined) {
        const shown = prefix ? `${prefix}.${key}` : key;
        const hint =
          didYouMean(key, [...Object.keys(schema), ...(topLevel ? Object.keys(this.options.aliases ?? {}) : [])]) ??
          `known keys: ${Object.keys(schema).join(', ')}`;
        this.diagnostics.push(
          diagnostic(
            file,
            yaml.positionOf(keyNode),
            this.options.unknownKeyRule,
            `unknown key \`${shown}\` in ${this.options.what}`,
            hint,
          ),
        );
        continue;
      }
      if (aliasTarget !== undefined) {
        this.report(keyNode, 'legacy-key', `\`${key}\` is the old name of \`${aliasTarget}\``, `podsite reads it through \`frontMatter.aliases\`; \`${aliasTarget}\` works everywhere`);
      }
      if (this.assigned.has(path)) {
        this.report(keyNode, 'alias-conflict', `\`${key}\` sets \`${path}\` a second time; the first value is kept`);
        continue;
      }
      const value = this.readValue(yaml.resolve(valueNode), spec.type, path);
      // An empty value keeps its position, so a later "missing" diagnostic can point at it.
      if (!this.positions.has(path) || value !== undefined) this.positions.set(path, yaml.positionOf(valueNode ?? keyNode));
      if (value === undefined) continue;
      this.assigned.add(path);
      setPath(result, aliasTarget ? aliasTarget : key, value);
    }
    const missing = Object.entries(schema)
      .filter(([key, spec]) => spec.required && !(key in result))
      .map(([key]) => (prefix ? `${prefix}.${key}` : key));
    if (missing.length > 0) {
      const s = missing.length > 1 ? 's' : '';
      // A key written with nothing after it is where the value is missing; else the whole mapping.
      const emptyKey = missing.find((key) => this.positions.has(key));
      this.diagnostics.push(
        diagnostic(
          this.options.file,
          emptyKey === undefined ? yaml.positionOf(node) : this.positions.get(emptyKey)!,
          'missing-field',
          `${this.options.what} is missing the required field${s} ${missing.map((m) => `\`${m}\``).join(', ')}`,
        ),
      );
    }
    return result;
  }

  private readValue(node: YamlNode | null, type: FieldType, path: string): unknown {
    // `audio:` with nothing under it is an absent value, like `tags:` with nothing after it.
    if (scalarOf(node)?.value === null) return undefined;
    if (type.kind === 'object') return this.readObject(node, type.fields, path, false);
    if (type.kind === 'string-map') return this.readStringMap(node, path);
    if (type.kind === 'string-list') return this.readStringList(node, type, path);
    if (type.kind === 'list') return this.readList(node, type, path);
    if (type.kind === 'text-or-object') return this.readTextOrObject(node, type, path);
    const scalar = scalarOf(node);
    const wrong = (extraHint?: string) => {
      const shown = scalar ? ` (found \`${scalar.source}\`)` : '';
      this.report(node, 'wrong-type', `\`${path}\` must be ${describe(type)}${shown}`, extraHint);
      return undefined;
    };
    if (scalar === undefined) return wrong();
    if (scalar.value === null) return undefined;
    switch (type.kind) {
      case 'string':
        return typeof scalar.value === 'string' ? scalar.value : scalar.source;
      case 'string-or-number':
        return typeof scalar.value === 'number' ? scalar.value : scalar.source;
      case 'integer': {
        const { value } = scalar;
        if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
          return wrong(typeof value === 'string' && /^\d+$/.test(value) ? 'remove the quotes' : undefined);
        }
        if (type.min !== undefined && value < type.min) return wrong();
        return value;
      }
      case 'boolean':
        if (typeof scalar.value === 'boolean') return scalar.value;
        return wrong(/^(yes|no|on|off|y|n)$/i.test(scalar.source) ? 'YAML 1.2 reads only `true` and `false` as booleans' : undefined);
      case 'enum': {
        if (typeof scalar.value === 'string' && type.values.includes(scalar.value)) return scalar.value;
        return wrong(didYouMean(scalar.source, type.values));
      }
    }
  }

  private readStringList(node: YamlNode | null, type: FieldType & { kind: 'string-list' }, path: string): string[] | undefined {
    const scalar = scalarOf(node);
    if (scalar !== undefined && scalar.value !== null && type.commaSeparated) {
      const items = commaSeparatedItems(scalar.source);
      const whole = this.options.yaml.positionOf(node);
      // Each item is placed where it was written when the value is on one line as typed (no escapes, no folding).
      const quote = scalar.quoted ? 1 : 0;
      const asTyped = whole.endLine === whole.line && whole.endColumn !== undefined && whole.endColumn - whole.column === scalar.source.length + 2 * quote;
      items.forEach((item, index) => {
        const column = whole.column + quote + item.offset;
        this.positions.set(`${path}.${index}`, asTyped ? { line: whole.line, column, endLine: whole.line, endColumn: column + item.text.length } : whole);
      });
      return items.map((item) => item.text);
    }
    const items = sequenceItems(node);
    if (items === undefined) {
      if (scalar?.value === null) return undefined;
      this.report(node, 'wrong-type', `\`${path}\` must be ${describe(type)}`);
      return undefined;
    }
    const list: string[] = [];
    for (const [index, item] of items.map((node) => this.options.yaml.resolve(node)).entries()) {
      this.positions.set(`${path}.${index}`, this.options.yaml.positionOf(item));
      const itemScalar = scalarOf(item);
      if (itemScalar === undefined || itemScalar.value === null) {
        this.report(item, 'wrong-type', `each item of \`${path}\` must be a text`);
        continue;
      }
      list.push(typeof itemScalar.value === 'string' ? itemScalar.value : itemScalar.source);
    }
    return list;
  }

  /**
   * Items are placed at `path.0`, `path.1`…, a single value written without the list at `path.0`
   * too, so that later checks find every item the same way.
   */
  private readList(node: YamlNode | null, type: FieldType & { kind: 'list' }, path: string): unknown[] | undefined {
    const items = sequenceItems(node);
    if (items === undefined) {
      if (!type.single) {
        this.report(node, 'wrong-type', `\`${path}\` must be ${describe(type)}`);
        return undefined;
      }
      const value = this.readItem(node, type.item, `${path}.0`);
      return value === undefined ? undefined : [value];
    }
    const list: unknown[] = [];
    for (const [index, item] of items.entries()) {
      const value = this.readItem(this.options.yaml.resolve(item), type.item, `${path}.${index}`);
      if (value !== undefined) list.push(value);
    }
    return list;
  }

  private readItem(node: YamlNode | null, type: FieldType, path: string): unknown {
    this.positions.set(path, this.options.yaml.positionOf(node));
    // An empty item would shift the places of the items after it: it is an error, not an absence.
    if (scalarOf(node)?.value === null) {
      this.report(node, 'wrong-type', `\`${path}\` is empty; it must be ${describe(type)}`);
      return undefined;
    }
    return this.readValue(node, type, path);
  }

  private readTextOrObject(node: YamlNode | null, type: FieldType & { kind: 'text-or-object' }, path: string): Record<string, unknown> | undefined {
    if (mappingEntries(node) !== undefined) return this.readObject(node, type.fields, path, false);
    const shorthand = type.fields[type.shorthand];
    if (shorthand === undefined) throw new Error(`internal: \`${type.shorthand}\` is not a field of \`${path}\``);
    if (scalarOf(node) === undefined) {
      this.report(node, 'wrong-type', `\`${path}\` must be ${describe(type)}`);
      return undefined;
    }
    const value = this.readValue(node, shorthand.type, `${path}.${type.shorthand}`);
    this.positions.set(`${path}.${type.shorthand}`, this.options.yaml.positionOf(node));
    return value === undefined ? undefined : { [type.shorthand]: value };
  }

  private readStringMap(node: YamlNode | null, path: string): Record<string, string> | undefined {
    const entries = mappingEntries(node);
    if (entries === undefined) {
      this.report(node, 'wrong-type', `\`${path}\` must be a mapping of keys to values`);
      return undefined;
    }
    const map: Record<string, string> = Object.create(null);
    for (const { key, keyNode, valueNode } of entries) {
      // Each entry's key and value are placed, so a later check can point at the one at fault.
      this.positions.set(keyPositionPath(`${path}.${key}`), this.options.yaml.positionOf(keyNode));
      this.positions.set(`${path}.${key}`, this.options.yaml.positionOf(valueNode ?? keyNode));
      const scalar = scalarOf(this.options.yaml.resolve(valueNode));
      if (scalar === undefined || scalar.value === null) {
        this.report(valueNode, 'wrong-type', `\`${path}.${key}\` must be a text`);
        continue;
      }
      map[key] = typeof scalar.value === 'string' ? scalar.value : scalar.source;
    }
    return map;
  }

  private report(node: YamlNode | null, rule: RuleId, message: string, hint?: string): void {
    this.diagnostics.push(diagnostic(this.options.file, this.options.yaml.positionOf(node), rule, message, hint));
  }
}

/** `a, b ,, c` → `a`, `b`, `c`, each with its offset in the text. */
function commaSeparatedItems(text: string): { text: string; offset: number }[] {
  const items: { text: string; offset: number }[] = [];
  let start = 0;
  for (const part of text.split(',')) {
    const trimmed = part.trim();
    if (trimmed.length > 0) items.push({ text: trimmed, offset: start + part.indexOf(trimmed) });
    start += part.length + 1;
  }
  return items;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.at(-1)!;
  let cursor = target;
  for (const key of keys.slice(0, -1)) {
    const next = cursor[key];
    if (typeof next === 'object' && next !== null) {
      cursor = next as Record<string, unknown>;
    } else {
      const created: Record<string, unknown> = {};
      cursor[key] = created;
      cursor = created;
    }
  }
  const existing = cursor[last];
  // An alias such as `mp3_length` may have filled `audio.length` before the `audio:` block is read.
  cursor[last] = isPlainObject(existing) && isPlainObject(value) ? { ...value, ...existing } : value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
