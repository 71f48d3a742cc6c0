#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The catalogue of LANG must translate every string the sources mark, with no
# fuzzy entries, and POTFILES.in must list every file that marks strings.
set -euo pipefail
top=$1
lang=$2
cd "$top"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail=0
while IFS= read -r file; do
  if ! grep -qxF "$file" po/POTFILES.in; then
    echo "not in po/POTFILES.in: $file"
    fail=1
  fi
done < <(grep -rlE '(\b_|\bN_|ngettext)\s*\(|translatable="yes"' app ui resources \
           --include='*.c' --include='*.ui' --include='*.in' --include='*.xml' | grep -v '/demo/' | sort)

grep -vE '^\s*(#|$)' po/POTFILES.in > "$work/files"
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 --add-comments=Translators \
  --files-from="$work/files" --output="$work/frontdesk.pot" 2>"$work/xgettext.log" || { cat "$work/xgettext.log"; exit 1; }
msgmerge --quiet --no-fuzzy-matching "po/$lang.po" "$work/frontdesk.pot" --output-file="$work/$lang.po"
stats=$(msgfmt --check --statistics --output-file=/dev/null "$work/$lang.po" 2>&1)
echo "$lang: $stats"
if echo "$stats" | grep -qE 'untranslated|fuzzy'; then
  msgattrib --untranslated --only-fuzzy "$work/$lang.po" 2>/dev/null | head -40 || true
  msgattrib --untranslated "$work/$lang.po" | grep '^msgid' | head -40
  fail=1
fi
exit $fail
