// A config value as CherryPy reads it: cherrypy.lib.reprconf.unrepr parses the text as the
// Python statement `__tempvalue__ = <text>` (ast.parse) and builds the first statement's value
// from the syntax tree. So a value is a Python expression, `#` starts a Python comment (which is
// why `8  # two per core` reads as 8 although configparser has no inline comments), `;` or a
// new line (a continuation line) starts another statement that must be valid Python but is not
// used, and only these nodes can be built: constants, lists, tuples, dicts, names, attributes,
// calls, subscripts, unary `-`, and binary `+` and `*`. Everything else (`10 - 1`, `+1`, sets,
// comparisons, f-strings) makes CherryPy refuse the whole file, and so does this reader.
//
// cpdiag cannot import Python modules or call Python functions: names, attributes, calls and
// subscripts are kept as `opaque` values (their text). They are fine for keys cpdiag does not
// use; a setting cpdiag models needs a literal.

export type PyValue =
  | { type: 'int'; value: bigint }
  | { type: 'float'; value: number }
  | { type: 'str'; value: string }
  /** Bytes as a string of char codes 0..255. */
  | { type: 'bytes'; value: string }
  | { type: 'bool'; value: boolean }
  | { type: 'none' }
  | { type: 'list'; items: PyValue[] }
  | { type: 'tuple'; items: PyValue[] }
  | { type: 'dict'; entries: [PyValue, PyValue][] }
  /** Something only Python can evaluate (a name, call, attribute, subscript, complex, Ellipsis). */
  | { type: 'opaque'; text: string; what: string };

/** The value is not one CherryPy can read; `pythonError` is what CherryPy's parser raises. */
export class PythonValueError extends Error {
  constructor(message: string, readonly pythonError: 'SyntaxError' | 'TypeError' | 'OverflowError') {
    super(message);
    this.name = 'PythonValueError';
  }
}

export interface ParsedPythonValue {
  value: PyValue;
  /** Set when the text holds more than one statement: CherryPy uses the first and ignores the rest. */
  ignoredRest?: string;
}

// ---------------------------------------------------------------------------------------------
// Tokens

type Token =
  | { kind: 'num'; pos: number; end: number; value: PyValue }
  | { kind: 'str'; pos: number; end: number; value: string; bytes: boolean; fstring: boolean }
  | { kind: 'name'; pos: number; end: number; text: string }
  | { kind: 'op'; pos: number; end: number; text: string }
  | { kind: 'newline'; pos: number; end: number }
  | { kind: 'end'; pos: number; end: number };

const KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif',
  'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or',
  'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);
/** Keywords Python 3.11 still lets follow a number without a space (`1if x else 2`). */
const KEYWORDS_AFTER_NUMBER = new Set(['and', 'else', 'for', 'if', 'in', 'is', 'not', 'or']);

const OPERATORS = [
  '**=', '//=', '>>=', '<<=', '...', '->', ':=', '**', '//', '<<', '>>', '<=', '>=', '==', '!=', '+=', '-=', '*=', '/=',
  '%=', '&=', '|=', '^=', '@=', '(', ')', '[', ']', '{', '}', ',', ':', '.', ';', '=', '+', '-', '*', '/', '%', '@', '<',
  '>', '&', '|', '^', '~',
];

const DIGITS = '[0-9](?:_?[0-9])*';
const EXPONENT = `[eE][-+]?${DIGITS}`;
const POINT_FLOAT = `(?:${DIGITS}\\.(?:${DIGITS})?|\\.${DIGITS})(?:${EXPONENT})?`;
const EXP_FLOAT = `${DIGITS}${EXPONENT}`;
const NUMBER_PATTERNS: [RegExp, 'int' | 'float' | 'imag'][] = [
  [new RegExp(`(?:${POINT_FLOAT}|${EXP_FLOAT}|${DIGITS})[jJ]`, 'y'), 'imag'],
  [new RegExp(`${POINT_FLOAT}|${EXP_FLOAT}`, 'y'), 'float'],
  [/0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?0)*|[1-9](?:_?[0-9])*/y, 'int'],
];

const ID_START = /[\p{ID_Start}_]/u;
const ID_CONTINUE = /[\p{ID_Continue}_]/u;
const ID = /[\p{ID_Start}_][\p{ID_Continue}_]*/uy;

