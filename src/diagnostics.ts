export type Severity = 'error' | 'warning';

/** A problem found in the user's input. Stages return these as values; only internal bugs throw. */
export interface Diagnostic {
  /** Path relative to the project root, with forward slashes; empty for problems with no file. */
  file: string;
  /** 1-based; 0 when the problem concerns the whole file. */
  line: number;
  column: number;
  severity: Severity;
  rule: string;
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
}

export const NO_POSITION: Position = { line: 0, column: 0 };

export function diagnostic(
  file: string,
  position: Position,
  severity: Severity,
  rule: string,
  message: string,
  hint?: string,
): Diagnostic {
  const found: Diagnostic = { file, line: position.line, column: position.column, severity, rule, message };
  if (hint !== undefined) found.hint = hint;
  return found;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Sorted by file, then position, so reports are stable whatever order stages ran in. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule),
  );
}
