// Bundle @sveltia/cms's npm entry into one self-contained ES module, with no request to another host.
// One module, no code splitting: the site build (ocop/admin.py) cuts it into parts under 1 MB that the admin
// page joins into a blob: module, which cannot import chunks by relative URL (and esbuild's splitting would
// leave a main chunk of over 3 MB anyway: the npm entry is one 2 MB prebuilt module).
// - the UI fonts are inlined as data: URLs (the npm entry loads them beside the script);
// - the GitHub status check (www.githubstatus.com) reads an empty answer and reports "unknown";
// - the fallback loaders of code highlighting from unpkg.com point at an empty data: URL;
// - the CSS fallback URLs of the fonts (cdn.jsdelivr.net) are emptied;
// - code-highlighting grammars (unpkg/@shikijs), image encoders, the map widget and the other UI
//   languages are left out: the catalog's forms use none of them, and what is left out fails with a
//   clear error instead of a request.
// Usage: node tools/cms/build.mjs <out file>   (run by tools/update_cms.sh)
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const out = process.argv[2];
const pkgDir = path.join(process.cwd(), 'node_modules', '@sveltia', 'cms');
const npmDir = path.join(pkgDir, 'npm');
const KEEP_LOCALES = new Set(['en-US', 'vi']);
const MIME = { '.woff2': 'font/woff2', '.png': 'image/png' };

const leftOut = (what) => `throw new Error(${JSON.stringify(`Sveltia CMS: ${what} is not included in this catalog's build`)});`;

const plugin = {
  name: 'offline',
  setup(build) {
    build.onResolve({ filter: /^@shikijs\/langs\// }, (a) => ({ path: a.path, namespace: 'left-out' }));
    build.onResolve({ filter: /^(svgo\/browser|terra-draw|terra-draw-leaflet-adapter|leaflet\/dist\/leaflet-src\.esm\.js)$/ },
      (a) => ({ path: a.path, namespace: 'left-out' }));
    build.onResolve({ filter: /\/chunks\/(heic|webp_enc|webp_enc_simd|react-dom)-[^/]*\.js$/ },
      (a) => ({ path: a.path, namespace: 'left-out' }));
    build.onResolve({ filter: /\/locales\/[^/]+\.json$/ }, (a) => {
      const name = path.basename(a.path, '.json');
      return KEEP_LOCALES.has(name) ? undefined : { path: a.path, namespace: 'left-out' };
    });
    build.onLoad({ filter: /.*/, namespace: 'left-out' }, (a) => ({ contents: leftOut(a.path), loader: 'js' }));
    build.onLoad({ filter: /[\\/]npm[\\/]index\.js$/ }, async (a) => {
      let code = await fs.promises.readFile(a.path, 'utf8');
      let assets = 0;
      code = code.replace(/new URL\(`assets\/([^`]+)`,import\.meta\.url\)\.href/g, (whole, name) => {
        const mime = MIME[path.extname(name)];
        if (!mime) return JSON.stringify(`data:,left-out-${name}`);
        assets += 1;
        const data = fs.readFileSync(path.join(npmDir, 'assets', name)).toString('base64');
        return JSON.stringify(`data:${mime};base64,${data}`);
      });
      const status = 'https://www.githubstatus.com/api/v2/status.json';
      if (!code.includes(status) || assets < 3) throw new Error('the npm entry changed: check tools/cms/build.mjs');
      code = code.replace(status, 'data:application/json,{}');
      // The default code-highlighting loaders (replaced by the npm entry's own, kept as a fallback) would
      // import from unpkg: point them at nothing instead.
      for (const cdn of ['`https://unpkg.com/@shikijs`', '`https://unpkg.com/@sveltia/ui`']) {
        if (!code.includes(cdn)) throw new Error(`the npm entry changed (${cdn}): check tools/cms/build.mjs`);
        code = code.replace(cdn, '`data:text/javascript,left-out`');
      }
      return { contents: code, loader: 'js' };
    });
  },
};

await esbuild.build({
  entryPoints: [path.join(path.dirname(new URL(import.meta.url).pathname), 'entry.js')],
  bundle: true, minify: true, format: 'esm', target: 'es2022', outfile: out, legalComments: 'eof',
  nodePaths: [path.join(process.cwd(), 'node_modules')], plugins: [plugin], logLevel: 'warning',
  charset: 'utf8',
});

// The UI's CSS names the same fonts on a CDN as a fallback; the fonts are inlined above, so drop those URLs.
const bundle = fs.readFileSync(out, 'utf8');
const cdnFont = /url\(https:\/\/cdn\.jsdelivr\.net\/fontsource\/[^)]*\)/g;
if (!cdnFont.test(bundle)) throw new Error('the UI fonts changed: check tools/cms/build.mjs');
fs.writeFileSync(out, bundle.replace(cdnFont, 'url(data:,)'));
