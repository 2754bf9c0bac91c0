# zsh -f zsh-complete.zsh COMPLETIONS_DIR OUT LINE
# What zsh's own completion makes of LINE followed by a TAB: an interactive
# zsh on a pseudo-terminal (zsh/zpty) with COMPLETIONS_DIR in fpath and
# compinit run; a key bound to a widget writes the edited line to OUT.
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "dump() { print -r -- \"\$BUFFER\" > $2; }; zle -N dump; bindkey '^X' dump"
zpty -w -n z "$3"$'\t'
zpty -w -n z $'\C-x'
for i in {1..100}; do [[ -s $2 ]] && break; sleep 0.1; done
zpty -d z
cat $2
