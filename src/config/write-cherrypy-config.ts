// The operator's CherryPy config file with some server.* values replaced: every other line —
// comments, other keys, application sections, line endings — stays as written, so the app
// started by cpdiag runs with its own configuration except for the setting being measured.
// A key already in [global] is rewritten in place (its continuation lines dropped); a missing
// one is added at the end of [global] (a [global] section is added when there is none).
// A [DEFAULT] key is overridden by the [global] one, as configparser gives a section's own key
// precedence. server.bind_addr and server.socket_file would override socket_host/socket_port
// (CherryPy applies keys in order), so they are rewritten to agree.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseCherryPyConfig, type CherryPyConfig } from './cherrypy-config.js';
import { pyStrip, type IniOption } from './ini-file.js';
import { formatPythonLiteral } from './python-literal.js';
import { CPDIAG_OWN_SETTINGS, DEFAULT_SETTINGS, type ServerSettings } from './settings.js';

interface Line {
  text: string;
  eol: string;
}

/** Returns `original` (a CherryPy config file's text, or undefined for none) with the values applied. */
export function writeCherryPyConfig(original: string | undefined, values: Partial<ServerSettings>, fileName = 'config'): string {
  const text = original ?? '';
  const config = parseCherryPyConfig(text, fileName);
  const keys = serverKeysFor(config, values);
  if (keys.size === 0) return text;
  const lines = splitKeepingEol(text);
  const eol = /\r\n/.test(text) ? '\r\n' : /\r(?!\n)/.test(text) && !/\n/.test(text) ? '\r' : '\n';
  const global = config.ini.sections.find((s) => s.name === 'global');
  const render = (key: string, source: string) => `${key} = ${source}`;

  if (!global) {
    // A section of its own at the top: before [DEFAULT] or any application section.
    const block = ['# server settings written by cpdiag', '[global]', ...[...keys].map(([k, v]) => render(k, v)), ...(lines.length > 0 ? [''] : [])].map((t) => ({ text: t, eol }));
    return joinLines([...block, ...lines]);
  }

  // Replace in place, last line first so that earlier line numbers stay valid.
  const replaced = new Map<number, { option: IniOption; text: string }>();
  const added: [string, string][] = [];
  for (const [key, value] of keys) {
    const option = global.options.get(key);
    if (option) replaced.set(option.line, { option, text: lines[option.line - 1].text.slice(0, option.valueColumn) + value });
    else added.push([key, value]);
  }
  const drop = new Set<number>();
  for (const { option } of replaced.values()) for (const l of option.valueLines) if (l !== option.line) drop.add(l);

  const own = [...global.options.values()];
  const after = own.length > 0 ? Math.max(...own.map((o) => o.valueLines[o.valueLines.length - 1])) : global.line;
  const indent = insertionIndent(lines, own, after);
  const out: Line[] = [];
  lines.forEach((line, i) => {
    const lineNo = i + 1;
    if (drop.has(lineNo)) return;
    const r = replaced.get(lineNo);
    out.push(r ? { text: r.text, eol: line.eol } : line);
    if (lineNo === after && added.length > 0) {
      if (out[out.length - 1].eol === '') out[out.length - 1] = { ...out[out.length - 1], eol };
      for (const [k, v] of added) out.push({ text: indent + render(k, v), eol });
    }
  });
  return joinLines(out);
}

/** The server.* keys to write, as Python source: the values given, plus bind_addr/socket_file when they would override them. */
function serverKeysFor(config: CherryPyConfig, values: Partial<ServerSettings>): Map<string, string> {
  const keys = new Map<string, string>();
  for (const [name, value] of Object.entries(values)) {
    // gil, model and processes are cpdiag's own settings: CherryPy has no such keys.
    if (CPDIAG_OWN_SETTINGS.includes(name) || value === undefined) continue;
    keys.set(`server.${name}`, formatPythonLiteral(value));
  }
  if (values.socket_host !== undefined || values.socket_port !== undefined) {
    const global = config.sections.find((s) => s.name === 'global');
    const entry = (key: string) => global?.entries.find((e) => e.key === key);
    const host = values.socket_host ?? config.settings.socket_host ?? DEFAULT_SETTINGS.socket_host;
    const port = values.socket_port ?? config.settings.socket_port ?? DEFAULT_SETTINGS.socket_port;
    if (entry('server.bind_addr')) keys.set('server.bind_addr', `(${formatPythonLiteral(host)}, ${formatPythonLiteral(port)})`);
    const socketFile = entry('server.socket_file');
    if (socketFile && socketFile.value.type !== 'none') keys.set('server.socket_file', 'None');
  }
  // configparser interpolates %(name)s in every value: a literal % is written %%.
  return new Map([...keys].map(([k, v]) => [k, v.replace(/%/g, '%%')]));
}

/**
 * A new line must not become a continuation line of the key above (it is not indented deeper than
 * that key), nor turn the next line into its own continuation (it is indented at least as deep).
 */
function insertionIndent(lines: Line[], own: IniOption[], after: number): string {
  const keyLine = own.length > 0 ? lines[Math.max(...own.map((o) => o.line)) - 1].text : lines[after - 1].text;
  let width = keyLine.length - keyLine.replace(/^[ \t]+/, '').length;
  for (let i = after; i < lines.length; i++) {
    const t = lines[i].text;
    const s = pyStrip(t);
    if (s === '' || s.startsWith('#') || s.startsWith(';')) continue;
    width = Math.max(width, t.length - t.replace(/^[ \t]+/, '').length);
    break;
  }
  return ' '.repeat(width);
}

function splitKeepingEol(text: string): Line[] {
  if (text === '') return [];
  const parts = text.split(/(\r\n|\r|\n)/);
  const lines: Line[] = [];
  for (let i = 0; i < parts.length; i += 2) lines.push({ text: parts[i], eol: parts[i + 1] ?? '' });
  if (lines.length > 1 && lines[lines.length - 1].text === '' && lines[lines.length - 1].eol === '') lines.pop();
  return lines;
}

function joinLines(lines: Line[]): string {
  return lines.map((l) => l.text + l.eol).join('');
}

/** Writes `destPath`: the file at `sourcePath` (or an empty one) with the values applied. */
export function writeCherryPyConfigFile(sourcePath: string | undefined, values: Partial<ServerSettings>, destPath: string): void {
  const original = sourcePath === undefined ? undefined : readFileSync(sourcePath, 'utf8');
  writeFileSync(destPath, writeCherryPyConfig(original, values, sourcePath ?? destPath));
}
