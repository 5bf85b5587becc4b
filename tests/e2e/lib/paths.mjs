import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (served as / by the test server). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Where failing tests write original/replay/diff PNGs (gitignored). */
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'tests/e2e/artifacts');
