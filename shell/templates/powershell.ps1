# mem0 shell integration for PowerShell {{.Version}}. Load it from $PROFILE,
# after anything that defines the prompt function:
#   mem0 init powershell | Out-String | Invoke-Expression
# While this shell records (mem0 context start NAME), each command typed is
# remembered with its exit status, duration, folder and git branch. The hook
# writes one small file per command, which mem0 ingests the next time it runs.
# Untested in CI: PowerShell cannot be installed on the machines CI uses.

$global:__mem0_bin = {{.Bin}}
$global:__mem0_spool = {{.Spool}}
$global:__mem0_sessions = {{.Sessions}}

function global:__mem0_esc([string]$s) {
    return $s.Replace('\', '\\').Replace("`n", '\n').Replace("`r", '\r')
}

function global:__mem0_git {
    if ($PWD.ProviderPath -ne $global:__mem0_gpwd) {
        $global:__mem0_gpwd = $PWD.ProviderPath
        $global:__mem0_groot = ''
        $global:__mem0_gdir = ''
        $d = $PWD.ProviderPath
        while ($d) {
            $g = [System.IO.Path]::Combine($d, '.git')
            if (Test-Path -LiteralPath $g) {
                $global:__mem0_groot = $d
                $global:__mem0_gdir = $g
                break
            }
            $d = [System.IO.Path]::GetDirectoryName($d)
        }
        if ($global:__mem0_gdir -and (Test-Path -LiteralPath $global:__mem0_gdir -PathType Leaf)) {
            $l = ([System.IO.File]::ReadAllLines($global:__mem0_gdir) | Select-Object -First 1) -replace '^gitdir: ', ''
            if (-not [System.IO.Path]::IsPathRooted($l)) { $l = [System.IO.Path]::Combine($global:__mem0_groot, $l) }
            $global:__mem0_gdir = $l
        }
    }
    $global:__mem0_ghead = ''
    if ($global:__mem0_gdir) {
        $h = [System.IO.Path]::Combine($global:__mem0_gdir, 'HEAD')
        if (Test-Path -LiteralPath $h) { $global:__mem0_ghead = [System.IO.File]::ReadAllLines($h) | Select-Object -First 1 }
    }
}

function global:__mem0_record([bool]$ok, $code) {
    $sess = [System.IO.Path]::Combine($global:__mem0_sessions, $env:MEM0_SESSION)
    $ctx = ''
    if (Test-Path -LiteralPath $sess) { $ctx = ([System.IO.File]::ReadAllText($sess)).Trim() }
    $h = Get-History -Count 1
    if ($ctx -ne $global:__mem0_ctx) {
        $global:__mem0_ctx = $ctx
        if ($h) { $global:__mem0_hid = $h.Id }
        return
    }
    if (-not $ctx -or -not $h -or $h.Id -eq $global:__mem0_hid) { return }
    $global:__mem0_hid = $h.Id
    if ($h.CommandLine -match '^\s') { return }
    # $LASTEXITCODE outlives the native command that set it: it is this
    # command's status only if it changed since the last prompt.
    $st = 0
    if (-not $ok) {
        $st = 1
        if ($code -and $code -ne $global:__mem0_code) { $st = $code }
    }
    $global:__mem0_seq += 1
    __mem0_git
    $start = ([DateTimeOffset]$h.StartExecutionTime).ToUnixTimeMilliseconds() * 1000
    $end = ([DateTimeOffset]$h.EndExecutionTime).ToUnixTimeMilliseconds() * 1000
    $lines = @(
        'mem0-capture 1', "session $env:MEM0_SESSION", "seq $global:__mem0_seq", "context $ctx",
        'shell powershell', "status $st", "start_us $start", "end_us $end",
        "cwd $(__mem0_esc $PWD.ProviderPath)", "git_root $(__mem0_esc $global:__mem0_groot)",
        "git_head $(__mem0_esc $global:__mem0_ghead)", "cmd $(__mem0_esc $h.CommandLine)", 'end', '')
    $file = [System.IO.Path]::Combine($global:__mem0_spool, "$env:MEM0_SESSION.$global:__mem0_seq")
    [System.IO.File]::WriteAllText($file, ($lines -join "`n"), [System.Text.UTF8Encoding]::new($false))
}

if (-not $global:__mem0_loaded) {
    $global:__mem0_loaded = $true
    $global:__mem0_seq = 0
    $global:__mem0_ctx = ''
    $global:__mem0_hid = -1
    $global:__mem0_code = $global:LASTEXITCODE
    $env:MEM0_SESSION = 'pwsh-{0:x}-{1:x8}' -f $PID, (Get-Random)
    try {
        [System.IO.File]::WriteAllText([System.IO.Path]::Combine($global:__mem0_sessions, $env:MEM0_SESSION), {{.Context}} + "`n")
    } catch {}
    $global:__mem0_prompt = $function:prompt
    function global:prompt {
        # Read $? and $LASTEXITCODE first: anything run here changes them.
        $ok = $?
        $code = $global:LASTEXITCODE
        try { __mem0_record $ok $code } catch { if ($Error.Count) { $Error.RemoveAt(0) } }
        $global:__mem0_code = $code
        $global:LASTEXITCODE = $code
        # Give the user's prompt (starship, oh-my-posh…) the $? it expects.
        if (-not $ok) { Write-Error '' -ErrorAction Ignore }
        if ($global:__mem0_prompt) { & $global:__mem0_prompt } else { "PS $($PWD.Path)> " }
    }
}
{{- if .Completion}}

# Completion for mem0 (mem0 completion powershell).
{{.Completion}}
{{- end}}
