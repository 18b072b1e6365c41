#!/usr/bin/env bash
# Publishes the judge's verdict on the pull request (.github/workflows/perf-judge.yml, job
# `publish`): one sticky comment, updated in place on every run (it starts with a marker line),
# and the `perfgate` commit status on the head commit, which a branch rule can require. This job
# holds the write token and runs no code of the pull request.
#
# Environment: GH_TOKEN, GITHUB_REPOSITORY, NUMBER (the pull request), HEAD (its head commit),
# VERDICT and EXIT_CODE (the judge's outputs; empty when it did not finish), RUN_URL, and
# REPORT (default reports/report.md). DRY_RUN=1 prints the API calls instead of making them.
set -euo pipefail
: "${NUMBER:?}" "${HEAD:?}" "${GITHUB_REPOSITORY:?}"
marker='<!-- perfgate-verdict -->'
report="${REPORT:-reports/report.md}"
limit=65000  # GitHub refuses comments over 65,536 characters
api() { if [ "${DRY_RUN:-0}" = 1 ]; then echo "gh api $*" >&2; echo "[]"; else gh api "$@"; fi; }

body="$marker"$'\n'
if [ -s "$report" ]; then
    body+=$(cat "$report")
else
    body+="## ⚠️ perfgate: the judge did not finish"$'\n\n'"See the judge's log: ${RUN_URL:-}"
fi
body+=$'\n\n'"<sub>Judged by the base commit's perfgate in [perf-judge](${RUN_URL:-}); the HTML report is the run's perfgate-verdict artifact.</sub>"
if [ "${#body}" -gt "$limit" ]; then
    body="${body:0:$((limit - 200))}"$'\n\n'"… (cut at GitHub's comment limit: the job summary and the perfgate-verdict artifact hold the whole report)"
fi

existing=$(api "repos/$GITHUB_REPOSITORY/issues/$NUMBER/comments" --paginate \
    --jq "map(select(.body | startswith(\"$marker\"))) | first | .id // empty" | head -n 1 || true)
file=$(mktemp)
trap 'rm -f "$file"' EXIT
printf '%s\n' "$body" > "$file"
if [ -n "$existing" ] && [ "$existing" != "[]" ]; then
    api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$existing" -F "body=@$file" > /dev/null
    echo "updated comment $existing on #$NUMBER"
else
    api --method POST "repos/$GITHUB_REPOSITORY/issues/$NUMBER/comments" -F "body=@$file" > /dev/null
    echo "commented on #$NUMBER"
fi

case "${EXIT_CODE:-}" in
    0 | 4) state=success ;;
    1) state=failure ;;
    *) state=error ;;
esac
description="perfgate: ${VERDICT:-no verdict}"
api --method POST "repos/$GITHUB_REPOSITORY/statuses/$HEAD" -f state="$state" -f context=perfgate \
    -f description="${description:0:140}" -f target_url="${RUN_URL:-}" > /dev/null
echo "status perfgate=$state on ${HEAD:0:12}"
