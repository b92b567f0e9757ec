// better-sqlite3 (the coordinator's state store) compiles from source when its prebuilt binary cannot
// be fetched; point node-gyp at the headers of the installed Node so that needs no download either.
const { existsSync } = require('node:fs');
const { dirname, join } = require('node:path');

function installedNodeDir() {
  for (const dir of [join(dirname(process.execPath), '..'), '/usr', '/usr/local']) {
    if (existsSync(join(dir, 'include', 'node', 'node.h'))) return dir;
  }
  return undefined;
}

module.exports = {
  hooks: {
    updateConfig(config) {
      const nodedir = process.env.npm_config_nodedir ?? installedNodeDir();
      if (nodedir) config.extraEnv = { ...config.extraEnv, npm_config_nodedir: nodedir };
      return config;
    },
  },
};
