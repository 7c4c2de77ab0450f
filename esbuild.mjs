// Builds the extension (Node, CommonJS, `vscode` external) and the sidebar form's webview
// (browser, IIFE). `--production` minifies and drops source maps; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { resolve } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'info',
  legalComments: 'none',
  metafile: true,
};

/**
 * The sidebar form (src/webview). Exported so the webview tests build it, in memory, exactly so.
 * @type {import('esbuild').BuildOptions}
 */
export const webviewBundle = {
  ...common,
  entryPoints: ['src/webview/main.ts'],
  outfile: 'dist/webview.js',
  platform: 'browser',
  format: 'iife',
  // Older than the Chromium of any VS Code that `engines` (^1.100) allows.
  target: 'chrome120',
};

/** @type {import('esbuild').BuildOptions[]} */
export const bundles = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  webviewBundle,
];

async function main() {
  if (watch) {
    const contexts = await Promise.all(bundles.map((options) => esbuild.context(options)));
    await Promise.all(contexts.map((context) => context.watch()));
    return;
  }
  const results = await Promise.all(bundles.map((options) => esbuild.build(options)));
  for (const [index, result] of results.entries()) {
    for (const [file, output] of Object.entries(result.metafile.outputs)) {
      if (!file.endsWith('.map')) {
        console.log(`${bundles[index].platform} bundle ${file}: ${(output.bytes / 1024).toFixed(1)} KiB`);
      }
    }
  }
}

// Run only as a script, so tests can import the options above without building everything.
if (process.argv[1] !== undefined && import.meta.filename === resolve(process.argv[1])) {
  await main();
}
