#!/usr/bin/env bash
# Times the history dashboard at scale (release build): a repository of N commits (default
# 10 000) gets a real ci-scenario result recorded on every commit (one measured run, each copy
# scaled by a seeded ±1 % session factor, the older half 10 % slower: a change point to find), then
#   perfgate report --history --output SITE
# renders the site from the whole history, three times: the first decodes every note (and writes the
# cache of digests in .git/perfgate), the others read the cache. Prints the time to render, the
# cache's and the pages' sizes, and — with
# Chromium installed — the layout check of the largest page and the time Chromium takes to load and
# lay it out (a page that stays responsive loads in well under a second).
#   scripts/dashboard_scale.sh [N] [RESULT.json]
# Without RESULT.json it measures one ci run first (about 4 minutes). REPO=DIR keeps the repository
# there (and reuses it when it already holds the notes: recording 10 000 results takes minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
result="${2:-}"
scripts/install_deps.sh
swift build -c release --product perfgate >/dev/null
perfgate="$PWD/.build/release/perfgate"
if [ -n "${REPO:-}" ]; then
    repo="$REPO"
    mkdir -p "$repo"
else
    repo=$(mktemp -d)
    trap 'rm -rf "$repo"' EXIT
fi
if git -C "$repo" rev-parse -q --verify refs/notes/perfgate >/dev/null 2>&1; then
    echo "reusing $repo: $(git -C "$repo" rev-list --count HEAD) commits with notes"
else
    if [ -z "$result" ]; then
        echo "measuring one ci run to record on every commit..."
        "$perfgate" run --scenario ci --output "$repo/one.json" >/dev/null
        result="$repo/one.json"
    fi
    result="$(cd "$(dirname "$result")" && pwd)/$(basename "$result")"
    git -C "$repo" init -q -b main
    git -C "$repo" config gc.auto 0
    for i in $(seq 1 "$n"); do
        printf 'commit refs/heads/main\ncommitter perfgate <p@example.com> %d +0000\ndata <<EOM\ncommit %d\nEOM\n' $((1700000000 + i)) "$i"
    done | git -C "$repo" fast-import --quiet
    git -C "$repo" checkout -q main
    start=$(date +%s%N)
    (cd "$repo" && "$perfgate" _notes-stress --history-commits "$n" --count "$n" --tag r --result "$result" --step-at $((n / 2)))
    echo "recorded a ci result on each of $n commits in $(( ($(date +%s%N) - start) / 1000000 )) ms"
fi
for attempt in 1 2 3; do
    start=$(date +%s%N)
    rm -rf "$repo/site"
    (cd "$repo" && "$perfgate" report --history --output site 2> "$repo/render.log")
    echo "render $attempt: $(( ($(date +%s%N) - start) / 1000000 )) ms — $(tail -n 1 "$repo/render.log")"
done
grep -v '^wrote' "$repo/render.log" || true
# Render 1 decodes every note and writes the cache of digests; renders 2 and 3 read it.
du -h "$repo/.git/perfgate/history-ci.cache" 2>/dev/null | awk '{print "history cache: " $1}' || true
du -sh "$repo/site" | awk '{print "site: " $1}'
largest=$(find "$repo/site" -name "*.html" -printf "%s %p\n" | sort -rn | head -n 1 | cut -d" " -f2-)
echo "largest page: $(basename "$largest") $(du -k "$largest" | cut -f1) KB"
if command -v chromium >/dev/null; then
    scripts/check_html_report.sh "$largest" | tail -n 1 | cut -c1-300
    for page in "$repo/site/index.html" "$largest"; do
        start=$(date +%s%N)
        chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --window-size=1280,2000 --dump-dom \
            "file://$page" >/dev/null 2>&1 || true
        echo "chromium load + layout + dump of $(basename "$page"): $(( ($(date +%s%N) - start) / 1000000 )) ms (includes browser start)"
    done
    start=$(date +%s%N)
    chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --dump-dom "about:blank" >/dev/null 2>&1 || true
    echo "chromium start alone: $(( ($(date +%s%N) - start) / 1000000 )) ms"
fi