function syntaxError(message: string, text: string, pos: number): PythonValueError {
  const near = text.slice(pos, pos + 20).split('\n')[0];
  return new PythonValueError(`${message}${near ? ` at "${near}"` : ' at the end'}`, 'SyntaxError');
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let depth = 0;
  while (pos < text.length) {
    const c = text[pos];
    if (c === ' ' || c === '\t' || c === '\f') {
      pos++;
      continue;
    }
    if (c === '#') {
      while (pos < text.length && text[pos] !== '\n') pos++;
      continue;
    }
    if (c === '\\') {
      if (text[pos + 1] === '\n') {
        pos += 2;
        continue;
      }
      throw syntaxError('unexpected character after line continuation character', text, pos);
    }
    if (c === '\n') {
      // Inside brackets a new line joins lines; outside it ends a statement (blank lines do not).
      if (depth === 0 && tokens.length > 0 && tokens[tokens.length - 1].kind !== 'newline') tokens.push({ kind: 'newline', pos, end: pos + 1 });
      pos++;
      continue;
    }
    const str = readString(text, pos);
    if (str) {
      tokens.push(str);
      pos = str.end;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[pos + 1] ?? ''))) {
      const num = readNumber(text, pos);
      tokens.push(num);
      pos = num.end;
      continue;
    }
    if (ID_START.test(String.fromCodePoint(text.codePointAt(pos)!))) {
      ID.lastIndex = pos;
      const m = ID.exec(text)!;
      tokens.push({ kind: 'name', pos, end: pos + m[0].length, text: m[0] });
      pos += m[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, pos));
    if (op) {
      if ('([{'.includes(op)) depth++;
      if (')]}'.includes(op)) {
        if (depth === 0) throw syntaxError(`unmatched '${op}'`, text, pos);
        depth--;
      }
      tokens.push({ kind: 'op', pos, end: pos + op.length, text: op });
      pos += op.length;
      continue;
    }
    throw syntaxError(`invalid character '${String.fromCodePoint(text.codePointAt(pos)!)}'`, text, pos);
  }
  if (depth > 0) throw syntaxError('a bracket is never closed', text, text.length);
  tokens.push({ kind: 'end', pos: text.length, end: text.length });
  return tokens;
}

function readNumber(text: string, pos: number): Token {
  for (const [re, kind] of NUMBER_PATTERNS) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) continue;
    const end = pos + m[0].length;
    const next = text[end] ?? '';
    if (next !== '' && (ID_CONTINUE.test(next) || (kind === 'int' && next === '.'))) {
      ID.lastIndex = end;
      const word = ID.exec(text)?.[0];
      if (!(word && KEYWORDS_AFTER_NUMBER.has(word))) {
        const why = kind === 'int' && /^0+$/.test(m[0].replace(/_/g, '')) && /[0-9]/.test(next)
          ? 'leading zeros in decimal integer literals are not permitted (Python 3; write 0o17 for octal)'
          : 'invalid number literal';
        throw syntaxError(why, text, pos);
      }
    }
    const digits = m[0].replace(/_/g, '');
    let value: PyValue;
    if (kind === 'int') value = { type: 'int', value: BigInt(digits) };
    else if (kind === 'float') value = { type: 'float', value: Number(digits) };
    else value = { type: 'opaque', text: m[0], what: 'a complex number' };
    return { kind: 'num', pos, end, value };
  }
  throw syntaxError('invalid number literal', text, pos);
}

