/**
 * Parses one YAML file defensively and maps field paths back to line:col.
 * Hostile input (syntax errors, duplicate keys, tabs, several documents,
 * alias bombs, huge files, non-mapping roots) becomes diagnostics, never a crash.
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, parseDocument, Document, Node, YAMLError } from 'yaml';
import type { Diagnostic, FieldPath } from '../diagnostics';

/** Larger tenant files are certainly a mistake; refuse before parsing. */
export const MAX_FILE_BYTES = 256 * 1024;
/** Alias expansions allowed per document (defeats "billion laughs"). */
export const MAX_ALIAS_COUNT = 50;
/** Nesting allowed (flow brackets and compact "- - -" items); the parser recurses once per level. */
export const MAX_NESTING = 64;
/** YAML errors reported per file; after that one line says how many more there are. */
const MAX_YAML_ERRORS = 20;

export interface Position {
  readonly line: number;
  readonly col: number;
}

export interface YamlSource {
  readonly file: string;
  /** The document as plain data; undefined when the file could not be used. */
  readonly data?: unknown;
  /**
   * Position of the value at `path` (of its key with `atKey`). For a path that
   * does not exist (a missing field), the position of the deepest part that does.
   */
  readonly locate: (path: FieldPath, atKey?: boolean) => Position | undefined;
  readonly diagnostics: Diagnostic[];
}

/** A source that could not be used because of a file-level problem, at 1:1 unless a better place is known. */
export function unusable(file: string, message: string, where?: Position): YamlSource {
  return {
    file,
    diagnostics: [{ severity: 'error', file, path: [], message, line: where?.line ?? 1, col: where?.col ?? 1 }],
    locate: () => undefined,
  };
}

/**
 * Where the text nests deeper than `max` levels, or undefined. A linear scan
 * that runs before the parser, whose time grows fast with depth (a 40 kB file
 * of "[[[[..." takes about a second before it overflows the stack). Counts flow
 * brackets outside quotes and comments, plus compact block items ("- - - x").
 * Indentation nesting needs no check: the file size bounds it.
 */
export function nestingTooDeep(text: string, max = MAX_NESTING): Position | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let compact = 0;
  let atIndicators = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') {
      line++;
      lineStart = i + 1;
      compact = 0;
      atIndicators = true;
      continue;
    }
    const prev = i === lineStart ? ' ' : text[i - 1];
    const startsToken = prev === ' ' || prev === '\t' || prev === '[' || prev === '{' || prev === ',' || prev === ':';
    if (atIndicators) {
      if (ch === ' ' || ch === '\t') continue;
      if ((ch === '-' || ch === '?') && (text[i + 1] === ' ' || text[i + 1] === '\t')) {
        compact++;
        if (compact + depth > max) return { line, col: i - lineStart + 1 };
        continue;
      }
      atIndicators = false;
    }
    if (ch === '#' && startsToken) {
      const end = text.indexOf('\n', i);
      i = (end < 0 ? text.length : end) - 1;
    } else if ((ch === '"' || ch === "'") && startsToken) {
      // Skip the quoted string ("" with backslash escapes, '' with '' escapes).
      let j = i + 1;
      for (; j < text.length; j++) {
        if (ch === '"' && text[j] === '\\') j++;
        else if (text[j] === ch) {
          if (ch === "'" && text[j + 1] === "'") j++;
          else break;
        }
      }
      for (let k = i + 1; k < j && k < text.length; k++) {
        if (text[k] === '\n') {
          line++;
          lineStart = k + 1;
        }
      }
      i = j;
    } else if (ch === '[' || ch === '{') {
      depth++;
      if (compact + depth > max) return { line, col: i - lineStart + 1 };
    } else if ((ch === ']' || ch === '}') && depth > 0) {
      depth--;
    }
  }
  return undefined;
}

/** Human wording for the yaml library's error codes: what is wrong; what is allowed. */
function yamlErrorMessage(e: YAMLError, duplicateKey?: { key: string; first?: Position }): string {
  const raw = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  switch (e.code) {
    case 'DUPLICATE_KEY':
      return duplicateKey
        ? `duplicate key "${duplicateKey.key}"${duplicateKey.first ? ` (first at line ${duplicateKey.first.line})` : ''}; each key may appear only once in a mapping`
        : 'duplicate key; each key may appear only once in a mapping';
    case 'TAB_AS_INDENT':
      return 'a tab is used for indentation; YAML allows only spaces for indentation';
    default:
      return `YAML syntax error: ${raw} (${e.code}); fix the YAML syntax`;
  }
}

