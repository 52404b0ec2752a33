#!/usr/bin/env bash
# Proves a hot upgrade on this machine: builds sada and a next release that
# carries an extra migration, serves a mixed load of reads and posts for
# SECONDS (default 20), upgrades half-way, and reports failed requests (must
# be 0), acknowledged posts (all must be readable after) and the longest
# request during the hand-over. Then does the same with a next release that
# cannot start, which must leave the old process serving.
set -euo pipefail
cd "$(dirname "$0")/.."
export SADA_UPGRADE_LOAD_SECONDS="${1:-20}"
exec go test -count=1 -run 'TestUpgradeUnderLoad|TestUpgradeToBrokenBinary' -v ./cmd/sada/
