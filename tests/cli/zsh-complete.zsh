# zsh -f zsh-complete.zsh COMPLETIONS_DIR OUT LINE...
# What zsh's own completion makes of each LINE followed by a TAB, one result
# a line on standard output: an interactive zsh on a pseudo-terminal
# (zsh/zpty) with COMPLETIONS_DIR in fpath and compinit run once; a key
# bound to a widget appends the edited line to OUT and clears it.
zmodload zsh/zpty
out=$2
zpty z zsh -f -i
# only the completion system's own directories: compinit reads every file
# of fpath, and the rest of zsh's functions are not needed
zpty -w z "fpath=($1 \${(M)fpath:#*/functions/Completion(|/Base|/Unix)}); autoload -Uz compinit; compinit -u -D"
zpty -w z "dump() { print -r -- \"\$BUFFER\" >> $out; BUFFER=; }; zle -N dump; bindkey '^X' dump"
shift 2
for line in "$@"; do
  zpty -w -n z "$line"$'\t'
  zpty -w -n z $'\C-x'
done
typeset -a done_lines
for i in {1..600}; do
  [[ -f $out ]] && done_lines=("${(@f)$(<$out)}") && (( ${#done_lines} >= $# )) && break
  sleep 0.1
done
zpty -d z
cat $out
