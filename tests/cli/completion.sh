#!/usr/bin/env bash
# The shell completions and man pages: `meson install` puts them where bash,
# zsh, fish and man look; bash, zsh and fish really complete commands,
# options and values; every page renders without a warning; and every command and
# option of the tables (`opsc __complete words`) appears in --help, in each
# completion and in the man pages, so none of them can drift.
#
#   completion.sh OPSC BUILD_DIR
. "$(dirname "$0")/../lib/harness.sh"
build=$2
dest=$work/dest

meson install --no-rebuild --quiet -C "$build" --destdir "$dest" >"$work/install.log" 2>&1 &&
  ok "meson install into a DESTDIR" || bad "meson install into a DESTDIR" "$(tail -20 "$work/install.log")"
# installed FILE...: the path below DESTDIR ending in FILE, or nothing
installed() { find "$dest" -path "*/$1" -type f | head -1; }
words=$("$opsc" __complete words)
commands=$(cut -d' ' -f1 <<<"$words")
for f in share/bash-completion/completions/opsc share/zsh/site-functions/_opsc \
  share/fish/vendor_completions.d/opsc.fish share/man/man1/opsc.1 share/man/man5/opsc-language.5 \
  $(for c in $commands; do echo "share/man/man1/opsc-$c.1"; done); do
  [ -n "$(installed "$f")" ] && ok "installed: $f" || bad "installed: $f" "$(cd "$dest" && find . -type f)"
done
bash_file=$(installed share/bash-completion/completions/opsc)
zsh_file=$(installed share/zsh/site-functions/_opsc)
fish_file=$(installed share/fish/vendor_completions.d/opsc.fish)
man1=$(dirname "$(installed share/man/man1/opsc.1)")
# the rule ids of `opsc explain` come from the installed opsc
PATH=$(dirname "$(installed bin/opsc)"):$PATH

