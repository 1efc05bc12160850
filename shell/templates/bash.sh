# mem0 shell integration for bash {{.Version}}. Load it from ~/.bashrc, after
# anything else that sets PROMPT_COMMAND or PS0:
#   eval "$(mem0 init bash)"
# While this shell records (mem0 context start NAME), each command typed is
# remembered with its exit status, duration, folder and git branch. Between
# two prompts the hook runs no program: it writes one small file with bash
# builtins, which mem0 ingests the next time it runs. Needs bash 4.4 or later;
# older bash (macOS's 3.2) gets completion only.

__mem0_bin={{.Bin}}
__mem0_spool={{.Spool}}
__mem0_sessions={{.Sessions}}

# __mem0_esc puts $1 in __mem0_r with \ \n \r escaped, one value per line
# (not in REPLY, which belongs to the user).
__mem0_esc() {
	local s=${1//\\/\\\\}
	s=${s//$'\n'/\\n}
	__mem0_r=${s//$'\r'/\\r}
}

# __mem0_git finds the repository around $PWD (cached until the folder
# changes) and reads its HEAD, so a branch switch is seen at once.
__mem0_git() {
	if [[ $PWD != "${__mem0_gpwd-}" ]]; then
		__mem0_gpwd=$PWD __mem0_groot='' __mem0_gdir=''
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
			{ IFS= read -r l <"$__mem0_gdir"; } 2>/dev/null || :
			l=${l#gitdir: }
			[[ $l == /* ]] || l=$__mem0_groot/$l
			__mem0_gdir=$l
		fi
	fi
	__mem0_ghead=
	if [[ -n $__mem0_gdir ]]; then
		{ IFS= read -r __mem0_ghead <"$__mem0_gdir/HEAD"; } 2>/dev/null || :
	fi
}

# __mem0_last reads the newest history entry into __mem0_hnum and
# __mem0_htext: through a scratch file, as capturing output would fork.
__mem0_last() {
	local f=$__mem0_sessions/.${MEM0_SESSION-}.last line=
	{ HISTTIMEFORMAT='' builtin history 1 >|"$f"; } 2>/dev/null || return 0
	{ IFS= read -r -d '' line <"$f"; } 2>/dev/null || :
	{ : >|"$f"; } 2>/dev/null || : # keep no command text lying around
	line=${line%$'\n'}
	line=${line#"${line%%[![:space:]]*}"}
	__mem0_hnum=${line%%[!0-9]*}
	line=${line#"$__mem0_hnum"}
	line=${line#\*}
	__mem0_htext=${line#  }
}

# __mem0_switch follows mem0 context start|stop. While recording, history
# keeps multi-line commands as typed (cmdhist, lithist); the user's settings
# return when recording stops.
__mem0_switch() {
	if [[ -n $1 ]]; then
		if [[ -z ${__mem0_ctx-} ]]; then
			__mem0_shopts=
			shopt -q lithist || __mem0_shopts+=' lithist'
			shopt -q cmdhist || __mem0_shopts+=' cmdhist'
			shopt -s lithist cmdhist
		fi
		__mem0_last # what history holds now is no command of this recording
	elif [[ -n ${__mem0_shopts-} ]]; then
		# shellcheck disable=SC2086 # a list of option names
		shopt -u $__mem0_shopts
		__mem0_shopts=
	fi
	__mem0_ctx=$1
}

__mem0_record() {
	local st=$1 end=$2 hnum=${__mem0_hnum-} htext=${__mem0_htext-}
	__mem0_last
	[[ -n $__mem0_hnum ]] || return 0
	# Unchanged history: the command was kept out of it (a leading space
	# under ignorespace, a repeat under ignoredups, HISTIGNORE).
	[[ $__mem0_hnum != "$hnum" || $__mem0_htext != "$htext" ]] || return 0
	[[ $__mem0_htext != [[:space:]]* ]] || return 0
	__mem0_seq=$((${__mem0_seq-0} + 1))
	__mem0_git
	local cmd cwd root head
	__mem0_esc "$__mem0_htext" && cmd=$__mem0_r
	__mem0_esc "$PWD" && cwd=$__mem0_r
	__mem0_esc "$__mem0_groot" && root=$__mem0_r
	__mem0_esc "$__mem0_ghead" && head=$__mem0_r
	{
		builtin printf '%s\n' 'mem0-capture 1' "session ${MEM0_SESSION-}" "seq $__mem0_seq" "context $__mem0_ctx" \
			'shell bash' "status $st" "start_us ${__mem0_t0-}" "end_us ${end//[!0-9]/}" "cwd $cwd" \
			"git_root $root" "git_head $head" "cmd $cmd" end >|"$__mem0_spool/${MEM0_SESSION-}.$__mem0_seq"
	} 2>/dev/null || :
	# Now and then, ingest in a detached job so the spool stays short.
	if ((SECONDS - ${__mem0_bg-0} >= 30)); then
		__mem0_bg=$SECONDS
		("$__mem0_bin" ingest --quiet </dev/null >/dev/null 2>&1 &)
	fi
}

__mem0_precmd() {
	local st=$? end=${EPOCHREALTIME-} ctx=
	# Loaded before bash-preexec, this runs after its precmd loop, which
	# keeps the command's status for us.
	if [[ -n ${__bp_last_ret_value+x} && ${FUNCNAME[1]-} != __bp_precmd_invoke_cmd ]]; then
		st=$__bp_last_ret_value
	fi
	{ IFS= read -r ctx <"$__mem0_sessions/${MEM0_SESSION-}"; } 2>/dev/null || :
	if [[ $ctx != "${__mem0_ctx-}" ]]; then
		__mem0_switch "$ctx"
	elif [[ -n $ctx && ${__mem0_ran-0} != 0 ]]; then
		__mem0_record "$st" "$end"
	fi
	__mem0_ran=${__mem0_noPS0-0} __mem0_t0=
	# Hand the status on to later PROMPT_COMMAND entries, except under
	# set -e, where a non-zero return would close the shell.
	[[ $- == *e* ]] || return "$st"
}

if [[ -z ${__mem0_loaded-} ]] && ((BASH_VERSINFO[0] > 4 || BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] >= 4)); then
	__mem0_loaded=1
	# A new id for every shell, child shells included: the variable above
	# is not exported, MEM0_SESSION is (mem0 context start reads it).
	builtin printf -v MEM0_SESSION 'bash-%x-%04x%04x' "$$" "$RANDOM" "$RANDOM"
	export MEM0_SESSION
	{ builtin printf '%s\n' {{.Context}} >|"$__mem0_sessions/${MEM0_SESSION-}"; } 2>/dev/null || :
	declare -ga __mem0_ps0
	# PS0 is expanded once per command line run, just before it runs: the
	# expansion marks that a command ran and when it started, and prints
	# nothing.
	# shellcheck disable=SC2016 # expanded by bash at each command, not now
	if ! shopt -q promptvars; then
		# PS0 would be printed as it is: do without it (no start time,
		# history is read at every prompt instead).
		__mem0_noPS0=1
	elif ((BASH_VERSINFO[0] >= 5)); then
		PS0=${PS0-}'${__mem0_ps0[__mem0_ran=1, __mem0_t0=${EPOCHREALTIME//[!0-9]/}]-}'
	else
		PS0=${PS0-}'${__mem0_ps0[__mem0_ran=1]-}'
	fi
	if [[ -n ${bash_preexec_imported-}${__bp_imported-} ]]; then
		precmd_functions=(__mem0_precmd "${precmd_functions[@]}")
	elif [[ -n ${PROMPT_COMMAND+x} && ${PROMPT_COMMAND@a} == *a* ]]; then
		PROMPT_COMMAND=(__mem0_precmd "${PROMPT_COMMAND[@]}")
	else # the string form; the branch above is the array form of bash 5.1
		# shellcheck disable=SC2178,SC2128
		PROMPT_COMMAND=__mem0_precmd${PROMPT_COMMAND:+$'\n'$PROMPT_COMMAND}
	fi
fi
{{- if .Completion}}

# Completion for mem0 (mem0 completion bash).
{{.Completion}}
{{- end}}
