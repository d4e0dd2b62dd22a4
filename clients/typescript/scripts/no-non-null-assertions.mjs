// Fails when a TypeScript file uses a non-null assertion (`value!`): the client's types say what is always
// there, so code written against them needs none, and one would hide a null the service may send.
// Usage: node scripts/no-non-null-assertions.mjs <file or directory>...
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const files = (path) =>
  statSync(path).isDirectory()
    ? readdirSync(path).flatMap((name) => files(join(path, name)))
    : path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];

let found = 0;
for (const file of process.argv.slice(2).flatMap(files)) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isNonNullExpression(node)) {
      const { line, character } = source.getLineAndCharacterOfPosition(node.getStart());
      console.error(`${file}:${line + 1}:${character + 1} non-null assertion: ${node.getText()}`);
      found++;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}
console.log(found === 0 ? 'no non-null assertions' : `${found} non-null assertion(s)`);
process.exit(found === 0 ? 0 : 1);
