# mem0 shell integration for zsh {{.Version}}. Load it from ~/.zshrc:
#   eval "$(mem0 init zsh)"
# While this shell records (mem0 context start NAME), each command typed is
# remembered with its exit status, duration, folder and git branch. Between
# two prompts the hook runs no program: it writes one small file with zsh
# builtins, which mem0 ingests the next time it runs.

typeset -g __mem0_bin={{.Bin}}
typeset -g __mem0_spool={{.Spool}}
typeset -g __mem0_sessions={{.Sessions}}
zmodload -F zsh/datetime p:epochtime 2>/dev/null

# The helpers run inside __mem0_record or __mem0_preexec, under their
# emulate -L zsh.

# __mem0_esc puts $1 in __mem0_r with \ \n \r escaped, one value per line
# (not in REPLY, which belongs to the user).
__mem0_esc() {
	local s=${1//\\/\\\\}
	s=${s//$'\n'/\\n}
	typeset -g __mem0_r=${s//$'\r'/\\r}
}

# __mem0_now puts the time in microseconds in __mem0_r (empty without the
# zsh/datetime module).
__mem0_now() {
	if (( ${+epochtime} )); then
		typeset -g __mem0_r=$(( epochtime[1] * 1000000 + epochtime[2] / 1000 ))
	else
		typeset -g __mem0_r=
	fi
}

# __mem0_git finds the repository around $PWD (cached until the folder
# changes) and reads its HEAD, so a branch switch is seen at once.
__mem0_git() {
	if [[ $PWD != ${__mem0_gpwd-} ]]; then
		typeset -g __mem0_gpwd=$PWD __mem0_groot= __mem0_gdir=
		local d=$PWD l=
		while :; do
			if [[ -e $d/.git ]]; then
				__mem0_groot=${d:-/} __mem0_gdir=$d/.git
				break
			fi
			[[ -n $d ]] || break
			d=${d%/*}
		done
		if [[ -f $__mem0_gdir ]]; then # a worktree or submodule: "gitdir: PATH"
			{ IFS= read -r l <$__mem0_gdir } 2>/dev/null || :
			l=${l#gitdir: }
			[[ $l == /* ]] || l=$__mem0_groot/$l
			__mem0_gdir=$l
		fi
	fi
	typeset -g __mem0_ghead=
	if [[ -n $__mem0_gdir ]]; then
		{ IFS= read -r __mem0_ghead <$__mem0_gdir/HEAD } 2>/dev/null || :
	fi
}

# The two hooks below run at every prompt: when the shell does not record
# they do no more than read this shell's state file, in code that means
# the same under any user options (emulate, which makes sure of that in the
# rest, costs more than all of it).
__mem0_preexec() {
	[[ -n ${__mem0_ctx-} ]] || return 0
	emulate -L zsh # whatever the user's options (ksh_arrays, sh_word_split…)
	# $1 is the line as typed; it is empty when history is off, and then
	# the expanded text ($3) is the best there is.
	typeset -g __mem0_cmd=${1:-$3} __mem0_ran=1
	__mem0_now
	typeset -g __mem0_t0=$__mem0_r
}

__mem0_precmd() {
	local st=$? ctx= f="$__mem0_sessions/${MEM0_SESSION-}"
	# $(<file) reads the file in the shell itself, no process.
	[[ -f $f ]] && ctx="$(<"$f")"
	if [[ "$ctx" != "${__mem0_ctx-}" ]]; then
		typeset -g __mem0_ctx=$ctx
	elif [[ -n "$ctx" && -n "${__mem0_ran-}" ]]; then
		__mem0_record "$st"
	fi
	typeset -g __mem0_ran=
	# zsh hands $? on to later hooks and the prompt by itself; a non-zero
	# return here would close a shell that has err_exit set.
	return 0
}

__mem0_record() {
	emulate -L zsh
	local st=$1 end cmd cwd root head
	__mem0_now
	end=$__mem0_r
	[[ -n $__mem0_cmd && $__mem0_cmd != [[:space:]]* ]] || return 0
	typeset -g __mem0_seq=$(( ${__mem0_seq:-0} + 1 ))
	__mem0_git
	__mem0_esc $__mem0_cmd && cmd=$__mem0_r
	__mem0_esc $PWD && cwd=$__mem0_r
	__mem0_esc $__mem0_groot && root=$__mem0_r
	__mem0_esc $__mem0_ghead && head=$__mem0_r
	{
		builtin printf '%s\n' 'mem0-capture 1' "session $MEM0_SESSION" "seq $__mem0_seq" "context $__mem0_ctx" \
			'shell zsh' "status $st" "start_us ${__mem0_t0-}" "end_us $end" "cwd $cwd" \
			"git_root $root" "git_head $head" "cmd $cmd" end >|$__mem0_spool/$MEM0_SESSION.$__mem0_seq
	} 2>/dev/null || :
	# Now and then, ingest in a detached job so the spool stays short.
	if (( SECONDS - ${__mem0_bg:-0} >= 30 )); then
		typeset -g __mem0_bg=$SECONDS
		( $__mem0_bin ingest --quiet </dev/null >/dev/null 2>&1 & )
	fi
}

if [[ -z ${__mem0_loaded-} ]]; then
	typeset -g __mem0_loaded=1
	() {
		emulate -L zsh
		# A new id for every shell, child shells included: the variable
		# above is not exported, MEM0_SESSION is (mem0 context start reads it).
		typeset -gx MEM0_SESSION
		builtin printf -v MEM0_SESSION 'zsh-%x-%04x%04x' $$ $RANDOM $RANDOM
		{ builtin printf '%s\n' {{.Context}} >|$__mem0_sessions/$MEM0_SESSION } 2>/dev/null || :
		typeset -ga precmd_functions preexec_functions
		# First in line, so the hook sees the command's own $?.
		(( ${precmd_functions[(Ie)__mem0_precmd]} )) || precmd_functions=(__mem0_precmd "${precmd_functions[@]}")
		(( ${preexec_functions[(Ie)__mem0_preexec]} )) || preexec_functions+=(__mem0_preexec)
	}
fi
{{- if .Completion}}

# Completion for mem0 (mem0 completion zsh); needs compinit.
if (( ${+functions[compdef]} )); then
{{.Completion}}
fi
{{- end}}
