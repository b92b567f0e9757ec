// The peers live in the bench cache, never in the workspace's dependencies: chdb alone is ~550 MB.
// `pnpm bench --peers` installs them there with npm on first use, at the versions pinned here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PEER_PACKAGES: Record<string, string> = {
  '@duckdb/node-api': '1.5.6-r.1',
  chdb: '3.4.0',
};

function installedVersion(dir: string, name: string): string | null {
  try {
    return (JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

/** The directory holding the peers' node_modules, installed there if any pinned version is missing. */
export function ensurePeers(cacheDir: string, log: (message: string) => void): string {
  const dir = join(cacheDir, 'peers');
  const missing = Object.entries(PEER_PACKAGES).filter(([name, version]) => installedVersion(dir, name) !== version);
  if (missing.length === 0) return dir;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'loganalyzer-bench-peers', private: true, dependencies: PEER_PACKAGES }, null, 2) + '\n');
  log(`installing ${missing.map(([name, version]) => `${name}@${version}`).join(', ')} into ${dir} (chdb is ~550 MB) ...`);
  const run = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (run.status !== 0) throw new Error(`npm install of the peers in ${dir} failed (${run.signal ?? run.status}): ${run.stderr.trim().slice(-2000)}`);
  for (const [name, version] of Object.entries(PEER_PACKAGES)) {
    if (installedVersion(dir, name) !== version) throw new Error(`after npm install, ${dir} has ${name} ${installedVersion(dir, name) ?? 'missing'}, not ${version}`);
  }
  if (!existsSync(join(dir, 'node_modules'))) throw new Error(`npm install left no node_modules in ${dir}`);
  return dir;
}
