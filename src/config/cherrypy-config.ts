// A CherryPy config file, read with CherryPy's own semantics (cherrypy.lib.reprconf: configparser
// for the ini structure, unrepr for the values), then the [global] server.* keys turned into
// cpdiag's settings. What CherryPy refuses is refused here, with file:line and the reason;
// what CherryPy would silently ignore (a misspelt server.* key: its "server" namespace sets any
// attribute) is refused too, with a did-you-mean, because the operator's app would run without it.
//
// Sources: cherrypy/lib/reprconf.py (Parser, unrepr), cherrypy/_cpconfig.py (Config._apply:
// only [global] reaches cherrypy.config.update; environments; the server namespace handler),
// cherrypy/_cpchecker.py (site-wide keys in application sections), CherryPy 18.
import { MAX_INPUT_FILE_BYTES, readBoundedFile } from '../bounded-read.js';
import { CHERRYPY_ENVIRONMENTS, CHERRYPY_NAMESPACES, CHERRYPY_SERVER_KEYS, findServerKey, suggestClosest } from './cherrypy-keys.js';
import { IniError, interpolateOption, optionsOf, readIniFile, type IniFile, type IniOption, type IniSection } from './ini-file.js';
import { describePyValue, parsePythonValue, PythonValueError, pyTypeName, type PyValue } from './python-literal.js';
import { coerceSetting, CPDIAG_OWN_SETTINGS, findSetting, SettingsError, type ServerSettings, type SettingName } from './settings.js';

export interface CherryPyEntry {
  key: string;
  value: PyValue;
  /** 1-based line of the key (in [DEFAULT] when inherited). */
  line: number;
  /** Came from [DEFAULT] (configparser gives every section the [DEFAULT] keys it lacks). */
  inherited: boolean;
}

export interface CherryPyConfigSection {
  name: string;
  entries: CherryPyEntry[];
}

export interface CherryPyConfig {
  file: string;
  /** Every section as CherryPy's Parser.as_dict() returns it (no [DEFAULT]; its keys are in each section). */
  sections: CherryPyConfigSection[];
  /** The [global] server.* values cpdiag models, in cpdiag's types. */
  settings: Partial<ServerSettings>;
  /** Line of the key that set each setting. */
  settingLines: Partial<Record<SettingName, number>>;
  /** server.* keys CherryPy knows and cpdiag does not model (e.g. server.shutdown_timeout): ignored. */
  ignored: string[];
  /** Things CherryPy accepts but that probably do not do what was meant. */
  warnings: string[];
  ini: IniFile;
}

const SITE_WIDE_NAMESPACES = ['engine', 'server', 'tree', 'checker'];
const SERVER_NAMESPACE = 'server';

/**
 * The file as CherryPy's reprconf.Parser reads it (sections, keys, Python values), before any
 * meaning is given to the keys. Throws SettingsError ("file:line: ...") where CherryPy refuses it.
 */
export function readCherryPyConfigSections(text: string, fileName = 'config'): { ini: IniFile; sections: CherryPyConfigSection[]; warnings: string[] } {
  const at = (line: number | undefined) => (line ? `${fileName}:${line}` : fileName);
  if (text.startsWith('\ufeff')) {
    throw new SettingsError('the file starts with a byte-order mark, which CherryPy\'s parser reads as part of the first line (then "no section headers"); save it as UTF-8 without BOM', at(1));
  }
  let ini: IniFile;
  try {
    ini = readIniFile(text);
  } catch (e) {
    if (e instanceof IniError) throw new SettingsError(e.message, at(e.line));
    throw e;
  }
  const sections: CherryPyConfigSection[] = [];
  const warnings: string[] = [];
  for (const section of ini.sections) {
    const entries: CherryPyEntry[] = [];
    for (const option of optionsOf(ini, section)) {
      const value = readValue(ini, section, option, fileName, warnings);
      entries.push({ key: option.key, value, line: option.line, inherited: option.section !== section.name });
    }
    sections.push({ name: section.name, entries });
  }
  return { ini, sections, warnings };
}

