// An ini file read exactly as CherryPy's config parser reads it: cherrypy.lib.reprconf.Parser is
// Python's configparser.ConfigParser with its defaults (strict, `=` and `:` delimiters, `#` and
// `;` comments on their own line only — no inline comments —, empty lines kept inside values,
// BasicInterpolation of %(name)s, a [DEFAULT] section inherited by every section) except that
// keys keep their case. The line rules below follow configparser's RawConfigParser._read.
// Values stay text here; cherrypy-config.ts turns them into Python values.

/** Python's str.isspace() characters (JavaScript's \s differs: it has \ufeff, lacks \x1c-\x1f and \x85). */
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');
const RSTRIP = new RegExp(`[${PY_SPACE}]+$`);
const NON_SPACE = new RegExp(`[^${PY_SPACE}]`);
/** configparser's SECTCRE: `\[(?P<header>.+)\]`, matched at the start (greedy: up to the last `]`). */
const SECTION_HEADER = /^\[([^\n]+)\]/;
/** configparser's OPTCRE: the key is everything before the first `=` or `:`. */
const OPTION_LINE = new RegExp(`^([\\s\\S]*?)[${PY_SPACE}]*([=:])[${PY_SPACE}]*([\\s\\S]*)$`);
const DEFAULT_SECTION = 'DEFAULT';
const MAX_INTERPOLATION_DEPTH = 10;

export function pyStrip(s: string): string {
  return s.replace(STRIP, '');
}

export interface IniOption {
  key: string;
  /** The value as configparser joins it: lines stripped, joined with "\n", trailing blank lines dropped. */
  raw: string;
  /** 1-based line of `key = value`. */
  line: number;
  /** 1-based lines that make up the value (the key line, continuation lines and blank lines between them). */
  valueLines: number[];
  /** Where the value starts on the key line (0-based column), for rewriting it. */
  valueColumn: number;
  section: string;
}

export interface IniSection {
  name: string;
  /** 1-based line of the first `[name]` header. */
  line: number;
  options: Map<string, IniOption>;
}

export interface IniFile {
  /** Sections in file order; [DEFAULT] is not one of them (as in configparser). */
  sections: IniSection[];
  defaults: IniSection;
  lines: string[];
}

export type IniErrorKind = 'missing-section-header' | 'duplicate-section' | 'duplicate-option' | 'parsing' | 'interpolation';

/** The file is refused as configparser refuses it; `line` is 1-based where known. */
export class IniError extends Error {
  constructor(message: string, readonly kind: IniErrorKind, readonly line?: number) {
    super(message);
    this.name = 'IniError';
  }
}

/** Python's universal newlines: \r\n, \r and \n all end a line; a final newline adds no line. */
export function splitPythonLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function readIniFile(text: string): IniFile {
  const lines = splitPythonLines(text);
  const sections = new Map<string, IniSection>();
  const defaults: IniSection = { name: DEFAULT_SECTION, line: 0, options: new Map() };
  const added = new Set<string>();
  const pending: { option: IniOption; parts: string[] }[] = [];
  const partsOf = new Map<IniOption, string[]>();
  let current: IniSection | undefined;
  let currentOption: IniOption | undefined;
  let indentLevel = 0;
  const parseErrors: number[] = [];

  lines.forEach((line, index) => {
    const lineNo = index + 1;
    const stripped = pyStrip(line);
    // Only whole-line comments: configparser's inline_comment_prefixes is None.
    const isComment = stripped.startsWith('#') || stripped.startsWith(';');
    const value = isComment ? '' : stripped;
    if (value === '') {
      // A blank line (not a comment line) belongs to the value being read, if any.
      if (!isComment && current && currentOption && currentOption.key !== '') {
        partsOf.get(currentOption)!.push('');
        currentOption.valueLines.push(lineNo);
      }
      return;
    }
    const firstNonSpace = line.search(NON_SPACE);
    const indent = firstNonSpace < 0 ? 0 : firstNonSpace;
    if (current && currentOption && currentOption.key !== '' && indent > indentLevel) {
      partsOf.get(currentOption)!.push(value);
      currentOption.valueLines.push(lineNo);
      return;
    }
    indentLevel = indent;
    const header = SECTION_HEADER.exec(value);
    if (header) {
      const name = header[1];
      const existing = sections.get(name);
      if (existing) {
        throw new IniError(`section [${name}] appears twice (first on line ${existing.line}); CherryPy's parser refuses duplicate sections`, 'duplicate-section', lineNo);
      } else if (name === DEFAULT_SECTION) {
        current = defaults;
        if (defaults.line === 0) defaults.line = lineNo;
      } else {
        current = { name, line: lineNo, options: new Map() };
        sections.set(name, current);
        added.add(name);
      }
      currentOption = undefined;
      return;
    }
    if (!current) {
      throw new IniError(`"${stripped}" comes before any [section]; CherryPy's config files need a section header first, e.g. [global]`, 'missing-section-header', lineNo);
    }
    const m = OPTION_LINE.exec(value);
    if (!m) {
      // configparser keeps going (and keeps the option being read) and raises at the end.
      parseErrors.push(lineNo);
      return;
    }
    const key = m[1].replace(RSTRIP, '');
    if (key === '') parseErrors.push(lineNo);
    const id = `${current.name}\u0000${key}`;
    if (added.has(id)) {
      const first = current.options.get(key);
      throw new IniError(`${key} appears twice in [${current.name}]${first ? ` (first on line ${first.line})` : ''}; CherryPy's parser refuses duplicate keys`, 'duplicate-option', lineNo);
    }
    added.add(id);
    const option: IniOption = {
      key,
      raw: '',
      line: lineNo,
      valueLines: [lineNo],
      valueColumn: indent + value.length - m[3].length,
      section: current.name,
    };
    current.options.set(key, option);
    partsOf.set(option, [pyStrip(m[3])]);
    pending.push({ option, parts: partsOf.get(option)! });
    currentOption = option;
  });

  for (const { option, parts } of pending) {
    option.raw = parts.join('\n').replace(RSTRIP, '');
    // Blank lines after the value are not part of it.
    const lastText = lastNonBlankLine(option, lines);
    option.valueLines = option.valueLines.filter((l) => l <= lastText);
  }
  if (parseErrors.length > 0) {
    const shown = parseErrors.map((l) => `line ${l}: "${pyStrip(lines[l - 1])}"`).join('; ');
    throw new IniError(`not "key = value" or "key: value" (${shown}); CherryPy's parser refuses such lines`, 'parsing', parseErrors[0]);
  }
  return { sections: [...sections.values()], defaults, lines };
}

