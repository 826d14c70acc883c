#!/usr/bin/env bash
# The build's warning of insecure components (ASVS 1.14.3, 14.2.1): `npm run audit` (npm audit of the
# production dependencies at level high), time-boxed. Its findings are printed as a WARNING and the
# script always exits 0: a new advisory, or a registry that cannot be reached, never breaks the build.
# (.npmrc's `audit=false` only keeps installs from auditing; `npm audit` itself still runs.)
set -uo pipefail
cd "$(dirname "$0")/.."

limit="${LINTAS_AUDIT_SECONDS:-60}"
# Tests give another command in LINTAS_AUDIT_COMMAND (test/audit-warn.test.ts).
if [ -n "${LINTAS_AUDIT_COMMAND:-}" ]; then
  out="$(timeout "$limit" bash -c "$LINTAS_AUDIT_COMMAND" 2>&1)"
else
  out="$(timeout "$limit" npm run audit 2>&1)"
fi
status=$?

if [ "$status" -eq 0 ]; then
  echo "npm audit: no known high or critical vulnerability in the production dependencies"
elif [ "$status" -eq 124 ]; then
  echo "WARNING: npm audit did not answer within ${limit} s (is the registry reachable?): the production dependencies were not checked"
elif grep -qiE '[0-9]+ (low|moderate|high|critical)|vulnerabilit' <<<"$out"; then
  echo "WARNING: npm audit found known vulnerabilities (high or critical) in the production dependencies; update them (npm audit fix, or a newer version in package.json):"
  sed 's/^/  /' <<<"$out"
else
  echo "WARNING: npm audit could not check the production dependencies (exit ${status}):"
  sed 's/^/  /' <<<"$out"
fi
exit 0
