// `npm test`'s typecheck and ESLint in one process over one TypeScript program: it reports what
// `tsc --noEmit`, `eslint .` and the type and file errors of `npm run build` report, for about half
// the CPU of running them apart (ESLint's type-aware rules read the types the typecheck already
// resolved instead of building and checking a second program). `npm run typecheck`,
// `npm run lint` and `npm run build` stay as they are.
import { ESLint } from 'eslint';
import { relative, sep } from 'node:path';
import process from 'node:process';
import ts from 'typescript';

const root = process.cwd();
const show = (file) => relative(root, file);

function configOf(file) {
  return ts.getParsedCommandLineOfConfigFile(file, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
}

// `tsc --noEmit`: every file of tsconfig.json.
const all = configOf('tsconfig.json');
const program = ts.createProgram({
  rootNames: all.fileNames,
  options: all.options,
  projectReferences: all.projectReferences,
});
const diagnostics = [...all.errors, ...ts.getPreEmitDiagnostics(program)];
const problems = [];

// `npm run build` (tsconfig.build.json: src alone, rootDir src), its program made from the files
// already parsed: its options, and that every file it compiles lies under rootDir.
const build = configOf('tsconfig.build.json');
const host = ts.createCompilerHost(build.options);
const read = host.getSourceFile;
host.getSourceFile = (name, ...rest) =>
  program.getSourceFile(name) ?? read.call(host, name, ...rest);
const buildProgram = ts.createProgram({ rootNames: build.fileNames, options: build.options, host });
diagnostics.push(
  ...build.errors,
  ...buildProgram.getOptionsDiagnostics(),
  ...buildProgram.getGlobalDiagnostics(),
);
for (const f of buildProgram.getSourceFiles())
  if (!f.isDeclarationFile && !f.fileName.startsWith(build.options.rootDir + sep))
    problems.push(`npm run build: ${show(f.fileName)} is imported from src but lies outside it`);

// Its type errors are the ones above (the same compiler options over the same files) unless a file
// outside src declares globals or modules that src could lean on: then src is checked alone too.
const srcImports = new Set(
  build.fileNames.flatMap((name) =>
    ts.preProcessFile(ts.sys.readFile(name) ?? '', true, true).importedFiles.map((i) => i.fileName),
  ),
);
/** Whether `f`'s augmentation of module `name` reaches src: src's program holds it, or it is unresolved. */
const augmentsSrc = (f, name) => {
  const to = ts.resolveModuleName(name, f.fileName, all.options, ts.sys).resolvedModule;
  return to === undefined || buildProgram.getSourceFile(to.resolvedFileName) !== undefined;
};
/**
 * A script (no import or export) declaring more than modules src never imports, or a module
 * declaring globals or augmenting a module src's program holds (test/support/global-setup.ts
 * augments vitest's, which src never loads).
 */
const declaresForSrc = (f) =>
  ts.isExternalModule(f)
    ? f.statements.some(
        (s) =>
          ts.isModuleDeclaration(s) && (!ts.isStringLiteral(s.name) || augmentsSrc(f, s.name.text)),
      )
    : !f.statements.every(
        (s) =>
          ts.isModuleDeclaration(s) && ts.isStringLiteral(s.name) && !srcImports.has(s.name.text),
      );
const leaning = program
  .getSourceFiles()
  .filter((f) => !buildProgram.getSourceFile(f.fileName))
  .filter((f) => !program.isSourceFileDefaultLibrary(f) && !f.fileName.includes('/node_modules/'))
  .filter(declaresForSrc);
if (leaning.length > 0) {
  process.stdout.write(
    `src is type-checked alone too: ${leaning.map((f) => show(f.fileName))} declare globals or augment src's modules\n`,
  );
  diagnostics.push(...ts.getPreEmitDiagnostics(buildProgram));
}

const unique = ts.sortAndDeduplicateDiagnostics(diagnostics);
if (unique.length > 0)
  process.stdout.write(
    ts.formatDiagnosticsWithColorAndContext(unique, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => root,
      getNewLine: () => '\n',
    }),
  );
for (const p of problems) process.stdout.write(`${p}\n`);

// `eslint .` with eslint.config.js, its type-aware rules reading the program above.
const eslint = new ESLint({
  overrideConfig: [
    {
      files: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'],
      languageOptions: { parserOptions: { projectService: false, programs: [program] } },
    },
  ],
});
const results = await eslint.lintFiles(['.']);
const report = await (await eslint.loadFormatter('stylish')).format(results);
if (report) process.stdout.write(report);
const lintErrors = results.reduce((n, r) => n + r.errorCount, 0);

const typeErrors = unique.length + problems.length;
process.stdout.write(`typecheck: ${typeErrors} errors; lint: ${lintErrors} errors\n`);
process.exit(typeErrors === 0 && lintErrors === 0 ? 0 : 1);
