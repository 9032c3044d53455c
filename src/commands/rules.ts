import type { CliIo, CommandOptions } from '../cli.js';
import { RULES } from '../rules.js';

/** Every rule, grouped, with its default severity: what `rules:` in podsite.yaml can change. */
export async function runRules(options: CommandOptions, io: CliIo): Promise<number> {
  // A group's rules together, groups in the order they first appear: rules may be declared in blocks added apart.
  const order = [...new Set(Object.values(RULES).map((rule) => rule.group))];
  const rules = Object.entries(RULES)
    .map(([id, rule]) => ({ id, ...rule }))
    .sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group));
  if (options.format === 'json') {
    io.stdout(JSON.stringify(rules, null, 2));
    return 0;
  }
  const width = Math.max(...rules.map((r) => r.id.length));
  let group = '';
  const lines: string[] = [];
  for (const rule of rules) {
    if (rule.group !== group) {
      group = rule.group;
      lines.push('', `${group[0]!.toUpperCase()}${group.slice(1)}`);
    }
    const severity = `${rule.severity}${rule.configurable ? '' : ' (fixed)'}`.padEnd(15);
    lines.push(`  ${rule.id.padEnd(width)}  ${severity} ${rule.description}`);
  }
  lines.push('', 'Change a severity in podsite.yaml: rules: { duplicate-episode-number: error, episode-number-gap: off }');
  io.stdout(lines.join('\n').trimStart());
  return 0;
}
