# mem0 shell integration for fish {{.Version}}. Load it from
# ~/.config/fish/config.fish:
#   mem0 init fish | source
# While this shell records (mem0 context start NAME), each command typed is
# remembered with its exit status, duration, folder and git branch. Between
# two prompts the hook runs no program: it writes one small file with fish
# builtins, which mem0 ingests the next time it runs.

set -g __mem0_bin {{.Bin}}
set -g __mem0_spool {{.Spool}}
set -g __mem0_sessions {{.Sessions}}

# __mem0_esc prints $argv[1] with \ and newlines escaped, as one line.
function __mem0_esc
    set -l lines (string replace -a -- '\\' '\\\\' $argv[1] | string replace -a -- \r '\r')
    set -q lines[1]; or set lines ''
    string join '\n' -- $lines
end

# __mem0_git finds the repository around $PWD (cached until the folder
# changes) and reads its HEAD, so a branch switch is seen at once.
function __mem0_git
    if test "$PWD" != "$__mem0_gpwd"
        set -g __mem0_gpwd $PWD
        set -g __mem0_groot ''
        set -g __mem0_gdir ''
        set -l d $PWD
        while true
            if test -e "$d/.git"
                set __mem0_groot $d
                test -n "$d"; or set __mem0_groot /
                set __mem0_gdir "$d/.git"
                break
            end
            test -n "$d"; or break
            set d (string replace -r -- '/[^/]*$' '' $d)
        end
        if test -f "$__mem0_gdir" # a worktree or submodule: "gitdir: PATH"
            set -l l
            read -l l <$__mem0_gdir
            set l (string replace -r -- '^gitdir: ' '' "$l")
            string match -q -- '/*' $l; or set l "$__mem0_groot/$l"
            set __mem0_gdir $l
        end
    end
    set -g __mem0_ghead ''
    if test -n "$__mem0_gdir" -a -r "$__mem0_gdir/HEAD"
        read -g __mem0_ghead <$__mem0_gdir/HEAD
    end
end

function __mem0_postexec --on-event fish_postexec
    set -l st $status
    set -l dur $CMD_DURATION
    set -l ctx ''
    set -l sess $__mem0_sessions/$MEM0_SESSION
    test -r $sess; and read -l ctx <$sess
    if test "$ctx" != "$__mem0_ctx"
        set -g __mem0_ctx $ctx
        return $st
    end
    set -l cmd $argv[1]
    if test -z "$ctx"; or test -z "$cmd"; or string match -qr -- '^\s' $cmd; or test -n "$fish_private_mode"
        return $st
    end
    set -g __mem0_seq (math $__mem0_seq + 1)
    __mem0_git
    # Escaping takes a pipeline: only for the values that need it.
    set -l vals $PWD "$__mem0_groot" "$__mem0_ghead" $cmd
    for i in 1 2 3 4
        string match -qr '[\\\\\n\r]' -- $vals[$i]; and set vals[$i] (__mem0_esc $vals[$i])
    end
    printf '%s\n' 'mem0-capture 1' "session $MEM0_SESSION" "seq $__mem0_seq" "context $ctx" \
        'shell fish' "status $st" "duration_ms $dur" "cwd $vals[1]" "git_root $vals[2]" \
        "git_head $vals[3]" "cmd $vals[4]" end >$__mem0_spool/$MEM0_SESSION.$__mem0_seq 2>/dev/null
    # Now and then, ingest in a detached job so the spool stays short. The
    # record's own modification time is the clock (fish has none built in).
    set -l now $__mem0_seq
    set -l every 100
    if set -q __mem0_path
        set now (path mtime $__mem0_spool/$MEM0_SESSION.$__mem0_seq 2>/dev/null; or echo 0)
        set every 30
    end
    if test (math $now - $__mem0_bg) -ge $every
        set -g __mem0_bg $now
        command $__mem0_bin ingest --quiet </dev/null >/dev/null 2>&1 &
        disown 2>/dev/null
    end
    return $st
end

if not set -q __mem0_loaded
    set -g __mem0_loaded 1
    set -g __mem0_seq 0
    set -g __mem0_ctx ''
    set -g __mem0_bg 0
    # A new id for every shell, child shells included: the variable above
    # is global, not exported; MEM0_SESSION is (mem0 context start reads it).
    set -gx MEM0_SESSION (printf 'fish-%x-%04x%04x' $fish_pid (random 0 65535) (random 0 65535))
    printf '%s\n' {{.Context}} >$__mem0_sessions/$MEM0_SESSION 2>/dev/null
    test -r $__mem0_sessions/$MEM0_SESSION; and read -g __mem0_ctx <$__mem0_sessions/$MEM0_SESSION
    # fish 3.5 and later tell a file's time with a builtin: a clock.
    if string match -qr '^(3\.([5-9]|\d\d)|[4-9]|\d\d)' -- $version
        set -g __mem0_path 1
        set -g __mem0_bg (path mtime $__mem0_sessions/$MEM0_SESSION 2>/dev/null; or echo 0)
    end
end
{{- if .Completion}}

# Completion for mem0 (mem0 completion fish).
{{.Completion}}
{{- end}}
