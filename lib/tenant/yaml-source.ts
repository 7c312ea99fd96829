/**
 * Parses one YAML file defensively and maps field paths back to line:col.
 * Hostile input (syntax errors, duplicate keys, tabs, several documents,
 * alias bombs, huge files, non-mapping roots) becomes diagnostics, never a crash.
 */
import { LineCounter, isMap, isPair, isScalar, isSeq, parseAllDocuments, Document, Node } from 'yaml';
import type { Diagnostic, FieldPath } from '../diagnostics';

/** Larger tenant files are certainly a mistake; refuse before parsing. */
export const MAX_FILE_BYTES = 256 * 1024;
/** Alias expansions allowed per document (defeats "billion laughs"). */
const MAX_ALIAS_COUNT = 50;

export interface YamlSource {
  readonly file: string;
  readonly data?: unknown;
  readonly locate: (path: FieldPath, atKey?: boolean) => { line: number; col: number } | undefined;
  readonly diagnostics: Diagnostic[];
}

export function parseYamlSource(file: string, text: string): YamlSource {
  const diagnostics: Diagnostic[] = [];
  const fail = (message: string, line?: number, col?: number): YamlSource => {
    diagnostics.push({ severity: 'error', file, path: [], message, line, col });
    return { file, diagnostics, locate: () => undefined };
  };
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_FILE_BYTES) {
    return fail(`file is ${bytes} bytes; a tenant or platform file may be at most ${MAX_FILE_BYTES} bytes`);
  }
  if (text.trim() === '') return fail('file is empty; expected a mapping with at least id, seq, environment and servers');

  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const pos = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  if (!Array.isArray(docs)) return fail('file could not be parsed as YAML');
  if (docs.length === 0) return fail('file has no YAML document');
  if (docs.length > 1) {
    const second = docs[1].range ? pos(docs[1].range[0]) : undefined;
    return fail(`file holds ${docs.length} YAML documents; expected exactly one (remove the extra "---")`, second?.line, second?.col);
  }
  const doc = docs[0] as Document.Parsed;
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const p = pos(e.pos[0]);
      const msg = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      diagnostics.push({ severity: 'error', file, path: [], message: `YAML ${e.code}: ${msg}`, line: p.line, col: p.col });
    }
    return { file, diagnostics, locate: () => undefined };
  }
  if (!isMap(doc.contents)) {
    const kind = isSeq(doc.contents) ? 'a list' : doc.contents === null ? 'empty' : 'a scalar';
    const p = doc.contents?.range ? pos(doc.contents.range[0]) : undefined;
    return fail(`the document is ${kind}; expected a mapping of keys (id: ..., seq: ...)`, p?.line, p?.col);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    return fail(`YAML aliases expand too far (${(e as Error).message}); aliases are limited to ${MAX_ALIAS_COUNT} per file`);
  }

  const locate = (path: FieldPath, atKey = false) => {
    let node: unknown = doc.contents;
    let found: Node | undefined = doc.contents as Node;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(seg));
        if (!pair) break;
        if (last && atKey && pair.key) { found = pair.key as Node; break; }
        node = pair.value;
        if (node && (node as Node).range) found = node as Node;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = node.items[seg];
        if (!node) break;
        if ((node as Node).range) found = node as Node;
      } else break;
    }
    return found?.range ? pos(found.range[0]) : undefined;
  };
  return { file, data, diagnostics, locate };
}
