#!/usr/bin/env bash
# Rebuild the vendored Sveltia CMS bundle (vendor/sveltia-cms/) from the version pinned in package.json.
#   bash tools/update_cms.sh            rebuild the pinned version
#   bash tools/update_cms.sh 0.222.0    pin another version first (package.json + package-lock.json), then rebuild
# Needs Node and npm (only here: building and serving the site never do). After an update, run the tests
# (python -m pytest -q tests/test_admin.py tests/test_admin_browser.py): they check the config against the
# new version's JSON schema and drive the forms in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $# -gt 0 ]]; then
  npm install --save-dev --save-exact --ignore-scripts --no-audit --no-fund "@sveltia/cms@$1"
fi
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
version=$(node -p "require('./node_modules/@sveltia/cms/package.json').version")
esbuild_version=$(node -p "require('./node_modules/esbuild/package.json').version")
out=vendor/sveltia-cms
mkdir -p "$out"
node tools/cms/build.mjs "$out/cms.js"
sha=$(sha256sum "$out/cms.js" | cut -d' ' -f1)
size=$(stat -c %s "$out/cms.js")  # the site build cuts the script into parts under 1 MB by this size
gzip -9 -n -f "$out/cms.js"
cp node_modules/@sveltia/cms/LICENSE.txt "$out/LICENSE.txt"
printf '{\n  "package": "@sveltia/cms",\n  "version": "%s",\n  "esbuild": "%s",\n  "sha256": "%s",\n  "bytes": %s\n}\n' \
  "$version" "$esbuild_version" "$sha" "$size" > "$out/VERSION.json"
echo "vendor/sveltia-cms: @sveltia/cms $version, $size bytes, $(stat -c %s "$out/cms.js.gz") bytes gzipped"
