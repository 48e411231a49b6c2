// The layout the README's folder map promises, checked over the real import graph: lib/ is the domain
// and depends on nothing outside it, applications depend on lib/, no module or file imports itself back,
// and every export says what it is for. Biome enforces the first rule as you type (noRestrictedImports
// override for lib/**) and file cycles (noImportCycles); this test adds module cycles (lib/a ↔ lib/b
// through different files), type-only imports, the other layers and TSDoc.
import {
  cycles,
  type ImportEdge,
  importEdges,
  moduleOf,
  sourceFiles,
  undocumentedExports,
} from '../support/source-tree';

const APPLICATION_FOLDERS = ['functions', 'cli', 'infra', 'local', 'bench'];
const SHIPPED_FOLDERS = ['lib', 'cli', 'functions', 'infra', 'local'];

const files = sourceFiles([...SHIPPED_FOLDERS, 'bin', 'bench', 'test']);
const edges = importEdges(files);
const describeEdge = (edge: ImportEdge) => `${edge.from} → ${edge.to}${edge.typeOnly ? ' (type)' : ''}`;

/** The folders each layer may import from, besides its own. */
const ALLOWED: Record<string, readonly string[]> = {
  lib: ['lib'],
  functions: ['lib'],
  infra: ['lib'],
  cli: ['lib', 'local'],
  bin: ['cli', 'lib'],
  local: ['lib', 'functions', 'cli'],
  // The cold-start bench bundles functions exactly as the stack does.
  bench: ['lib', 'local', 'functions', 'infra', 'test'],
  test: ['lib', 'local', 'functions', 'infra', 'cli', 'bench', 'test'],
};

describe('layers', () => {
  it('reads a non-trivial graph (the parser finds the imports it should)', () => {
    expect(files.length).toBeGreaterThan(300);
    expect(edges.length).toBeGreaterThan(1000);
    expect(edges).toContainEqual(
      expect.objectContaining({
        from: 'functions/api/handler.ts',
        to: expect.stringMatching(/^functions\/api\//),
      }),
    );
  });

  it.each(Object.entries(ALLOWED))('%s/ imports only from its own folder and %j', (layer, allowed) => {
    const outside = edges.filter((edge) => {
      const from = edge.from.split('/')[0]!;
      const to = edge.to.split('/')[0]!;
      return from === layer && to !== layer && !allowed.includes(to);
    });
    expect(outside.map(describeEdge)).toEqual([]);
  });

  it('functions/<name>/ never import another function', () => {
    const across = edges.filter(
      (edge) =>
        edge.from.startsWith('functions/') &&
        edge.to.startsWith('functions/') &&
        edge.from.split('/')[1] !== edge.to.split('/')[1],
    );
    expect(across.map(describeEdge)).toEqual([]);
  });

  it('lib/ is importable by every application folder it serves (sanity: the rules above are not vacuous)', () => {
    for (const application of APPLICATION_FOLDERS) {
      expect(
        edges.some((edge) => edge.from.startsWith(`${application}/`) && edge.to.startsWith('lib/')),
      ).toBe(true);
    }
  });
});

describe('cycles', () => {
  it('no cycle between lib/ modules, type-only imports included', () => {
    const moduleEdges = edges
      .filter((edge) => edge.from.startsWith('lib/') && edge.to.startsWith('lib/'))
      .map((edge) => ({ from: moduleOf(edge.from), to: moduleOf(edge.to), edge }));
    const found = cycles(moduleEdges).map((component) => ({
      modules: component,
      through: moduleEdges
        .filter((m) => m.from !== m.to && component.includes(m.from) && component.includes(m.to))
        .map((m) => describeEdge(m.edge)),
    }));
    expect(found).toEqual([]);
  });

  it('no file imports itself back, in any shipped folder', () => {
    const shipped = edges.filter((edge) => SHIPPED_FOLDERS.includes(edge.from.split('/')[0]!));
    expect(cycles(shipped)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    expect(
      cycles([
        { from: 'a', to: 'b' },
        { from: 'b', to: 'c' },
        { from: 'c', to: 'a' },
        { from: 'c', to: 'd' },
      ]),
    ).toEqual([['a', 'b', 'c']]);
  });
});

describe('documentation', () => {
  it('every exported function, class, constant, interface, type and enum has TSDoc', () => {
    const missing = undocumentedExports(sourceFiles(SHIPPED_FOLDERS)).map(
      ({ file, line, name }) => `${file}:${line} ${name}`,
    );
    expect(missing).toEqual([]);
  });
});
