// Reads the project's own TypeScript sources as a graph of relative imports, for the architecture test.
// A regex over import/export/import() specifiers is enough here: the code is ours, formatted by Biome,
// and only relative specifiers matter (packages are not layers).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

/** The project root (this file lives in test/support/). */
export const PROJECT_ROOT = normalize(join(__dirname, '..', '..'));

/** One relative import: the importing file, the imported file (both root-relative, `/`-separated). */
export interface ImportEdge {
  from: string;
  to: string;
  /** `import type …` / `export type … from`: erased at runtime, still a design dependency. */
  typeOnly: boolean;
}

const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

const toPosix = (path: string) => path.split(sep).join('/');

/** Every `.ts` file under the given root-relative folders, root-relative with `/` separators. */
export function sourceFiles(folders: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(PROJECT_ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        files.push(path);
      }
    }
  };
  for (const folder of folders) {
    if (existsSync(join(PROJECT_ROOT, folder))) walk(folder);
  }
  return files.sort();
}

function resolveSpecifier(from: string, specifier: string): string | undefined {
  const base = normalize(join(dirname(from), specifier)).replace(/\.(ts|js)$/, '');
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    const absolute = join(PROJECT_ROOT, candidate);
    if (existsSync(absolute) && statSync(absolute).isFile()) return toPosix(relative(PROJECT_ROOT, absolute));
  }
  return undefined;
}

/** The relative imports of `files` (root-relative), resolved to files; unresolvable ones are skipped. */
export function importEdges(files: readonly string[]): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const from of files) {
    const source = readFileSync(join(PROJECT_ROOT, from), 'utf8');
    for (const match of source.matchAll(SPECIFIER)) {
      const specifier = match[2] ?? match[3]!;
      const to = resolveSpecifier(from, specifier);
      if (to) edges.push({ from, to, typeOnly: match[1] !== undefined });
    }
  }
  return edges;
}

/** Strongly connected components with more than one node (Tarjan): each one is an import cycle. */
export function cycles(edges: ReadonlyArray<{ from: string; to: string }>): string[][] {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    if (from === to) continue;
    if (!next.has(from)) next.set(from, new Set());
    next.get(from)!.add(to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of next.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** The layer a file belongs to: `lib/<module>` (a folder, or a top-level file's name) or its top folder. */
export function moduleOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] !== 'lib') return parts[0]!;
  return parts.length > 2 ? `lib/${parts[1]}` : `lib/${parts[1]!.replace(/\.ts$/, '')}`;
}

/** An exported declaration with no TSDoc block (`/** … *\/`) right above it. */
export interface UndocumentedExport {
  file: string;
  line: number;
  name: string;
}

const EXPORTED_DECLARATION =
  /^export\s+(?:declare\s+)?(?:default\s+)?(?:async\s+)?(?:abstract\s+)?(?:function\*?|class|const|let|interface|type|enum)\s+(\w+)/;

/** Exported functions, classes, constants, interfaces, types and enums in `files` that lack TSDoc. */
export function undocumentedExports(files: readonly string[]): UndocumentedExport[] {
  const missing: UndocumentedExport[] = [];
  for (const file of files) {
    const lines = readFileSync(join(PROJECT_ROOT, file), 'utf8').split('\n');
    lines.forEach((text, i) => {
      const match = EXPORTED_DECLARATION.exec(text);
      if (!match) return;
      let above = i - 1;
      while (above >= 0 && lines[above]!.trim() === '') above--;
      if (above >= 0 && lines[above]!.trim().endsWith('*/')) {
        let start = above;
        while (start >= 0 && !lines[start]!.includes('/*')) start--;
        if (start >= 0 && lines[start]!.includes('/**')) return;
      }
      missing.push({ file, line: i + 1, name: match[1]! });
    });
  }
  return missing;
}
