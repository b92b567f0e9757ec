// Where the example finds this repo's sample logs, wherever it is run from.
import { join } from 'node:path';

const repoRoot = join(__dirname, '..', '..', '..');

export const APP_LOG = join(repoRoot, 'examples', 'app.log');
export const NGINX_LOG = join(repoRoot, 'fixtures', 'real', 'nginx-timed.log');