/**
 * Parses a CherryPy config file's text and takes cpdiag's settings from its [global] server.*
 * keys. Throws SettingsError ("file:line: ...") where CherryPy refuses the file, and for a
 * server.* key CherryPy does not know.
 */
export function parseCherryPyConfig(text: string, fileName = 'config'): CherryPyConfig {
  const { ini, sections, warnings } = readCherryPyConfigSections(text, fileName);
  const config: CherryPyConfig = { file: fileName, sections, settings: {}, settingLines: {}, ignored: [], warnings, ini };
  const global = sections.find((s) => s.name === 'global');
  for (const section of sections) {
    if (section !== global) checkOtherSection(config, section, Boolean(global));
  }
  if (global) applyGlobal(config, global);
  return config;
}

function readValue(ini: IniFile, section: IniSection, option: IniOption, fileName: string, warnings: string[]): PyValue {
  const where = `${fileName}:${option.line}`;
  let text: string;
  try {
    text = interpolateOption(ini, section, option);
  } catch (e) {
    if (e instanceof IniError) throw new SettingsError(e.message, where);
    throw e;
  }
  try {
    const parsed = parsePythonValue(text);
    if (parsed.ignoredRest !== undefined) {
      warnings.push(`${where}: [${section.name}] ${option.key}: CherryPy reads only ${describePyValue(parsed.value)} and ignores "${oneLine(parsed.ignoredRest)}" (a \`;\` or a continuation line starts another Python statement; use # for comments)`);
    }
    return parsed.value;
  } catch (e) {
    if (e instanceof PythonValueError) {
      // An unquoted path or word (utf-8, /srv/app) is the usual cause: say so.
      const hint = /^[^'"\s#;]+$/.test(text) && /[A-Za-z/]/.test(text) ? `a string needs quotes: '${text}'` : 'quote strings, use # for comments';
      throw new SettingsError(`[${section.name}] ${option.key} = ${oneLine(text)}: not a value CherryPy can read (${e.message}); CherryPy refuses the whole file ("Config values must be valid Python"): ${hint}`, where);
    }
    throw e;
  }
}

function oneLine(text: string): string {
  const lines = text.split('\n');
  return lines.length > 1 ? `${lines[0]} …` : text;
}

/** Sections other than [global]: CherryPy's config.update() ignores them; app sections are tree.mount()'s. */
function checkOtherSection(config: CherryPyConfig, section: CherryPyConfigSection, hasGlobal: boolean): void {
  const where = (e: CherryPyEntry) => `${config.file}:${e.line}`;
  if (section.name.startsWith('/')) {
    for (const e of section.entries) {
      const ns = e.key.split('.')[0];
      if (SITE_WIDE_NAMESPACES.includes(ns) && e.key.includes('.')) {
        config.warnings.push(`${where(e)}: [${section.name}] ${e.key} only takes effect in [global] (CherryPy's checker warns about it in an application section); cpdiag ignores it here too`);
      }
    }
    return;
  }
  const serverKeys = section.entries.filter((e) => e.key.startsWith(`${SERVER_NAMESPACE}.`));
  const suggestion = suggestClosest(section.name, ['global']);
  if (serverKeys.length > 0 || suggestion) {
    const what = serverKeys.length > 0 ? `its ${serverKeys.map((e) => e.key).join(', ')} ${serverKeys.length > 1 ? 'are' : 'is'} ignored` : 'it is ignored';
    config.warnings.push(`${config.file}:${config.ini.sections.find((s) => s.name === section.name)?.line}: section [${section.name}] is neither [global] nor an application path (/...): ${what}, by CherryPy and by cpdiag${suggestion ? ` (section names are case-sensitive: did you mean [${suggestion}]?)` : ''}${hasGlobal ? '' : '; the file has no [global] section'}`);
  }
}

function applyGlobal(config: CherryPyConfig, global: CherryPyConfigSection): void {
  for (const entry of global.entries) {
    const where = `${config.file}:${entry.line}`;
    const { key, value } = entry;
    if (key === 'environment') {
      checkEnvironment(value, where);
      continue;
    }
    const dot = key.indexOf('.');
    if (dot < 0) continue; // CherryPy passes only namespaced keys to handlers
    const ns = key.slice(0, dot);
    const rest = key.slice(dot + 1);
    if (ns === SERVER_NAMESPACE) {
      applyServerKey(config, entry, rest, where);
    } else if (ns.toLowerCase() === SERVER_NAMESPACE) {
      throw new SettingsError(`${key}: config keys are case-sensitive and CherryPy ignores this one; did you mean ${SERVER_NAMESPACE}.${rest}?`, where);
    } else if (!CHERRYPY_NAMESPACES.includes(ns)) {
      const suggestion = suggestClosest(ns, CHERRYPY_NAMESPACES);
      if (suggestion) config.warnings.push(`${where}: ${key}: CherryPy has no "${ns}" namespace (did you mean ${suggestion}.${rest}?); it ignores the key unless the application registers one`);
    }
  }
}

function checkEnvironment(value: PyValue, where: string): void {
  // CherryPy: `if config.get('environment'): environments[value]` — a KeyError for an unknown name.
  const falsy = value.type === 'none' || (value.type === 'str' && value.value === '') || (value.type === 'bool' && !value.value);
  if (falsy || value.type === 'opaque') return;
  if (value.type !== 'str' || !CHERRYPY_ENVIRONMENTS.includes(value.value)) {
    const suggestion = value.type === 'str' ? suggestClosest(value.value, CHERRYPY_ENVIRONMENTS) : undefined;
    throw new SettingsError(
      `environment = ${describePyValue(value)}: CherryPy knows ${CHERRYPY_ENVIRONMENTS.map((e) => `'${e}'`).join(', ')} (cherrypy.config.update fails with a KeyError)${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
      where,
    );
  }
}

function applyServerKey(config: CherryPyConfig, entry: CherryPyEntry, attr: string, where: string): void {
  const key = entry.key;
  const known = CHERRYPY_SERVER_KEYS.map((k) => k.name);
  const dot = attr.indexOf('.');
  if (dot >= 0) {
    // server.<name>.<attr> configures an additional HTTP server (cherrypy.servers[name]).
    const sub = attr.slice(dot + 1);
    if (sub !== 'on' && !findServerKey(sub)) {
      const suggestion = suggestClosest(sub, known);
      throw new SettingsError(`${key}: CherryPy 18 has no server setting "${sub}"${suggestion ? `; did you mean server.${attr.slice(0, dot)}.${suggestion}?` : ''}`, where);
    }
    addIgnored(config, `${key} (an additional HTTP server)`);
    return;
  }
  const def = findServerKey(attr);
  if (!def) {
    if (CPDIAG_OWN_SETTINGS.includes(attr)) throw new SettingsError(`${key}: "${attr}" is cpdiag's own setting, not CherryPy's (CherryPy would ignore it): pass --${attr} instead`, where);
    const suggestion = suggestClosest(attr, known);
    throw new SettingsError(
      `${key}: CherryPy 18 has no such server setting, so it would be ignored${suggestion ? `; did you mean server.${suggestion}?` : ` (known: ${known.map((k) => `server.${k}`).join(', ')})`}`,
      where,
    );
  }
  if (def.name === 'bind_addr') {
    applyBindAddr(config, entry, where);
    return;
  }
  if (def.name === 'socket_file' && entry.value.type === 'none') return;
  if (!def.setting) {
    addIgnored(config, key);
    return;
  }
  setSetting(config, def.setting, entry, entry.value, where);
}

function addIgnored(config: CherryPyConfig, key: string): void {
  if (!config.ignored.includes(key)) config.ignored.push(key);
}

function applyBindAddr(config: CherryPyConfig, entry: CherryPyEntry, where: string): void {
  const v = entry.value;
  // The property: a string is a UNIX socket path; a (host, port) pair sets both.
  if (v.type === 'str' || v.type === 'bytes' || v.type === 'none') {
    addIgnored(config, `${entry.key} (${v.type === 'none' ? 'None' : 'a UNIX socket'})`);
    return;
  }
  if ((v.type === 'tuple' || v.type === 'list') && v.items.length === 2) {
    setSetting(config, 'socket_host', entry, v.items[0], where, 'server.bind_addr[0]');
    setSetting(config, 'socket_port', entry, v.items[1], where, 'server.bind_addr[1]');
    return;
  }
  throw new SettingsError(`${entry.key} = ${describePyValue(v)}: expected a (host, port) pair or a UNIX socket path (CherryPy raises ValueError)`, where);
}

function setSetting(config: CherryPyConfig, name: SettingName, entry: CherryPyEntry, v: PyValue, where: string, label = entry.key): void {
  const def = findSetting(name)!;
  const shown = `${label} = ${describePyValue(v)}`;
  const refuse = (why: string) => new SettingsError(`${shown}: ${why}`, where);
  let js: string | number;
  if (def.kind === 'string') {
    if (v.type !== 'str') throw refuse(`expected a quoted string, got ${describeType(v)}`);
    if (v.value === '') throw refuse("the empty string is not allowed (CherryPy raises ValueError; use '0.0.0.0' for all interfaces)");
    js = v.value;
  } else {
    if (v.type === 'opaque' && v.what === 'a Python name') {
      throw refuse('expected a number, got a bare name (CherryPy imports it as a module or takes a builtin, and refuses the file when neither exists): write the number');
    }
    if (v.type === 'opaque') throw refuse(`expected a number; cpdiag cannot evaluate ${v.what} (only Python can): write the number`);
    if (v.type !== 'int' && v.type !== 'float') {
      const hint = v.type === 'str' ? ' (CherryPy would pass the string on and the server would fail: drop the quotes)' : '';
      throw refuse(`expected a number, got ${describeType(v)}${hint}`);
    }
    if (def.kind === 'int' && v.type === 'float') throw refuse('expected a whole number (cheroot needs an int here)');
    js = v.type === 'int' ? Number(v.value) : v.value;
  }
  (config.settings as Record<string, unknown>)[name] = coerceSetting(def, js, where);
  config.settingLines[name] = entry.line;
}

function describeType(v: PyValue): string {
  if (v.type === 'str') return `a string`;
  if (v.type === 'opaque') return v.what;
  return `${pyTypeName(v) === 'NoneType' ? 'None' : `a ${pyTypeName(v)}`}`;
}

/** Reads and parses a config file; a file that cannot be read is a usage error (exit 2). */
export function readCherryPyConfigFile(path: string): CherryPyConfig {
  const bytes = readBoundedFile(path, MAX_INPUT_FILE_BYTES, 'config file');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new SettingsError('not UTF-8 text (CherryPy reads config files as text and would fail too)', path);
  }
  return parseCherryPyConfig(text, path);
}

/** The lines to tell the operator once: warnings, then one "not modelled, ignored" line. */
export function describeConfigNotes(config: CherryPyConfig): string[] {
  const lines = [...config.warnings];
  if (config.ignored.length > 0) {
    lines.push(`${config.file}: not modelled by cpdiag, ignored: ${config.ignored.join(', ')}`);
  }
  return lines;
}

/** Each unmodelled key with the reason, for documentation and --help. */
export function describeUnmodelledKeys(): string[] {
  return CHERRYPY_SERVER_KEYS.filter((k) => k.note).map((k) => `server.${k.name}: ${k.note}`);
}
