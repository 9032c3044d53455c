import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node, type Pair } from 'yaml';
import { diagnostic, type Diagnostic, type Position } from './diagnostics.js';

export type YamlNode = Node;

export interface ParsedYaml {
  root: YamlNode | null;
  diagnostics: Diagnostic[];
  /** Position of a node in the whole file (not in the YAML fragment). */
  positionOf(node: YamlNode | null | undefined): Position;
}

export interface YamlSource {
  file: string;
  text: string;
  /** Lines of the file before the YAML text starts (front matter is preceded by `---`). */
  lineOffset?: number;
}

/**
 * YAML 1.2 core schema on purpose: `no` stays a string, `1:05:43` is not a number, and
 * `2021-02-30` is not silently turned into March 2 (the date is checked by its own rule).
 */
export function parseYaml({ file, text, lineOffset = 0 }: YamlSource): ParsedYaml {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    version: '1.2',
    schema: 'core',
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const positionAt = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: line + lineOffset, column: col };
  };
  const diagnostics: Diagnostic[] = [];
  for (const error of document.errors) {
    const rule = error.code === 'DUPLICATE_KEY' ? 'duplicate-key' : error.code === 'TAB_AS_INDENT' ? 'yaml-tab' : 'yaml-syntax';
    diagnostics.push(diagnostic(file, positionAt(error.pos[0]), rule, firstLine(error.message), yamlHint(error.code)));
  }
  for (const warning of document.warnings) {
    diagnostics.push(diagnostic(file, positionAt(warning.pos[0]), 'yaml-syntax', firstLine(warning.message)));
  }
  return {
    root: document.errors.length > 0 ? null : (document.contents as YamlNode | null),
    diagnostics,
    positionOf: (node) => (node?.range ? positionAt(node.range[0]) : { line: 1 + lineOffset, column: 1 }),
  };
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
