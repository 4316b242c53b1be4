#!/usr/bin/env bash
# Runs each fuzz target (package:Target) for a bounded time.
#
# A failure that leaves a new crasher under the package's testdata/fuzz is a
# bug: fail. A failure without one is the fuzzing engine's own trouble (a
# worker killed or hung on a loaded machine): retry that target once, and
# fail if it happens again.
set -uo pipefail
fuzztime=${FUZZTIME:-10s}
go=${GO:-go}
for entry in "$@"; do
	pkg=${entry%%:*}
	target=${entry##*:}
	for attempt in 1 2; do
		echo "fuzz $target ($pkg) for $fuzztime, attempt $attempt"
		if "$go" test -run='^$' -fuzz="^${target}\$" -fuzztime="$fuzztime" "$pkg"; then
			break
		fi
		new=$(git status --porcelain --untracked-files=all -- "$pkg/testdata/fuzz/$target" 2>/dev/null)
		if [ -n "$new" ]; then
			echo "fuzz $target found a failing input:"
			echo "$new"
			exit 1
		fi
		if [ "$attempt" = 2 ]; then
			echo "fuzz $target failed twice without a failing input"
			exit 1
		fi
		echo "fuzz $target: the fuzzing engine failed without a failing input; retrying once"
	done
done