const STRING_START = /([rRuUbBfF]{0,2})('''|"""|'|")/y;
const VALID_PREFIXES = new Set(['', 'r', 'u', 'b', 'br', 'rb', 'f', 'fr', 'rf']);

function readString(text: string, pos: number): Token | undefined {
  STRING_START.lastIndex = pos;
  const m = STRING_START.exec(text);
  if (!m) return undefined;
  const prefix = m[1].toLowerCase();
  if (!VALID_PREFIXES.has(prefix)) return undefined; // e.g. `ub'x'`: a name followed by a string, a syntax error later
  const quote = m[2];
  const raw = prefix.includes('r');
  const bytes = prefix.includes('b');
  const fstring = prefix.includes('f');
  const triple = quote.length === 3;
  let i = pos + m[0].length;
  let out = '';
  for (;;) {
    if (i >= text.length) throw syntaxError(triple ? 'unterminated triple-quoted string literal' : 'unterminated string literal', text, pos);
    const c = text[i];
    if (text.startsWith(quote, i)) {
      i += quote.length;
      break;
    }
    if (c === '\n' && !triple) throw syntaxError('unterminated string literal', text, pos);
    if (c === '\\') {
      const n = text[i + 1];
      if (n === undefined) throw syntaxError('unterminated string literal', text, pos);
      if (raw) {
        // A raw string keeps the backslash; it only stops the next character from ending the string.
        out += c + n;
        i += 2;
        continue;
      }
      const esc = decodeEscape(text, i, bytes);
      out += esc.text;
      i = esc.end;
      continue;
    }
    if (bytes && c.charCodeAt(0) > 127) throw syntaxError('bytes can only contain ASCII literal characters', text, i);
    out += c;
    i++;
  }
  return { kind: 'str', pos, end: i, value: out, bytes, fstring };
}

const SIMPLE_ESCAPES: Record<string, string> = { '\n': '', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

function decodeEscape(text: string, i: number, bytes: boolean): { text: string; end: number } {
  const n = text[i + 1];
  if (n in SIMPLE_ESCAPES) return { text: SIMPLE_ESCAPES[n], end: i + 2 };
  const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4));
  if (octal) {
    const code = parseInt(octal[0], 8);
    return { text: String.fromCodePoint(bytes ? code & 0xff : code), end: i + 1 + octal[0].length };
  }
  const hexLength = n === 'x' ? 2 : !bytes && n === 'u' ? 4 : !bytes && n === 'U' ? 8 : 0;
  if (hexLength > 0) {
    const hex = text.slice(i + 2, i + 2 + hexLength);
    if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(hex)) throw syntaxError(`truncated \\${n} escape`, text, i);
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) throw syntaxError('illegal Unicode character', text, i);
    return { text: String.fromCodePoint(code), end: i + 2 + hexLength };
  }
  if (!bytes && n === 'N') {
    throw new PythonValueError('\\N{...} escapes are not read by cpdiag: write the character itself or \\uXXXX', 'SyntaxError');
  }
  // Unknown escapes keep the backslash (Python warns, but accepts).
  return { text: '\\' + n, end: i + 2 };
}

// ---------------------------------------------------------------------------------------------
// Syntax tree

type Node =
  | { t: 'const'; value: PyValue }
  | { t: 'name'; id: string; text: string }
  | { t: 'attribute'; value: Node; text: string }
  | { t: 'call'; func: Node; args: Node[]; text: string }
  | { t: 'subscript'; value: Node; index: Node; text: string }
  | { t: 'list'; items: Node[] }
  | { t: 'tuple'; items: Node[] }
  | { t: 'dict'; keys: (Node | null)[]; values: Node[] }
  | { t: 'starred'; value: Node }
  /** A node unrepr has no builder for: CherryPy raises "unrepr does not recognize 'X'". */
  | { t: 'unbuildable'; node: string; parts: Node[] }
  | { t: 'unary'; op: string; operand: Node }
  | { t: 'binop'; op: string; left: Node; right: Node };

const BINOP_NAMES: Record<string, string> = {
  '+': 'Add', '-': 'Sub', '*': 'Mult', '/': 'Div', '//': 'FloorDiv', '%': 'Mod', '@': 'MatMult', '**': 'Pow',
  '<<': 'LShift', '>>': 'RShift', '|': 'BitOr', '^': 'BitXor', '&': 'BitAnd',
};
const UNARY_NAMES: Record<string, string> = { '-': 'USub', '+': 'UAdd', '~': 'Invert', not: 'Not' };
const COMPARISON_OPS = new Set(['<', '>', '==', '>=', '<=', '!=', 'in', 'is']);

class Parser {
  private i = 0;
  constructor(private readonly text: string, private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }
  private isOp(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'op' && t.text === text;
  }
  private isName(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'name' && t.text === text;
  }
  private next(): Token {
    return this.tokens[this.i++];
  }
  private expectOp(text: string): void {
    if (!this.isOp(text)) throw this.error(`expected '${text}'`);
    this.i++;
  }
  error(message = 'invalid syntax'): PythonValueError {
    return syntaxError(message, this.text, this.peek().pos);
  }
  private sliceFrom(start: number): string {
    return this.text.slice(start, this.tokens[this.i - 1].end).trim();
  }
  atStatementEnd(): boolean {
    const t = this.peek();
    return t.kind === 'end' || t.kind === 'newline' || (t.kind === 'op' && t.text === ';');
  }

  /**
   * The whole text: statements separated by `;` or new lines. Returns the first statement's value
   * (in `__tempvalue__ = <text>`, the last part of a chained assignment) and where it ends. The
   * other statements must be valid Python, and may be assignments: an indented `key = value` line
   * becomes a continuation line, so CherryPy reads `3\nserver.socket_timeout = 9` as 3.
   */
  parseStatements(): { node: Node; end: number; statements: number } {
    let first: { node: Node; end: number } | undefined;
    let count = 0;
    for (;;) {
      const node = this.parseStatement(first === undefined);
      count++;
      first ??= { node, end: this.tokens[this.i - 1].end };
      if (this.peek().kind === 'end') return { ...first, statements: count };
      if (!this.atStatementEnd()) throw this.error();
      this.i++;
      // `8;` (a trailing semicolon) and blank lines end cleanly.
      if (this.peek().kind === 'newline') this.i++;
      if (this.peek().kind === 'end') return { ...first, statements: count };
    }
  }

  private parseStatement(isFirst: boolean): Node {
    const start = this.peek();
    const head = this.parseExpressionList();
    if (this.isOp('=')) {
      const parts = [head];
      while (this.isOp('=')) {
        this.i++;
        parts.push(this.parseExpressionList());
      }
      for (const target of parts.slice(0, -1)) {
        if (!isAssignable(target)) throw syntaxError('cannot assign to this expression', this.text, start.pos);
      }
      return parts[parts.length - 1];
    }
    const augmented = this.peek();
    if (augmented.kind === 'op' && /^(\*\*|\/\/|>>|<<|[-+*\/%&|^@])=$/.test(augmented.text)) {
      if (isFirst || !isSimpleTarget(head)) throw this.error();
      this.i++;
      return this.parseExpressionList();
    }
    if (this.isOp(':')) {
      // An annotation (`log.screen: False`) — valid Python, so valid in a later statement.
      if (isFirst || !isSimpleTarget(head)) throw this.error();
      this.i++;
      const annotation = this.parseExpression();
      if (this.isOp('=')) {
        this.i++;
        return this.parseExpressionList();
      }
      return annotation;
    }
    return head;
  }

  /** expression (',' expression)* [','] : a bare tuple when there is a comma. */
  private parseExpressionList(): Node {
    const first = this.parseStarOrExpression();
    if (!this.isOp(',')) return first;
    const items = [first];
    while (this.isOp(',')) {
      this.i++;
      if (this.atStatementEnd() || this.isOp(')') || this.isOp('=')) break;
      items.push(this.parseStarOrExpression());
    }
    return { t: 'tuple', items };
  }

  private parseStarOrExpression(): Node {
    if (this.isOp('*')) {
      this.i++;
      return { t: 'starred', value: this.parseBitOr() };
    }
    return this.parseExpression();
  }

  private parseExpression(): Node {
    if (this.isName('lambda')) throw this.error('a lambda is not a value CherryPy can read');
    const body = this.parseOr();
    if (this.isName('if')) {
      this.i++;
      const test = this.parseOr();
      if (!this.isName('else')) throw this.error("expected 'else'");
      this.i++;
      const orelse = this.parseExpression();
      return { t: 'unbuildable', node: 'IfExp', parts: [test, body, orelse] };
    }
    if (this.isOp(':=')) throw this.error('an assignment expression is not a value CherryPy can read');
    return body;
  }

  private parseOr(): Node {
    let left = this.parseAnd();
    while (this.isName('or')) {
      this.i++;
      left = { t: 'unbuildable', node: 'BoolOp', parts: [left, this.parseAnd()] };
    }
    return left;
  }

  private parseAnd(): Node {
    let left = this.parseNot();
    while (this.isName('and')) {
      this.i++;
      left = { t: 'unbuildable', node: 'BoolOp', parts: [left, this.parseNot()] };
    }
    return left;
  }

  private parseNot(): Node {
    if (this.isName('not')) {
      this.i++;
      return { t: 'unary', op: 'not', operand: this.parseNot() };
    }
    return this.parseComparison();
  }

  private parseComparison(): Node {
    const left = this.parseBitOr();
    const parts = [left];
    for (;;) {
      const t = this.peek();
      const text = t.kind === 'op' || t.kind === 'name' ? t.text : '';
      if (COMPARISON_OPS.has(text)) {
        this.i++;
        if (text === 'is' && this.isName('not')) this.i++;
      } else if (text === 'not' && this.isName('in', 1)) {
        this.i += 2;
      } else {
        break;
      }
      parts.push(this.parseBitOr());
    }
    return parts.length === 1 ? left : { t: 'unbuildable', node: 'Compare', parts };
  }

  private parseBinary(level: number): Node {
    const levels = [['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '//', '%', '@']];
    if (level >= levels.length) return this.parseFactor();
    let left = this.parseBinary(level + 1);
    for (;;) {
      const op = levels[level].find((o) => this.isOp(o));
      if (!op) return left;
      this.i++;
      left = { t: 'binop', op, left, right: this.parseBinary(level + 1) };
    }
  }

  private parseBitOr(): Node {
    return this.parseBinary(0);
  }

  private parseFactor(): Node {
    for (const op of ['-', '+', '~']) {
      if (this.isOp(op)) {
        this.i++;
        return { t: 'unary', op, operand: this.parseFactor() };
      }
    }
    return this.parsePower();
  }

  private parsePower(): Node {
    if (this.isName('await')) throw this.error('await is not a value CherryPy can read');
    const base = this.parsePrimary();
    if (this.isOp('**')) {
      this.i++;
      return { t: 'binop', op: '**', left: base, right: this.parseFactor() };
    }
    return base;
  }

  private parsePrimary(): Node {
    const start = this.peek().pos;
    let node = this.parseAtom();
    for (;;) {
      if (this.isOp('.')) {
        this.i++;
        const t = this.next();
        if (t.kind !== 'name' || KEYWORDS.has(t.text)) throw syntaxError('expected a name after "."', this.text, t.pos);
        node = { t: 'attribute', value: node, text: this.sliceFrom(start) };
      } else if (this.isOp('(')) {
        this.i++;
        const args = this.parseCallArguments();
        node = { t: 'call', func: node, args, text: this.sliceFrom(start) };
      } else if (this.isOp('[')) {
        this.i++;
        const index = this.parseSubscript();
        this.expectOp(']');
        node = { t: 'subscript', value: node, index, text: this.sliceFrom(start) };
      } else {
        return node;
      }
    }
  }

  private parseCallArguments(): Node[] {
    const args: Node[] = [];
    while (!this.isOp(')')) {
      if (this.isOp('**')) {
        this.i++;
        args.push(this.parseExpression());
      } else if (this.isOp('*')) {
        this.i++;
        args.push(this.parseExpression());
      } else if (this.peek().kind === 'name' && this.isOp('=', 1)) {
        this.i += 2;
        args.push(this.parseExpression());
      } else {
        args.push(this.parseExpression());
        if (this.isName('for')) throw this.error('a generator expression is not a value CherryPy can read');
      }
      if (!this.isOp(',')) break;
      this.i++;
    }
    this.expectOp(')');
    return args;
  }

  private parseSubscript(): Node {
    const items: Node[] = [];
    for (;;) {
      items.push(this.parseSliceItem());
      if (!this.isOp(',')) break;
      this.i++;
      if (this.isOp(']')) break;
    }
    return items.length === 1 ? items[0] : { t: 'tuple', items };
  }

  private parseSliceItem(): Node {
    const parts: Node[] = [];
    let isSlice = false;
    if (!this.isOp(':')) parts.push(this.parseExpression());
    while (this.isOp(':')) {
      isSlice = true;
      this.i++;
      if (!this.isOp(':') && !this.isOp(']') && !this.isOp(',')) parts.push(this.parseExpression());
    }
    return isSlice ? { t: 'unbuildable', node: 'Slice', parts } : parts[0];
  }

  private parseAtom(): Node {
    const t = this.peek();
    if (t.kind === 'num') {
      this.i++;
      return { t: 'const', value: t.value };
    }
    if (t.kind === 'str') return this.parseStrings();
    if (t.kind === 'name') {
      this.i++;
      if (t.text === 'True' || t.text === 'False') return { t: 'const', value: { type: 'bool', value: t.text === 'True' } };
      if (t.text === 'None') return { t: 'const', value: { type: 'none' } };
      if (KEYWORDS.has(t.text)) throw syntaxError(`'${t.text}' is a Python keyword, not a value`, this.text, t.pos);
      return { t: 'name', id: t.text, text: t.text };
    }
    if (t.kind === 'op') {
      if (t.text === '...') {
        this.i++;
        return { t: 'const', value: { type: 'opaque', text: '...', what: 'Ellipsis' } };
      }
      if (t.text === '(') return this.parseParenthesized();
      if (t.text === '[') return this.parseList();
      if (t.text === '{') return this.parseBraces();
    }
    if (t.kind === 'end' || t.kind === 'newline') throw this.error('a value is missing');
    throw this.error();
  }

  private parseStrings(): Node {
    let value = '';
    let bytes: boolean | undefined;
    let fstring = false;
    while (this.peek().kind === 'str') {
      const t = this.next() as Extract<Token, { kind: 'str' }>;
      if (bytes !== undefined && bytes !== t.bytes) throw syntaxError('cannot mix bytes and nonbytes literals', this.text, t.pos);
      bytes = t.bytes;
      fstring ||= t.fstring;
      value += t.value;
    }
    if (fstring) return { t: 'unbuildable', node: 'JoinedStr', parts: [] };
    return { t: 'const', value: bytes ? { type: 'bytes', value } : { type: 'str', value } };
  }

  private parseParenthesized(): Node {
    this.expectOp('(');
    if (this.isOp(')')) {
      this.i++;
      return { t: 'tuple', items: [] };
    }
    const first = this.parseStarOrExpression();
    if (this.isName('for')) throw this.error('a generator expression is not a value CherryPy can read');
    if (this.isOp(')')) {
      this.i++;
      if (first.t === 'starred') throw this.error('cannot use starred expression here');
      return first;
    }
    const items = [first];
    while (this.isOp(',')) {
      this.i++;
      if (this.isOp(')')) break;
      items.push(this.parseStarOrExpression());
    }
    this.expectOp(')');
    return { t: 'tuple', items };
  }

  private parseList(): Node {
    this.expectOp('[');
    const items: Node[] = [];
    while (!this.isOp(']')) {
      items.push(this.parseStarOrExpression());
      if (this.isName('for')) throw this.error('a list comprehension is not a value CherryPy can read');
      if (!this.isOp(',')) break;
      this.i++;
    }
    this.expectOp(']');
    return { t: 'list', items };
  }

  private parseBraces(): Node {
    this.expectOp('{');
    if (this.isOp('}')) {
      this.i++;
      return { t: 'dict', keys: [], values: [] };
    }
    const keys: (Node | null)[] = [];
    const values: Node[] = [];
    const setItems: Node[] = [];
    let isDict: boolean | undefined;
    while (!this.isOp('}')) {
      if (this.isOp('**')) {
        if (isDict === false) throw this.error();
        isDict = true;
        this.i++;
        keys.push(null);
        values.push(this.parseBitOr());
      } else {
        const item = this.parseStarOrExpression();
        if (this.isName('for')) throw this.error('a comprehension is not a value CherryPy can read');
        if (this.isOp(':') && item.t !== 'starred') {
          if (isDict === false) throw this.error();
          isDict = true;
          this.i++;
          keys.push(item);
          values.push(this.parseExpression());
          if (this.isName('for')) throw this.error('a comprehension is not a value CherryPy can read');
        } else {
          if (isDict === true) throw this.error("expected ':'");
          isDict = false;
          setItems.push(item);
        }
      }
      if (!this.isOp(',')) break;
      this.i++;
    }
    this.expectOp('}');
    return isDict ? { t: 'dict', keys, values } : { t: 'unbuildable', node: 'Set', parts: setItems };
  }
}

function isSimpleTarget(node: Node): boolean {
  return node.t === 'name' || node.t === 'attribute' || node.t === 'subscript';
}

function isAssignable(node: Node): boolean {
  if (isSimpleTarget(node)) return true;
  if (node.t === 'starred') return isAssignable(node.value);
  if (node.t === 'tuple' || node.t === 'list') return node.items.every(isAssignable);
  return false;
}

// ---------------------------------------------------------------------------------------------
// Building values (unrepr's _Builder)

function unrecognized(node: string): PythonValueError {
  return new PythonValueError(`CherryPy cannot build this value (unrepr does not recognize '${node}')`, 'TypeError');
}

function build(node: Node): PyValue {
  switch (node.t) {
    case 'const':
      return node.value;
    case 'name':
      // A module or a builtin in Python (or an error there): cpdiag cannot tell which.
      return { type: 'opaque', text: node.text, what: 'a Python name' };
    case 'attribute':
      build(node.value);
      return { type: 'opaque', text: node.text, what: 'an attribute' };
    case 'call':
      build(node.func);
      for (const a of node.args) build(a);
      return { type: 'opaque', text: node.text, what: 'a call' };
    case 'subscript':
      return subscript(build(node.value), build(node.index), node.text);
    case 'list':
      return { type: 'list', items: node.items.map(build) };
    case 'tuple':
      return { type: 'tuple', items: node.items.map(build) };
    case 'dict':
      return buildDict(node.keys, node.values);
    case 'starred':
      throw unrecognized('Starred');
    case 'unbuildable':
      for (const p of node.parts) build(p);
      throw unrecognized(node.node);
    case 'unary': {
      const operand = build(node.operand);
      if (node.op !== '-') throw unrecognized(UNARY_NAMES[node.op]);
      return negate(operand);
    }
    case 'binop': {
      const left = build(node.left);
      if (node.op !== '+' && node.op !== '*') throw unrecognized(BINOP_NAMES[node.op]);
      const right = build(node.right);
      return node.op === '+' ? add(left, right) : multiply(left, right);
    }
  }
}

function typeError(message: string): PythonValueError {
  return new PythonValueError(message, 'TypeError');
}

export function pyTypeName(v: PyValue): string {
  return v.type === 'opaque' ? 'object' : v.type === 'none' ? 'NoneType' : v.type;
}

function isNumeric(v: PyValue): v is Extract<PyValue, { type: 'int' | 'float' | 'bool' }> {
  return v.type === 'int' || v.type === 'float' || v.type === 'bool';
}

function asBigInt(v: Extract<PyValue, { type: 'int' | 'bool' }>): bigint {
  return v.type === 'bool' ? (v.value ? 1n : 0n) : v.value;
}

const FLOAT_LIMIT = 2n ** 1024n;

function asFloat(v: Extract<PyValue, { type: 'int' | 'float' | 'bool' }>): number {
  if (v.type === 'float') return v.value;
  const n = asBigInt(v);
  if (n >= FLOAT_LIMIT || n <= -FLOAT_LIMIT) throw new PythonValueError('int too large to convert to float', 'OverflowError');
  return Number(n);
}

function negate(v: PyValue): PyValue {
  if (v.type === 'opaque') return { ...v, text: `-${v.text}` };
  if (v.type === 'float') return { type: 'float', value: -v.value };
  if (v.type === 'int' || v.type === 'bool') return { type: 'int', value: -asBigInt(v) };
  throw typeError(`bad operand type for unary -: '${pyTypeName(v)}'`);
}

function add(a: PyValue, b: PyValue): PyValue {
  if (a.type === 'opaque' || b.type === 'opaque') return { type: 'opaque', text: 'a sum', what: 'a sum with a Python object' };
  if (isNumeric(a) && isNumeric(b)) {
    if (a.type === 'float' || b.type === 'float') return { type: 'float', value: asFloat(a) + asFloat(b) };
    return { type: 'int', value: asBigInt(a as never) + asBigInt(b as never) };
  }
  if ((a.type === 'str' && b.type === 'str') || (a.type === 'bytes' && b.type === 'bytes')) return { type: a.type, value: a.value + b.value };
  if ((a.type === 'list' && b.type === 'list') || (a.type === 'tuple' && b.type === 'tuple')) return { type: a.type, items: [...a.items, ...b.items] };
  throw typeError(`unsupported operand type(s) for +: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

const MAX_REPEAT_LENGTH = 1_000_000;

function multiply(a: PyValue, b: PyValue): PyValue {
  if (a.type === 'opaque' || b.type === 'opaque') return { type: 'opaque', text: 'a product', what: 'a product with a Python object' };
  if (isNumeric(a) && isNumeric(b)) {
    if (a.type === 'float' || b.type === 'float') return { type: 'float', value: asFloat(a) * asFloat(b) };
    return { type: 'int', value: asBigInt(a as never) * asBigInt(b as never) };
  }
  const [seq, count] = a.type === 'int' || a.type === 'bool' ? [b, a] : [a, b];
  if ((count.type === 'int' || count.type === 'bool') && ['str', 'bytes', 'list', 'tuple'].includes(seq.type)) {
    const n = Number(asBigInt(count));
    const length = seq.type === 'str' || seq.type === 'bytes' ? seq.value.length : (seq as { items: PyValue[] }).items.length;
    if (n > 0 && length * n > MAX_REPEAT_LENGTH) throw typeError(`a repeated sequence of ${length} x ${n} items is too large for cpdiag to read`);
    const times = Math.max(0, n);
    if (seq.type === 'str' || seq.type === 'bytes') return { type: seq.type, value: seq.value.repeat(times) };
    const items = (seq as { items: PyValue[] }).items;
    return { type: seq.type as 'list' | 'tuple', items: Array.from({ length: times }, () => items).flat() };
  }
  throw typeError(`unsupported operand type(s) for *: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

/** `'abc'[0]`, `[1, 2][-1]`, `{'a': 1}['a']` on literals; anything else only Python can evaluate. */
function subscript(container: PyValue, index: PyValue, text: string): PyValue {
  if (container.type === 'dict' && index.type !== 'opaque') {
    const hit = container.entries.find(([k]) => pyKeysEqual(k, index));
    if (!hit) throw new PythonValueError(`KeyError: ${text}`, 'TypeError');
    return hit[1];
  }
  const sequence = container.type === 'str' || container.type === 'bytes' ? [...container.value] : container.type === 'list' || container.type === 'tuple' ? container.items : undefined;
  if (sequence && (index.type === 'int' || index.type === 'bool')) {
    const n = Number(asBigInt(index));
    const at = n < 0 ? sequence.length + n : n;
    if (at < 0 || at >= sequence.length) throw new PythonValueError(`IndexError: ${text}`, 'TypeError');
    const item = sequence[at];
    if (typeof item !== 'string') return item;
    return container.type === 'bytes' ? { type: 'int', value: BigInt(item.charCodeAt(0)) } : { type: 'str', value: item };
  }
  if (sequence && index.type !== 'opaque') throw typeError(`indices must be integers, not ${pyTypeName(index)}`);
  return { type: 'opaque', text, what: 'a subscript' };
}

function buildDict(keyNodes: (Node | null)[], valueNodes: Node[]): PyValue {
  const entries: [PyValue, PyValue][] = [];
  keyNodes.forEach((keyNode, i) => {
    // unrepr builds a `**mapping` entry's missing key as None (its builder for NoneType).
    const key: PyValue = keyNode === null ? { type: 'none' } : build(keyNode);
    const value = build(valueNodes[i]);
    if (!isHashable(key)) throw typeError(`unhashable type: '${pyTypeName(key)}'`);
    const at = entries.findIndex(([k]) => pyKeysEqual(k, key));
    // A repeated key keeps its first position and takes the last value, as a Python dict.
    if (at >= 0) entries[at][1] = value;
    else entries.push([key, value]);
  });
  return { type: 'dict', entries };
}

function isHashable(v: PyValue): boolean {
  if (v.type === 'list' || v.type === 'dict') return false;
  if (v.type === 'tuple') return v.items.every(isHashable);
  return true;
}

function pyKeysEqual(a: PyValue, b: PyValue): boolean {
  if (isNumeric(a) && isNumeric(b)) {
    if (a.type === 'float' || b.type === 'float') return asFloat(a) === asFloat(b);
    return asBigInt(a as never) === asBigInt(b as never);
  }
  if (a.type !== b.type) return false;
  switch (a.type) {
    case 'str':
    case 'bytes':
      return a.value === (b as typeof a).value;
    case 'none':
      return true;
    case 'tuple': {
      const items = (b as typeof a).items;
      return a.items.length === items.length && a.items.every((x, i) => pyKeysEqual(x, items[i]));
    }
    default:
      return false; // opaque: Python objects compare by identity here
  }
}

/**
 * Reads a config value the way CherryPy's unrepr does. Throws PythonValueError where CherryPy
 * refuses the value. An empty value is the empty string (unrepr returns it unchanged).
 */
export function parsePythonValue(text: string): ParsedPythonValue {
  if (text === '') return { value: { type: 'str', value: '' } };
  const tokens = tokenize(text);
  const parser = new Parser(text, tokens);
  const first = parser.parseStatements();
  if (first.node.t === 'starred') throw unrecognized('Starred');
  const value = build(first.node);
  const rest = text.slice(first.end).replace(/^[\s;]+/, '').trim();
  return first.statements > 1 && rest !== '' ? { value, ignoredRest: rest } : { value };
}

/** The value as Python source, for writing a config file (strings use single quotes). */
export function formatPythonLiteral(value: string | number | boolean | null): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`${value} has no Python literal`);
    return String(value);
  }
  let out = "'";
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\' || ch === "'") out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

/** A short Python-like rendering of a value, for messages. */
export function describePyValue(v: PyValue): string {
  switch (v.type) {
    case 'int':
      return v.value.toString();
    case 'float':
      return Number.isInteger(v.value) ? `${v.value}.0` : String(v.value);
    case 'str':
      return formatPythonLiteral(v.value);
    case 'bytes':
      return `b${formatPythonLiteral(v.value)}`;
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'list':
      return `[${v.items.map(describePyValue).join(', ')}]`;
    case 'tuple':
      return `(${v.items.map(describePyValue).join(', ')}${v.items.length === 1 ? ',' : ''})`;
    case 'dict':
      return `{${v.entries.map(([k, x]) => `${describePyValue(k)}: ${describePyValue(x)}`).join(', ')}}`;
    case 'opaque':
      return v.text;
  }
}
