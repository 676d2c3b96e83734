// Declarations of the package's public API, self-contained: the widget's own declaration files that the entries
// reach, and the contract's types they name (zod-inferred in contract/) written out in full, so a consumer needs
// neither zod nor our sources. Anything else an entry's types would import fails the build.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import ts from 'typescript';

const SRC = resolve('widget/src');
const CONTRACT = resolve('contract/index.ts');
/** Packages the public types may import: the React binding's peer. */
const PEERS = new Set(['react']);
/** Import and re-export statements of an emitted declaration file (comments may quote `from '…'` too). */
const IMPORT = /^((?:import|export)\b[^;]*?\bfrom\s*)(['"])([^'"]+)\2/gm;

/** Writes `<outDir>/types/…` and one `<outDir>/<name>.d.ts` per entry (`{ index: 'widget/src/index.ts', … }`). */
export function writeDeclarations(entries, outDir) {
  const program = ts.createProgram(Object.values(entries), {
    declaration: true,
    emitDeclarationOnly: true,
    outDir: '/declarations',
    rootDir: '.',
    jsx: ts.JsxEmit.ReactJSX,
    jsxImportSource: 'preact',
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts', 'lib.esnext.disposable.d.ts'],
    skipLibCheck: true,
    strict: true,
    types: [],
  });
  const emitted = new Map();
  const result = program.emit(undefined, (file, text) => emitted.set(file, text), undefined, true);
  if (result.emitSkipped) throw new Error('declaration emit failed');
  const sourceOf = (file) => resolve(file.replace('/declarations/', '').replace(/\.d\.ts$/, '.ts'));
  const declarations = new Map([...emitted].map(([file, text]) => [sourceOf(file), text]));

  const typesDir = join(outDir, 'types');
  rmSync(typesDir, { recursive: true, force: true });
  const contractNames = new Set();
  const pending = Object.values(entries).map((entry) => resolve(entry));
  const written = new Set();
  while (pending.length) {
    const source = pending.pop();
    if (written.has(source)) continue;
    written.add(source);
    const text = declarations.get(source) ?? declarations.get(source.replace(/\.ts$/, '.tsx'));
    if (text === undefined) throw new Error(`no declarations for ${source}`);
    const target = join(typesDir, relative(SRC, source).replace(/\.tsx?$/, '.d.ts'));
    if (/\bimport\(/.test(text)) throw new Error(`${source}: an inline import() type; import the type by name`);
    const rewritten = text.replace(IMPORT, (whole, _head, _quote, specifier) => {
      if (PEERS.has(specifier)) return whole;
      if (!specifier.startsWith('.')) throw new Error(`${source}: public types import ${specifier}`);
      const imported = resolve(dirname(source), specifier.replace(/\.js$/, '.ts'));
      if (imported === CONTRACT) {
        for (const name of namedImports(text, specifier)) contractNames.add(name);
        const contract = posix.relative(dirname(target), join(typesDir, 'contract.js'));
        return whole.replace(specifier, contract.startsWith('.') ? contract : `./${contract}`);
      }
      if (!imported.startsWith(SRC)) throw new Error(`${source}: public types import ${specifier}`);
      pending.push(imported);
      return whole;
    });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, rewritten);
  }
  writeFileSync(join(typesDir, 'contract.d.ts'), contractTypes(program, [...contractNames].sort()));
  for (const [name, entry] of Object.entries(entries)) {
    const types = relative(SRC, resolve(entry)).replace(/\.tsx?$/, '.js');
    writeFileSync(join(outDir, `${name}.d.ts`), `export * from './types/${types}';\n`);
  }
}

function namedImports(text, specifier) {
  const names = [];
  const pattern = /import(?:\s+type)?\s*\{([^}]*)\}\s*from\s*(['"])([^'"]+)\2/g;
  for (const [, list, , from] of text.matchAll(pattern)) {
    if (from !== specifier) continue;
    for (const part of list.split(',')) {
      const name = part.replace(/^\s*type\s+/, '').trim();
      if (name.includes(' as ')) throw new Error(`renamed contract import ${name}: not supported`);
      if (name) names.push(name);
    }
  }
  return names;
}

/** The contract's types written out structurally (the checker expands each `z.infer<…>`). */
function contractTypes(program, names) {
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(CONTRACT));
  const exports = new Map(checker.getExportsOfModule(module).map((symbol) => [symbol.name, symbol]));
  const printer = ts.createPrinter();
  const file = ts.createSourceFile('contract.d.ts', '', ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const flags = ts.NodeBuilderFlags.NoTruncation | ts.NodeBuilderFlags.InTypeAlias | ts.NodeBuilderFlags.IgnoreErrors;
  const lines = ['// The contract types the widget API names, expanded from contract/ at build time.'];
  for (const name of names) {
    let symbol = exports.get(name);
    if (!symbol) throw new Error(`contract/ exports no ${name}`);
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const node = checker.typeToTypeNode(checker.getDeclaredTypeOfSymbol(symbol), undefined, flags);
    if (!node) throw new Error(`cannot write out ${name}`);
    lines.push(`export type ${name} = ${printer.printNode(ts.EmitHint.Unspecified, node, file)};`);
  }
  return `${lines.join('\n')}\n`;
}