# ------------------------------------------------------ bash
# complete WORD...: COMPREPLY of _opsc with the cursor on the last word
complete_bash() {
  bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _opsc; [ ${#COMPREPLY[@]} = 0 ] || printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$bash_file" "$@" | sort | tr '\n' ' '
}
same() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got '$2', want '$3'"; fi; }
same "bash: opsc li<TAB> is lint" "$(complete_bash opsc li)" "lint "
same "bash: opsc <TAB> lists the commands" "$(complete_bash opsc '')" \
  "$(printf '%s\n' $commands --help --version | sort | tr '\n' ' ')"
same "bash: opsc build --d<TAB> is --dry-run" "$(complete_bash opsc build --d)" "--dry-run "
same "bash: opsc lint --format s<TAB> is sarif" "$(complete_bash opsc lint --format s)" "sarif "
same "bash: opsc lint --only <TAB> lists the kinds" "$(complete_bash opsc lint --only '')" "drift policy secrets "
mkdir -p "$work/pick/dir-one" && touch "$work/pick/file-one"
same "bash: opsc build --out <TAB> offers directories" "$(cd "$work/pick" && complete_bash opsc build --out '')" "dir-one "
same "bash: opsc check <TAB> offers files" "$(cd "$work/pick" && complete_bash opsc check '')" "dir-one file-one "
same "bash: opsc explain alert-ru<TAB> is the rule alert-runbook" "$(complete_bash opsc explain alert-ru)" "alert-runbook "
same "bash: ... and after the rule, files" "$(cd "$work/pick" && complete_bash opsc explain alert-runbook fi)" "file-one "
same "bash: opsc init --name <TAB> offers nothing" "$(cd "$work/pick" && complete_bash opsc init --name '')" ""

# ------------------------------------------------------ zsh, fish
if command -v zsh >/dev/null; then
  zsh -n "$zsh_file" && ok "zsh -n: the script parses" || bad "zsh -n: the script parses"
  # the lines after zsh completes them, in one zsh: compinit finds _opsc
  # by its #compdef line, and _arguments reads its specs
  got=$(zsh -f "$here/zsh-complete.zsh" "$(dirname "$zsh_file")" "$work/zsh.out" \
    'opsc li' 'opsc build --dry' 'opsc init -e a --en' 'opsc lint --format sa' 'opsc explain alert-ru' 2>/dev/null)
  same "zsh: lint, --dry-run, --env given again, sarif, alert-runbook: each completed" "$got" \
    "$(printf '%s\n' 'opsc lint ' 'opsc build --dry-run ' 'opsc init -e a --env ' 'opsc lint --format sarif ' \
      'opsc explain alert-runbook ')"
else
  echo "skip zsh: not installed"
fi
if command -v fish >/dev/null; then
  complete_fish() { HOME=$work fish --no-config -c "source '$fish_file'; complete -C '$1'" | cut -f1 | sort | tr '\n' ' '; }
  fish -n "$fish_file" && ok "fish -n: the script parses" || bad "fish -n: the script parses"
  same "fish: opsc li<TAB> is lint" "$(complete_fish 'opsc li')" "lint "
  same "fish: opsc build --dr<TAB> is --dry-run" "$(complete_fish 'opsc build --dr')" "--dry-run "
  same "fish: opsc explain alert-ru<TAB> is the rule alert-runbook" "$(complete_fish 'opsc explain alert-ru')" "alert-runbook "
  same "fish: an operand is not the command: opsc explain check --q<TAB> offers nothing" "$(complete_fish 'opsc explain check --q')" ""
  same "fish: opsc lint --fail-on <TAB> lists the severities" "$(complete_fish 'opsc lint --fail-on ')" "error note warning "
else
  echo "skip fish: not installed"
fi

# ------------------------------------------------------ man pages
for page in "$man1"/*.1 "$(installed share/man/man5/opsc-language.5)"; do
  warn=$(groff -man -ww -z "$page" 2>&1)
  [ -z "$warn" ] && ok "groff -man -ww: $(basename "$page") without a warning" || bad "groff -man -ww: $(basename "$page")" "$warn"
  if command -v man >/dev/null; then
    warn=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
    [ -z "$warn" ] && ok "man --warnings: $(basename "$page")" || bad "man --warnings: $(basename "$page")" "$warn"
  fi
done
render() { groff -man -Tascii -P-cbou "$1" 2>/dev/null; }

# ------------------------------------------------------ nothing drifts
main_page=$(render "$man1/opsc.1")
top_help=$("$opsc" --help)
bash_all=$(complete_bash opsc '')
fish_all=$(command -v fish >/dev/null && complete_fish 'opsc ')
while read -r cmd opts; do
  missing=""
  grep -q "^  $cmd " <<<"$top_help" || missing+=" opsc --help"
  grep -q "opsc-$cmd(1)" <<<"$main_page" || missing+=" opsc(1)"
  grep -qw -- "$cmd" <<<"$bash_all" || missing+=" bash"
  [ -z "$fish_all" ] || grep -qw -- "$cmd" <<<"$fish_all" || missing+=" fish"
  grep -q "'$cmd:" "$zsh_file" || missing+=" zsh"
  [ -z "$missing" ] && ok "command $cmd everywhere" || bad "command $cmd everywhere" "missing in:$missing"
  help=$("$opsc" "$cmd" --help)
  page=$(render "$man1/opsc-$cmd.1")
  bash_opts=" $(complete_bash opsc "$cmd" -) $(complete_bash opsc "$cmd" --)"
  fish_opts=$(command -v fish >/dev/null && complete_fish "opsc $cmd --")
  missing=""
  for o in $opts; do
    grep -qE -- "(^|[ ,])$o([ ,=]|$)" <<<"$help" || missing+=" $o:--help"
    grep -qE -- "(^|[ ,])$o([ ,]|$)" <<<"$page" || missing+=" $o:man"
    grep -qF -- " $o " <<<"$bash_opts" || missing+=" $o:bash"
    case $o in
      --*) [ -z "$fish_opts" ] || grep -qw -- "$o" <<<"$fish_opts" || missing+=" $o:fish"
           grep -qE -- "'\\*?$o\\[|,$o\\}'\\[" "$zsh_file" || missing+=" $o:zsh" ;;
      -?) grep -qE -- "\{$o," "$zsh_file" || missing+=" $o:zsh"
          grep -qE -- "__opsc_command $cmd' -s ${o#-} " "$fish_file" || missing+=" $o:fish" ;;
    esac
  done
  [ -z "$missing" ] && ok "opsc $cmd: every option in --help, man, bash, zsh, fish" \
    || bad "opsc $cmd: every option in --help, man, bash, zsh, fish" "missing:$missing"
done <<<"$words"

printf '%d checks, %d failed\n' "$n" "$fail"
[ "$fail" -eq 0 ]
