// Builds the extension (Node, CommonJS, `vscode` external) and, as more bundles arrive, the
// webview (browser). `--production` minifies and drops source maps; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';

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
  // The webview bundle joins here: { platform: 'browser', format: 'iife', entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview.js' }.
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

await main();
