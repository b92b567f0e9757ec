// Where the example finds this repo's sample logs, wherever it is run from.
import { join } from 'node:path';

const repoRoot = join(__dirname, '..', '..', '..');

export const APP_LOG = join(repoRoot, 'examples', 'app.log');
/** The hour before app.log, rotated and gzip-compressed. */
export const ROTATED_LOG = join(repoRoot, 'examples', 'app.log.1.gz');
export const NGINX_LOG = join(repoRoot, 'fixtures', 'real', 'nginx-timed.log');
