// Where the host runners find the fixture project that scripts/test-js.sh
// installs the packed tarball into (EDGECACHE_FIXTURE). Node-only helper.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function fixtureDir() {
  const dir = process.env.EDGECACHE_FIXTURE;
  if (!dir || !existsSync(join(dir, 'node_modules', 'edgecache', 'package.json'))) {
    throw new Error('EDGECACHE_FIXTURE must name a fixture project with edgecache installed: run scripts/test-js.sh');
  }
  return dir;
}
