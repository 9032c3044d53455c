import { LineCounter, isAlias, isCollection, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { diagnostic, type Diagnostic, type Position } from './diagnostics.js';
import { inputLimitDefaults, type InputLimits } from './input-limits.js';
import type { RuleId } from './rules.js';

export type YamlNode = Node;

export interface ParsedYaml {
  root: YamlNode | null;
  diagnostics: Diagnostic[];
  /** Position of a node in the whole file (not in the YAML fragment), with its end. */
  positionOf(node: YamlNode | null | undefined): Position;
  /** The node an alias (`*name`) stands for; any other node as it is. */
  resolve(node: YamlNode | null): YamlNode | null;
}

export interface YamlSource {
  file: string;
  text: string;
  /** Lines of the file before the YAML text starts (front matter is preceded by `---`). */
  lineOffset?: number;
  /** `limits.yamlAliases` and `limits.yamlDepth`; the settings file itself is read with the defaults. */
  limits?: Partial<Pick<InputLimits, 'yamlAliases' | 'yamlDepth'>>;
}

/**
 * YAML 1.2 core schema on purpose: `no` stays a string, `1:05:43` is not a number, and
 * `2021-02-30` is not silently turned into March 2 (the date is checked by its own rule).
 */
export function parseYaml({ file, text, lineOffset = 0, limits = {} }: YamlSource): ParsedYaml {
  const MAX_DEPTH = limits.yamlDepth ?? inputLimitDefaults.yamlDepth;
  const MAX_ALIASES = limits.yamlAliases ?? inputLimitDefaults.yamlAliases;
  const lineCounter = new LineCounter();
  const tooDeep = flowNestingBeyond(text, MAX_DEPTH);
  if (tooDeep !== undefined) {
    // Checked before parsing: the yaml package can exhaust memory on thousands of nested brackets.
    lineCounter.addNewLine(0);
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
    const { line, col } = lineCounter.linePos(tooDeep);
    return {
      root: null,
      diagnostics: [diagnostic(file, { line: line + lineOffset, column: col }, 'yaml-too-deep', `the YAML is nested more than ${MAX_DEPTH} levels deep`, DEPTH_HINT)],
      positionOf: () => ({ line: 1 + lineOffset, column: 1 }),
      resolve: () => null,
    };
  }
  const document = parseDocument(text, {
    version: '1.2',
    schema: 'core',
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const positionAt = (offset: number, end?: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    const position: Position = { line: line + lineOffset, column: col };
    if (end !== undefined && end > offset) {
      const last = lineCounter.linePos(end);
      position.endLine = last.line + lineOffset;
      position.endColumn = last.col;
    }
    return position;
  };
  const diagnostics: Diagnostic[] = [];
  const shape = documentShape(document);
  if (shape.aliases > MAX_ALIASES) {
    diagnostics.push(diagnostic(file, positionAt(shape.firstAliasOffset), 'yaml-alias-limit', `the YAML uses ${shape.aliases} aliases; podsite reads at most ${MAX_ALIASES}`, 'write the values out instead of repeating `*name`, or raise `limits.yamlAliases` in the settings'));
  }
  if (shape.depth > MAX_DEPTH) {
    diagnostics.push(diagnostic(file, positionAt(shape.deepestOffset), 'yaml-too-deep', `the YAML is nested more than ${MAX_DEPTH} levels deep`, DEPTH_HINT));
  }
  for (const error of document.errors) {
    const rule = YAML_ERROR_RULES[error.code] ?? 'yaml-syntax';
    diagnostics.push(diagnostic(file, positionAt(error.pos[0]), rule, firstLine(error.message), yamlHint(error.code)));
  }
  for (const warning of document.warnings) {
    diagnostics.push(diagnostic(file, positionAt(warning.pos[0]), 'yaml-warning', firstLine(warning.message), 'podsite reads plain YAML: remove the tag'));
  }
  return {
    root: diagnostics.some((d) => d.severity === 'error') ? null : (document.contents as YamlNode | null),
    diagnostics,
    positionOf: (node) => (node?.range ? positionAt(node.range[0], node.range[1]) : { line: 1 + lineOffset, column: 1 }),
    resolve: (node) => (isAlias(node) ? ((node.resolve(document) as YamlNode | undefined) ?? null) : node),
  };
}

const DEPTH_HINT = 'flatten the value (no podsite field needs more than two levels), or raise `limits.yamlDepth` in the settings';

const YAML_ERROR_RULES: Readonly<Record<string, RuleId>> = {
  DUPLICATE_KEY: 'duplicate-key',
  TAB_AS_INDENT: 'yaml-tab',
  RESOURCE_EXHAUSTION: 'yaml-too-deep',
};

/** The offset at which `[`/`{` nesting goes past `limit`, outside quotes and comments; undefined if never. */
function flowNestingBeyond(text: string, limit: number): number | undefined {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      if (depth > 0 || /[\s:\-,[{]/.test(text[i - 1] ?? ' ')) quote = c;
    } else if (c === '#' && /\s/.test(text[i - 1] ?? ' ')) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
    } else if (c === '[' || c === '{') {
      if (++depth > limit) return i;
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--;
    }
  }
  return undefined;
}

/** Counts aliases and measures nesting without recursion, so that no input can overflow the stack. */
function documentShape(document: Document): { aliases: number; firstAliasOffset: number; depth: number; deepestOffset: number } {
  const shape = { aliases: 0, firstAliasOffset: 0, depth: 0, deepestOffset: 0 };
  // The top-level mapping is level 0, so that the limit counts brackets as the scan before parsing does.
  const stack: [unknown, number][] = [[document.contents, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    const offset = (node as { range?: [number, number] } | null)?.range?.[0] ?? 0;
    // The walk is in no particular order: keep the earliest offset, which is what a reader looks for.
    if (isAlias(node)) {
      shape.firstAliasOffset = shape.aliases++ === 0 ? offset : Math.min(shape.firstAliasOffset, offset);
    } else if (isPair(node)) {
      stack.push([node.key, depth], [node.value, depth]);
    } else if (isCollection(node)) {
      if (depth > shape.depth || (depth === shape.depth && offset < shape.deepestOffset)) {
        shape.depth = depth;
        shape.deepestOffset = offset;
      }
      for (const item of node.items) stack.push([item, depth + 1]);
    }
  }
  return shape;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function yamlHint(code: string): string | undefined {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'remove one of the two keys';
    case 'TAB_AS_INDENT':
      return 'indent YAML with spaces, not tabs';
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MISSING_CHAR':
      return 'a value with a colon followed by a space must be quoted';
    default:
      return undefined;
  }
}

export interface MappingEntry {
  key: string;
  keyNode: YamlNode;
  valueNode: YamlNode | null;
}

/** Entries of a YAML mapping, in source order; undefined when the node is not a mapping. */
export function mappingEntries(node: YamlNode | null): MappingEntry[] | undefined {
  if (!isMap(node)) return undefined;
  const entries: MappingEntry[] = [];
  for (const pair of node.items as Pair<YamlNode, YamlNode | null>[]) {
    const keyNode = pair.key;
    const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
    entries.push({ key, keyNode, valueNode: pair.value ?? null });
  }
  return entries;
}

export function sequenceItems(node: YamlNode | null): YamlNode[] | undefined {
  return isSeq(node) ? (node.items as YamlNode[]) : undefined;
}

export type ScalarValue = string | number | boolean | null;

export interface Scalar {
  value: ScalarValue;
  /** The characters as written, so a string field keeps `1984` or `no` exactly. */
  source: string;
  quoted: boolean;
}

export function scalarOf(node: YamlNode | null): Scalar | undefined {
  if (node === null) return { value: null, source: '', quoted: false };
  if (!isScalar(node)) return undefined;
  const value = node.value;
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  const source = typeof node.source === 'string' ? node.source : String(value);
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return { value, source, quoted };
  }
  return { value: String(value), source, quoted };
}
