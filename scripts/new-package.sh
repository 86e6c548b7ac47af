#!/usr/bin/env bash
# Scaffolds packages/<name> (or apps/<name>) with the layout every package shares.
# usage: scripts/new-package.sh <dir> <npm-name> <description> [private]
set -euo pipefail
dir=$1; name=$2; desc=$3; private=${4:-false}
mkdir -p "$dir/src" "$dir/test"
rel=$(realpath --relative-to="$dir" .)
cat > "$dir/package.json" <<JSON
{
  "name": "$name",
  "version": "0.0.0",
  "description": "$desc",
  "type": "module",
  "private": $private,
  "license": "MIT",
  "engines": { "node": ">=20.19" },
  "sideEffects": false,
  "files": ["dist", "src"],
  "main": "./dist/index.js",
  "types": "./dist/index.d.ts",
  "exports": {
    ".": {
      "types": "./dist/index.d.ts",
      "import": "./dist/index.js"
    }
  },
  "scripts": {
    "build": "tsup",
    "typecheck": "tsc --noEmit -p tsconfig.json",
    "lint": "eslint .",
    "test": "vitest run"
  }
}
JSON
cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "$rel/tsconfig.base.json",
  "compilerOptions": { "rootDir": ".", "outDir": "dist" },
  "include": ["src", "test", "*.ts"]
}
JSON
cat > "$dir/tsup.config.ts" <<'TS'
import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022'
})
TS
short=${name#@pipes/}
cat > "$dir/vitest.config.ts" <<TS
import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: '$short',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
TS
