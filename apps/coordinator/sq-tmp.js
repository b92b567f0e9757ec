const Database = require('better-sqlite3');
const fs = require('fs');
const body = fs.readFileSync('/tmp/f/partial.json');
const modes = process.argv.slice(2);
for (const mode of modes) {
  for (const f of ['', '-wal', '-shm']) fs.rmSync('/tmp/f/sq.db' + f, { force: true });
  const db = new Database('/tmp/f/sq.db');
  db.pragma('page_size = 16384'); db.pragma('journal_mode = WAL'); db.pragma('synchronous = NORMAL'); db.pragma('locking_mode = EXCLUSIVE');
  for (const p of mode.split('+').filter(Boolean)) db.pragma(p);
  db.exec('CREATE TABLE partials (job TEXT, chunk INT, body BLOB, PRIMARY KEY(job, chunk))');
  const ins = db.prepare('INSERT OR REPLACE INTO partials VALUES (?,?,?)');
  const del = db.prepare('DELETE FROM partials WHERE job = ?');
  const t = [];
  for (let i = 0; i < 80; i++) {
    const s = process.hrtime.bigint();
    db.transaction(() => ins.run('j' + i, 0, body))();
    t.push(Number(process.hrtime.bigint() - s) / 1e6);
    if (i % 4 == 3) db.transaction(() => { for (let k = i - 3; k <= i; k++) del.run('j' + k); })();
  }
  t.sort((a, b) => a - b);
  console.log(mode || 'base', 'median', t[40].toFixed(2), 'mean', (t.reduce((a, b) => a + b) / t.length).toFixed(2), 'max', t[79].toFixed(2));
  db.close();
}
