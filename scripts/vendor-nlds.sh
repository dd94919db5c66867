#!/usr/bin/env bash
# Vendor the NL Design System CSS into pwe/static/vendor/nlds/, so the platform needs no Node at
# run time. Installs pinned npm packages into a temporary directory (never into the repository),
# copies only the built CSS and the licences, and records the versions. See docs/design-system.md.
#
#   scripts/vendor-nlds.sh                  components + the open "voorbeeld" theme (committed)
#   scripts/vendor-nlds.sh --rijkshuisstijl also the Rijkshuisstijl theme, for deployments by the
#                                           central government only; written to a git-ignored folder
set -euo pipefail

COMPONENTS_PKG=@rijkshuisstijl-community/components-css
COMPONENTS_VERSION=12.0.0
THEME_PKG=@nl-design-system-unstable/voorbeeld-design-tokens
THEME_VERSION=7.4.1
RIJKSHUISSTIJL_PKG=@rijkshuisstijl-community/design-tokens
RIJKSHUISSTIJL_VERSION=11.1.0

rijkshuisstijl=false
case "${1:-}" in
  "") ;;
  --rijkshuisstijl) rijkshuisstijl=true ;;
  *) echo "usage: $0 [--rijkshuisstijl]" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$root/pwe/static/vendor/nlds"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

packages=("$COMPONENTS_PKG@$COMPONENTS_VERSION" "$THEME_PKG@$THEME_VERSION")
if $rijkshuisstijl; then
  packages+=("$RIJKSHUISSTIJL_PKG@$RIJKSHUISSTIJL_VERSION")
fi
echo "installing ${packages[*]} into a temporary directory"
(cd "$work" && npm init -y >/dev/null \
  && npm install --no-audit --no-fund --ignore-scripts --loglevel=error "${packages[@]}")
modules="$work/node_modules"

# Fail rather than ship CSS that loads files we do not vendor (fonts, images): they would 404.
check_self_contained() {
  local external
  external="$(grep -oE '@import[^;]*|@font-face|url\([^)]*\)' "$1" | grep -vE "^url\(['\"]?data:" || true)"
  if [ -n "$external" ]; then
    echo "error: $1 refers to files that are not vendored:" >&2
    echo "$external" | sort -u >&2
    exit 1
  fi
}

rm -rf "$target"
mkdir -p "$target"
cp "$modules/$COMPONENTS_PKG/dist/index.css" "$target/index.css"
cp "$modules/$COMPONENTS_PKG/LICENSE.md" "$target/LICENSE-components-css.md"
cp "$modules/$THEME_PKG/dist/theme.css" "$target/theme.css"
cp "$modules/$THEME_PKG/LICENSE.md" "$target/LICENSE-voorbeeld-design-tokens.md"
check_self_contained "$target/index.css"
check_self_contained "$target/theme.css"

# The component CSS bundles the CSS of its dependencies; list them with their licences.
bundled="$(cd "$modules/$COMPONENTS_PKG" && node -e '
  const fs = require("fs");
  const deps = require("./package.json").dependencies;
  for (const name of Object.keys(deps).sort()) {
    // a dependency sits in the own node_modules folder or, usually, hoisted beside it
    const own = `node_modules/${name}/package.json`;
    const p = JSON.parse(fs.readFileSync(fs.existsSync(own) ? own : `../../${name}/package.json`));
    console.log(`  ${p.name} ${p.version} (${p.license})`);
  }')"

cat > "$target/VERSIONS.txt" <<EOF
Vendored by scripts/vendor-nlds.sh from the npm registry. Do not edit these files; re-run the script.

index.css   $COMPONENTS_PKG $COMPONENTS_VERSION (EUPL-1.2, LICENSE-components-css.md)
            = dist/index.css; it bundles the CSS of these packages, all EUPL-1.2:
$bundled
theme.css   $THEME_PKG $THEME_VERSION (EUPL-1.2, LICENSE-voorbeeld-design-tokens.md)
            = dist/theme.css; theme class: voorbeeld-theme

No fonts are vendored: the CSS names font families (Fira Sans, Noto Sans, Noto Serif) with
system fallbacks and loads no font files.
EOF

if $rijkshuisstijl; then
  rhc="$target/rijkshuisstijl"
  mkdir -p "$rhc"
  cp "$modules/$RIJKSHUISSTIJL_PKG/dist/index.css" "$rhc/theme.css"
  cp "$modules/$RIJKSHUISSTIJL_PKG/LICENSE.md" "$rhc/LICENSE.md"
  check_self_contained "$rhc/theme.css"
  # All rights reserved by the Rijksoverheid, only for its own organisations: never commit it.
  printf '*\n' > "$rhc/.gitignore"
  cat > "$rhc/VERSIONS.txt" <<EOF
Vendored by scripts/vendor-nlds.sh --rijkshuisstijl from the npm registry.

theme.css   $RIJKSHUISSTIJL_PKG $RIJKSHUISSTIJL_VERSION
            = dist/index.css; theme class: rhc-theme. NOT open source (LICENSE.md): only for
            the central government of the Netherlands; this folder is git-ignored.
EOF
fi

echo "vendored into ${target#"$root"/}:"
(cd "$target" && find . -type f -printf '%P\t%s bytes\n' | sort)
du -sh "$target" | cut -f1 | sed 's/^/total: /'
