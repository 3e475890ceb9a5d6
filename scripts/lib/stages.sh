# Sourced by scripts/test.sh: how its stages run and how it checks the tree.
#   stage SCRIPT TITLE...   runs SCRIPT; a missing script, or one without its
#                           run bit, fails (never skipped: "all tests passed"
#                           must mean all of them ran)
#   tree_state              what `git status` and the diff say now (compare a
#                           snapshot from the start with one from the end: the
#                           test command must not change the tree)

stage() {
  local script="$1"; shift
  printf '\n\033[1m== %s\033[0m\n' "$*"
  if [ ! -f "$script" ]; then echo "test.sh: stage $script is missing" >&2; return 1; fi
  if [ ! -x "$script" ]; then echo "test.sh: stage $script is not executable (chmod +x it)" >&2; return 1; fi
  "$script"
}

tree_state() {
  git status --porcelain --untracked-files=all 2>/dev/null
  git diff HEAD 2>/dev/null | cksum
}
