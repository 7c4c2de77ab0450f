// The environment for every child process that installs or starts a tool (apt-get, npm, tsc,
// esbuild, code-server, Chromium). Under `npm test` / `npm run …` this process inherits what npm
// exported for the script: npm_config_* (among them npm_config_user_agent, "npm/… node/v20 …",
// naming the Node that ran the *outer* npm), npm_package_*, npm_lifecycle_*, npm_execpath,
// npm_node_execpath, npm_command, INIT_CWD and NODE. A nested `npm install` treats inherited
// npm_config_* as its own configuration, and install scripts read them: code-server's postinstall
// takes the Node version from npm_config_user_agent and refuses to build for "node v20" although
// it runs on Node 24. So children start from the environment without any of them (PATH, HOME and
// everything else are kept), and each caller then sets explicitly what its child needs, e.g.
// npm_config_nodedir for the code-server install.

/** Whether `name` is a variable npm exports to scripts (npm_*, case-insensitive, and INIT_CWD). */
export function isInheritedNpmVariable(name: string): boolean {
  return /^npm_/i.test(name) || name.toUpperCase() === 'INIT_CWD';
}

/**
 * `base` without npm's script variables, then `overrides` on top (an `undefined` override removes
 * the variable). Overrides are applied as given, npm_config_* included: they are deliberate.
 */
export function cleanChildEnv(base: NodeJS.ProcessEnv = process.env, overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const npmNode = Object.entries(base).find(([name]) => name.toLowerCase() === 'npm_node_execpath')?.[1];
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined || isInheritedNpmVariable(name)) continue;
    // npm also sets NODE to the Node that runs npm (the machine's, e.g. Node 20): not ours.
    if (name === 'NODE' && npmNode !== undefined && value === npmNode) continue;
    env[name] = value;
  }
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}
