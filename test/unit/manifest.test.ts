import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { listFiles, PackageManager } from '@vscode/vsce';

// What makes the package installable and presentable like any Marketplace extension: the
// manifest fields the Marketplace page reads, and a README whose images survive vsce (which
// rewrites relative links onto the repository and refuses SVG images). The checks are functions
// returning problems, so the last tests can prove they fire on a broken copy.
const root = fileURLToPath(new URL('../../', import.meta.url));

type Manifest = Record<string, unknown>;
type FileAt = (path: string) => Buffer | undefined;

/** A file inside the repository, or undefined when it is missing or would be outside it. */
const repoFile: FileAt = (path) => {
  const absolute = resolve(root, path);
  const inside = relative(root, absolute);
  if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return undefined;
  try {
    return readFileSync(absolute);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
};

/** VS Code's EXTENSION_CATEGORIES (src/vs/platform/extensions/common/extensions.ts): what the Marketplace files an extension under. */
const MARKETPLACE_CATEGORIES = new Set([
  'AI', 'Azure', 'Chat', 'Data Science', 'Debuggers', 'Extension Packs', 'Education', 'Formatters', 'Keymaps',
  'Language Packs', 'Linters', 'Machine Learning', 'Notebooks', 'Programming Languages', 'SCM Providers',
  'Snippets', 'Testing', 'Themes', 'Visualization', 'Other',
]);
/** The Marketplace keeps at most 30 tags. */
const MAX_KEYWORDS = 30;
const ICON_SIZE = 128;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isHttps = (value: unknown): boolean => typeof value === 'string' && /^https:\/\/[^\s/]+\/\S*$/.test(value);

/** Width and height from a PNG's IHDR chunk (bytes 16..23), or undefined when the bytes are not a PNG. */
function pngSize(bytes: Buffer): { width: number; height: number } | undefined {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature) || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** The raster format the bytes start with; vsce and the Marketplace take these, not SVG. */
function imageFormat(bytes: Buffer): 'png' | 'jpeg' | 'gif' | undefined {
  if (pngSize(bytes)) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.toString('latin1', 0, 4) === 'GIF8') return 'gif';
  return undefined;
}

function manifestProblems(manifest: Manifest, fileAt: FileAt): string[] {
  const problems: string[] = [];
  const { repository, bugs, homepage, icon, categories, keywords, galleryBanner, scripts } = manifest;
  if (!isRecord(repository) || repository['type'] !== 'git' || typeof repository['url'] !== 'string' || !/^https:\/\/github\.com\/[^/\s]+\/[^/\s]+\.git$/.test(repository['url'])) {
    problems.push('repository: needs { type: "git", url: "https://github.com/<owner>/<name>.git" }');
  }
  if (!isRecord(bugs) || !isHttps(bugs['url'])) problems.push('bugs.url: needs an https URL');
  if (!isHttps(homepage)) problems.push('homepage: needs an https URL');

  if (typeof icon !== 'string' || !icon) {
    problems.push('icon: missing');
  } else {
    const bytes = fileAt(icon);
    const size = bytes && pngSize(bytes);
    if (!bytes) problems.push(`icon: ${icon} does not exist`);
    else if (!size) problems.push(`icon: ${icon} is not a PNG`);
    else if (size.width !== ICON_SIZE || size.height !== ICON_SIZE) problems.push(`icon: ${icon} is ${size.width}×${size.height}, not ${ICON_SIZE}×${ICON_SIZE}`);
  }

  if (!Array.isArray(categories) || categories.length === 0) {
    problems.push('categories: missing');
  } else {
    for (const category of categories) {
      if (typeof category !== 'string' || !MARKETPLACE_CATEGORIES.has(category)) problems.push(`categories: ${String(category)} is not a Marketplace category`);
    }
  }

  if (!Array.isArray(keywords) || keywords.length === 0) {
    problems.push('keywords: missing');
  } else {
    if (keywords.length > MAX_KEYWORDS) problems.push(`keywords: ${keywords.length}, at most ${MAX_KEYWORDS}`);
    if (new Set(keywords).size !== keywords.length) problems.push('keywords: duplicates');
    if (keywords.some((keyword) => typeof keyword !== 'string' || !keyword.trim())) problems.push('keywords: an empty or non-string keyword');
  }

  if (!isRecord(galleryBanner) || typeof galleryBanner['color'] !== 'string' || !/^#[0-9a-f]{6}$/i.test(galleryBanner['color']) || !['dark', 'light'].includes(String(galleryBanner['theme']))) {
    problems.push('galleryBanner: needs { color: "#rrggbb", theme: "dark" | "light" }');
  }

  const pack = isRecord(scripts) ? scripts['package'] : undefined;
  if (typeof pack !== 'string' || !pack.includes('vsce package')) {
    problems.push('scripts.package: does not run vsce package');
  } else {
    // Without a repository vsce asks (or is told to skip asking); without the rewrite the
    // README's relative images are broken on the Marketplace page.
    for (const flag of ['--allow-missing-repository', '--no-rewrite-relative-links']) {
      if (pack.includes(flag)) problems.push(`scripts.package: ${flag}`);
    }
  }
  return problems;
}