function lastNonBlankLine(option: IniOption, lines: string[]): number {
  for (let i = option.valueLines.length - 1; i >= 0; i--) {
    const l = option.valueLines[i];
    if (pyStrip(lines[l - 1]) !== '') return l;
  }
  return option.line;
}

/** A section's options as configparser lists them: its own keys, then the [DEFAULT] keys it lacks. */
export function optionsOf(file: IniFile, section: IniSection): IniOption[] {
  const own = [...section.options.values()];
  const inherited = [...file.defaults.options.values()].filter((o) => !section.options.has(o.key));
  return [...own, ...inherited];
}

/** BasicInterpolation: %(key)s is the raw value of another key of the section (or [DEFAULT]); %% is %. */
export function interpolateOption(file: IniFile, section: IniSection, option: IniOption): string {
  const lookup = (key: string): string | undefined => (section.options.get(key) ?? file.defaults.options.get(key))?.raw;
  const out: string[] = [];
  interpolateInto(out, option, section.name, option.raw, lookup, 1);
  return out.join('');
}

function interpolateInto(out: string[], option: IniOption, sectionName: string, text: string, lookup: (k: string) => string | undefined, depth: number): void {
  const where = `${option.key} in [${sectionName}]`;
  if (depth > MAX_INTERPOLATION_DEPTH) {
    throw new IniError(`${where}: %(...)s references nest deeper than ${MAX_INTERPOLATION_DEPTH} (a loop?); CherryPy's parser refuses it`, 'interpolation', option.line);
  }
  let rest = text;
  while (rest) {
    const p = rest.indexOf('%');
    if (p < 0) {
      out.push(rest);
      return;
    }
    if (p > 0) {
      out.push(rest.slice(0, p));
      rest = rest.slice(p);
    }
    const c = rest.slice(1, 2);
    if (c === '%') {
      out.push('%');
      rest = rest.slice(2);
    } else if (c === '(') {
      const m = /^%\(([^)]+)\)s/.exec(rest);
      if (!m) throw new IniError(`${where}: bad %(name)s reference in "${rest}"; write %% for a literal %`, 'interpolation', option.line);
      rest = rest.slice(m[0].length);
      const v = lookup(m[1]);
      if (v === undefined) {
        throw new IniError(`${where}: %(${m[1]})s names no key of [${sectionName}] or [DEFAULT]; write %% for a literal %`, 'interpolation', option.line);
      }
      if (v.includes('%')) interpolateInto(out, option, sectionName, v, lookup, depth + 1);
      else out.push(v);
    } else {
      throw new IniError(`${where}: a % must be followed by % or (name)s, found "${rest}"; CherryPy's parser interpolates %(name)s, so write %% for a literal %`, 'interpolation', option.line);
    }
  }
}
