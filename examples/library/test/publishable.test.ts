// @loganalyzer/core and @loganalyzer/contract are ready to publish: an exports map with types, and a
// tarball holding the built entry points and nothing of the sources or tests.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const packagesDir = join(__dirname, '..', '..', '..', 'packages');

interface PackedFile { path: string }

function packedFiles(dir: string): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return (JSON.parse(out) as Array<{ files: PackedFile[] }>)[0].files.map((f) => f.path);
}

describe.each([
  ['core', ['.', './testing']],
  ['contract', ['.']],
])('@loganalyzer/%s', (name, entries) => {
  const dir = join(packagesDir, name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

  it('is publishable: not private, described, public access', () => {
    expect(manifest.private).toBeUndefined();
    expect(typeof manifest.description).toBe('string');
    expect(manifest.publishConfig).toStrictEqual({ access: 'public' });
  });

  it('maps every entry to built JavaScript and its types, and packs them', () => {
    const files = packedFiles(dir);
    for (const entry of entries) {
      const target = manifest.exports[entry];
      for (const file of [target.types, target.default]) expect(files).toContain(file.replace(/^\.\//, ''));
    }
  });

  it('packs no sources, tests or maps of them', () => {
    const files = packedFiles(dir);
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('assembly/') || f.endsWith('.test.js'))).toStrictEqual([]);
    expect(files).toContain('package.json');
    expect(files).toContain('README.md');
  });
});

it('packs core\'s compiled wasm scanner (its AssemblyScript source stays out, as above)', () => {
  expect(packedFiles(join(packagesDir, 'core'))).toContain('dist/wasm/applog-scan.wasm');
});
