/**
 * .helmignore rules, with Helm's semantics (pkg/ignore): one shell pattern per line, `#`
 * comments, `!` negation, a trailing `/` matches directories only, a leading `/` anchors the
 * pattern at the chart root, a pattern containing `/` matches the whole path, otherwise only
 * the base name. `**` is rejected. The default rule `templates/.?*` ignores hidden templates.
 */
import { BadPatternError, basePath, goMatch } from './match.js';

interface Rule {
  raw: string;
  negate: boolean;
  mustDir: boolean;
  match: (path: string) => boolean;
}

export class IgnoreRules {
  private readonly rules: Rule[] = [];

  static parse(text: string, file = '.helmignore'): IgnoreRules {
    const r = new IgnoreRules();
    const lines = text.split(/\r?\n/);
    lines.forEach((line, i) => r.add(line, `${file}:${i + 1}`));
    return r;
  }

  /** Adds Helm's default rules. */
  addDefaults(): this {
    this.add('templates/.?*', 'default');
    return this;
  }

  add(line: string, where = ''): void {
    let rule = line.trim();
    if (rule === '' || rule.startsWith('#')) return;
    // helm's texts, followed by where the rule is
    if (rule.includes('**')) throw new Error(`double-star (**) syntax is not supported (${where})`);
    try {
      goMatch(rule, 'abc');
    } catch (e) {
      if (e instanceof BadPatternError) throw new Error(`syntax error in pattern (${where}: ${rule})`);
      throw e;
    }
    const raw = rule;
    let negate = false;
    let mustDir = false;
    if (rule.startsWith('!')) {
      negate = true;
      rule = rule.slice(1);
    }
    if (rule.endsWith('/')) {
      mustDir = true;
      rule = rule.slice(0, -1);
    }
    let match: (p: string) => boolean;
    if (rule.startsWith('/')) {
      const anchored = rule.replace(/^\/+/, '');
      match = (p) => safeMatch(anchored, p);
    } else if (rule.includes('/')) {
      match = (p) => safeMatch(rule, p);
    } else {
      match = (p) => safeMatch(rule, basePath(p));
    }
    this.rules.push({ raw, negate, mustDir, match });
  }

  /** Whether the chart-relative path (forward slashes) should be skipped. */
  ignore(path: string, isDir: boolean): boolean {
    if (path === '' || path === '.' || path === './') return false;
    for (const r of this.rules) {
      if (r.negate) {
        if (r.mustDir && !isDir) return true;
        if (!r.match(path)) return true;
        continue;
      }
      if (r.mustDir && !isDir) continue;
      if (r.match(path)) return true;
    }
    return false;
  }
}

function safeMatch(pattern: string, name: string): boolean {
  try {
    return goMatch(pattern, name);
  } catch {
    return false;
  }
}