/** Every (path, key node) of the document's mappings, for naming duplicate keys. */
function keysByOffset(root: unknown): Map<number, { path: FieldPath; key: string; first?: number }> {
  const out = new Map<number, { path: FieldPath; key: string; first?: number }>();
  const walk = (node: unknown, path: FieldPath, depth: number) => {
    if (depth > 64) return;
    if (isMap(node)) {
      const firstOffset = new Map<string, number>();
      for (const it of node.items) {
        if (!isPair(it) || !isScalar(it.key) || !it.key.range) continue;
        const key = String(it.key.value);
        const first = firstOffset.get(key);
        if (first === undefined) firstOffset.set(key, it.key.range[0]);
        out.set(it.key.range[0], { path: [...path, key], key, first });
        walk(it.value, [...path, key], depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((it, i) => walk(it, [...path, i], depth + 1));
    }
  };
  walk(root, [], 0);
  return out;
}

/** The position mapping of a parsed document. */
function locator(doc: Document.Parsed, pos: (offset: number) => Position) {
  return (path: FieldPath, atKey = false): Position | undefined => {
    let node: unknown = doc.contents;
    let found: Node | undefined = doc.contents ?? undefined;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(seg));
        if (!pair) break;
        const key = isScalar(pair.key) ? pair.key : undefined;
        const value = pair.value as Node | null;
        // An empty value (`volume:`) has no text of its own: point at its key.
        const empty = !value || !value.range || (isScalar(value) && value.value === null && value.range[0] === value.range[1]);
        if ((last && atKey) || empty) {
          found = key ?? found;
          break;
        }
        node = value;
        found = value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg] as Node | undefined;
        if (!item || !item.range) break;
        node = item;
        found = item;
      } else break;
    }
    return found?.range ? pos(found.range[0]) : undefined;
  };
}

export function parseYamlSource(file: string, text: string): YamlSource {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_FILE_BYTES) {
    return unusable(file, `file is ${bytes} bytes; a tenant or platform file may be at most ${MAX_FILE_BYTES} bytes`);
  }
  if (text.trim() === '') {
    return unusable(file, 'file is empty; expected a YAML mapping (key: value lines), e.g. from `npm run tenant:new`');
  }

  const deep = nestingTooDeep(text);
  if (deep) {
    return unusable(file, `the YAML nests more than ${MAX_NESTING} levels deep; tenant and platform files need only a few levels`, deep);
  }

  const lineCounter = new LineCounter();
  const pos = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
    if (doc.errors.some((e) => e.code === 'MULTIPLE_DOCS')) {
      // Rare: parse again to say how many documents there are and where the second starts.
      const docs = parseAllDocuments(text, { prettyErrors: false }) as Document.Parsed[];
      const second = docs[1]?.range ? pos(docs[1].range[0]) : undefined;
      return unusable(file, `file holds ${docs.length} YAML documents; expected exactly one (remove the "---" separators)`, second);
    }
  } catch (e) {
    return unusable(file, `YAML could not be parsed (${(e as Error).message}); fix the YAML syntax`);
  }
  if (doc.contents === null && !/^\s*[^#\s]/m.test(text)) {
    return unusable(file, 'file holds only comments; expected a YAML mapping (key: value lines)');
  }
  const diagnostics: Diagnostic[] = [];
  if (doc.errors.length > 0) {
    const keys = doc.errors.some((e) => e.code === 'DUPLICATE_KEY') ? keysByOffset(doc.contents) : undefined;
    for (const e of doc.errors.slice(0, MAX_YAML_ERRORS)) {
      const k = keys?.get(e.pos[0]);
      const p = pos(e.pos[0]);
      diagnostics.push({
        severity: 'error',
        file,
        path: k?.path ?? [],
        message: yamlErrorMessage(e, k && { key: k.key, first: k.first !== undefined ? pos(k.first) : undefined }),
        line: p.line,
        col: p.col,
      });
    }
    if (doc.errors.length > MAX_YAML_ERRORS) {
      diagnostics.push({ severity: 'error', file, path: [], message: `${doc.errors.length - MAX_YAML_ERRORS} more YAML errors not shown; fix the ones above first`, line: 1, col: 1 });
    }
    return { file, diagnostics, locate: () => undefined };
  }
  for (const w of doc.warnings) {
    const p = pos(w.pos[0]);
    const raw = w.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    diagnostics.push({ severity: 'warning', file, path: [], message: `${raw} (${w.code}); the value is read as plain text`, line: p.line, col: p.col });
  }
  if (!isMap(doc.contents)) {
    const c = doc.contents;
    const kind = isSeq(c) ? 'a list' : c === null || (isScalar(c) && c.value === null) ? 'empty' : isAlias(c) ? 'an alias' : 'a single value';
    const p = c?.range ? pos(c.range[0]) : undefined;
    diagnostics.push({ severity: 'error', file, path: [], message: `the document is ${kind}; expected a YAML mapping (key: value lines)`, line: p?.line ?? 1, col: p?.col ?? 1 });
    return { file, diagnostics, locate: () => undefined };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const message = (e as Error).message;
    diagnostics.push(
      /resource exhaustion|alias count/i.test(message)
        ? { severity: 'error', file, path: [], message: `YAML aliases expand too far (a "billion laughs" document?); allowed: at most ${MAX_ALIAS_COUNT} alias expansions per file`, line: 1, col: 1 }
        : { severity: 'error', file, path: [], message: `YAML could not be read: ${message}`, line: 1, col: 1 },
    );
    return { file, diagnostics, locate: () => undefined };
  }
  return { file, data, diagnostics, locate: locator(doc, pos) };
}
