#!/usr/bin/env bash
# Runs the Nest module's tests against Nest 10, installed in a temp folder beside this checkout.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
npm install --prefix "$dir" --no-save --no-audit --no-fund --ignore-scripts \
  @nestjs/common@10.4.9 @nestjs/core@10.4.9 @nestjs/testing@10.4.9 @nestjs/platform-express@10.4.9 \
  @nestjs/config@3.2.3 reflect-metadata@0.2.2 rxjs@7.8.2 >/dev/null
node -e "console.log('Nest', require('$dir/node_modules/@nestjs/core/package.json').version)"
NEST10_MODULES="$dir/node_modules" npx jest -c test/compat/nest10.config.js