/** Every image a Markdown file shows (Markdown images and <img>), outside fenced code blocks. */
function imageLinks(markdown: string): string[] {
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  const markdownImages = [...prose.matchAll(/!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+["'(][^)]*)?\)/g)].map((match) => match[1] ?? '');
  const htmlImages = [...prose.matchAll(/<img\b[^>]*\bsrc=["']([^"']+)["']/gi)].map((match) => match[1] ?? '');
  return [...markdownImages, ...htmlImages];
}

function readmeImageProblems(markdown: string, fileAt: FileAt): string[] {
  const problems: string[] = [];
  for (const link of imageLinks(markdown)) {
    if (/^[a-z][a-z\d+.-]*:/i.test(link)) {
      if (!/^https:\/\//i.test(link)) problems.push(`${link}: an absolute image must be https`);
      else if (/\.svg(?:[?#]|$)/i.test(link)) problems.push(`${link}: vsce rejects SVG images`);
      continue;
    }
    const path = decodeURI(link.replace(/[?#].*$/, ''));
    const bytes = fileAt(path);
    if (!bytes) problems.push(`${link}: no such file in the repository`);
    else if (!/\.(png|jpe?g|gif)$/i.test(path) || !imageFormat(bytes)) problems.push(`${link}: not a PNG, JPEG or GIF (vsce rejects SVG images)`);
  }
  return problems;
}

const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as Manifest;
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');

describe('manifest and README for the Marketplace', () => {
  test('package.json has a repository, links, a 128×128 PNG icon, categories, keywords and a banner', () => {
    assert.deepEqual(manifestProblems(manifest, repoFile), []);
  });

  test('every image in README.md is a PNG, JPEG or GIF in the repository (vsce makes them absolute URLs)', () => {
    assert.ok(imageLinks(readme).length >= 5, 'the README shows its screenshots');
    assert.deepEqual(readmeImageProblems(readme, repoFile), []);
  });

  test('vsce ships the icon, and only the bundles, manifest, localisation, media and top-level docs', async () => {
    const files = await listFiles({ cwd: root, packageManager: PackageManager.None });
    for (const needed of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'media/icon.png', 'media/walkthrough/connect.md']) {
      assert.ok(files.includes(needed), `${needed} is not in the package`);
    }
    const shipped = /^(dist\/[^/]+\.js|media\/[^/]+|media\/walkthrough\/[^/]+\.md|l10n\/[^/]+\.json|package(\.nls(\.[a-z-]+)?)?\.json|README\.md|CHANGELOG\.md|LICENSE)$/;
    assert.deepEqual(files.filter((file) => !shipped.test(file)), []);
  });

  test('the checks fire on a broken manifest', () => {
    const pngHeader = (size: number): Buffer => {
      const bytes = Buffer.alloc(24);
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
      bytes.write('IHDR', 12, 'latin1');
      bytes.writeUInt32BE(size, 16);
      bytes.writeUInt32BE(size, 20);
      return bytes;
    };
    const files: Record<string, Buffer> = { 'icon.png': pngHeader(128), 'small.png': pngHeader(64), 'badge.svg': Buffer.from('<svg/>') };
    const fileAt: FileAt = (path) => files[path];
    const good: Manifest = {
      repository: { type: 'git', url: 'https://github.com/owner/name.git' },
      bugs: { url: 'https://github.com/owner/name/issues' },
      homepage: 'https://github.com/owner/name#readme',
      icon: 'icon.png',
      categories: ['Other'],
      keywords: ['feishu'],
      galleryBanner: { color: '#1F2329', theme: 'dark' },
      scripts: { package: 'vsce package --no-dependencies' },
    };
    assert.deepEqual(manifestProblems(good, fileAt), []);
    const broken: Manifest = {
      ...good,
      repository: undefined,
      icon: 'small.png',
      categories: ['Productivity'],
      keywords: Array.from({ length: 31 }, (_, index) => `k${index}`),
      galleryBanner: { color: 'red', theme: 'dark' },
      scripts: { package: 'vsce package --allow-missing-repository --no-rewrite-relative-links' },
    };
    assert.deepEqual(manifestProblems(broken, fileAt), [
      'repository: needs { type: "git", url: "https://github.com/<owner>/<name>.git" }',
      'icon: small.png is 64×64, not 128×128',
      'categories: Productivity is not a Marketplace category',
      'keywords: 31, at most 30',
      'galleryBanner: needs { color: "#rrggbb", theme: "dark" | "light" }',
      'scripts.package: --allow-missing-repository',
      'scripts.package: --no-rewrite-relative-links',
    ]);
    assert.deepEqual(manifestProblems({ ...good, icon: 'badge.svg' }, fileAt), ['icon: badge.svg is not a PNG']);
    assert.deepEqual(manifestProblems({ ...good, icon: 'none.png' }, fileAt), ['icon: none.png does not exist']);
    assert.deepEqual(manifestProblems({ ...good, keywords: ['a', 'a'] }, fileAt), ['keywords: duplicates']);
  });

  test('the checks fire on a README with a missing, an SVG, an http and an outside image', () => {
    // A real PNG outside the repository: vsce would turn the link into a URL on the repository, where it is not.
    const outsideDir = mkdtempSync(join(tmpdir(), 'feishu-badge-manifest-'));
    try {
      writeFileSync(join(outsideDir, 'shot.png'), readFileSync(resolve(root, 'media/icon.png')));
      const outside = relative(root, join(outsideDir, 'shot.png')).split(sep).join('/');
      const markdown = [
        '![ok](media/icon.png)',
        '![gone](docs/missing.png)',
        '![vector](media/badge.svg)',
        '<img alt="plain" src="http://example.com/a.png">',
        '![remote vector](https://example.com/b.svg)',
        `![outside](${outside})`,
        '```md',
        '![in a code block, not an image](docs/also-missing.png)',
        '```',
      ].join('\n');
      assert.deepEqual(readmeImageProblems(markdown, repoFile), [
        'docs/missing.png: no such file in the repository',
        'media/badge.svg: not a PNG, JPEG or GIF (vsce rejects SVG images)',
        'https://example.com/b.svg: vsce rejects SVG images',
        `${outside}: no such file in the repository`,
        'http://example.com/a.png: an absolute image must be https',
      ]);
    } finally {
      rmSync(outsideDir, { recursive: true, force: true });
    }
  });
});

describe('the walkthrough', () => {
  test('every step has its media file and completes on a context key the host sets', () => {
    const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
      contributes: { walkthroughs: Array<{ steps: Array<{ id: string; media: { markdown?: string }; completionEvents?: string[] }> }> };
    };
    const hostKeys = readFileSync(resolve(root, 'src/host/ui/contextKeys.ts'), 'utf8');
    const steps = manifest.contributes.walkthroughs.flatMap((walkthrough) => walkthrough.steps);
    assert.deepEqual(steps.map((step) => step.id), ['connect', 'test', 'badge', 'clear']);
    for (const step of steps) {
      assert.ok(step.media.markdown !== undefined && existsSync(resolve(root, step.media.markdown)), `${step.id}: media ${step.media.markdown}`);
      const events = step.completionEvents ?? [];
      assert.equal(events.length, 1, `${step.id}: one completion event`);
      const key = /^onContext:(feishuBadge\.[A-Za-z]+)$/.exec(events[0] ?? '')?.[1];
      assert.ok(key !== undefined && hostKeys.includes(`'${key}'`), `${step.id}: ${events[0]} is not a key the host sets`);
    }
  });
});
