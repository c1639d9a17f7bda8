#!/usr/bin/env bash
# Fetches the official AsyncAPI JSON Schemas (npm package @asyncapi/specs, the AsyncAPI
# Initiative's own bundle) into a cache outside the repository, for tests/hub/test_asyncapi.py.
# The project does not vendor them (as it vendors no official schema). Prints the path of the
# 3.0.0 schema; the tests look there, or where OMSHUB_ASYNCAPI_SCHEMA says.
set -euo pipefail
VERSION=6.11.1
dir="${XDG_CACHE_HOME:-$HOME/.cache}/omshub/asyncapi-specs-$VERSION"
schema="$dir/package/schemas/3.0.0.json"
if [ ! -f "$schema" ]; then
  mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "@asyncapi/specs@$VERSION" >/dev/null \
    && tar -xzf "asyncapi-specs-$VERSION.tgz" package/schemas/3.0.0.json)
fi
echo "$schema"
