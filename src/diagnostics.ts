import { RULES, SEVERITY_OF_SETTING, type RuleId, type RuleSetting, type Severity } from './rules.js';
import { compareText } from './text.js';

export type { Severity } from './rules.js';

/** A problem found in the user's input. Stages return these as values; only internal bugs throw. */
export interface Diagnostic {
  /** Path relative to the project root, with forward slashes; empty for problems with no file. */
  file: string;
  /** 1-based; 0 when the problem concerns the whole file. */
  line: number;
  column: number;
  /** Where the offending text ends, when known (for editors). */
  endLine?: number;
  endColumn?: number;
  severity: Severity;
  rule: RuleId;
  message: string;
  hint?: string;
}

/** A stage's value travels with the diagnostics found while computing it. */
export interface Result<T> {
  value: T;
  diagnostics: Diagnostic[];
}

export interface Position {
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

/** A problem of the user's input, with the default severity of its rule. */
export function diagnostic(file: string, position: Position, rule: RuleId, message: string, hint?: string): Diagnostic {
  const found: Diagnostic = { file, line: position.line, column: position.column, severity: RULES[rule].severity, rule, message };
  if (position.endLine !== undefined && position.endColumn !== undefined) {
    found.endLine = position.endLine;
    found.endColumn = position.endColumn;
  }
  if (hint !== undefined) found.hint = hint;
  return found;
}

/** An error of a rule that guards a value the build needs: the file or setting cannot be used. */
export function blocksValue(d: Diagnostic): boolean {
  return d.severity === 'error' && !RULES[d.rule].configurable;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Sorted by file, then position, so reports are stable whatever order stages ran in. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => compareText(a.file, b.file) || a.line - b.line || a.column - b.column || compareText(a.rule, b.rule),
  );
}

/** The severities that `rules:` in the settings gives, with `off` rules left out. */
export function applyRuleSettings(diagnostics: readonly Diagnostic[], rules: Partial<Record<RuleId, RuleSetting>>): Diagnostic[] {
  const adjusted: Diagnostic[] = [];
  for (const d of diagnostics) {
    const setting = rules[d.rule];
    if (setting === undefined) adjusted.push(d);
    else if (setting !== 'off') adjusted.push({ ...d, severity: SEVERITY_OF_SETTING[setting] });
  }
  return adjusted;
}
