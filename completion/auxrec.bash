# bash completion for auxrec -*- shell-script -*-
# Lists every command and option; tests/cli/t-cli.sh checks it against
# `auxrec CMD --help` and the man pages.

_auxrec_record_opts="--event --all-cpus --cpu --pid --tid --per-thread --no-inherit
	--mmap-pages --output --merge-aux --snapshot --control --filter --seed-stacks --quiet --help"
_auxrec_dump_opts="--input --raw --pmu --json --stats --no-packets --no-pad --help"
_auxrec_list_opts="--all --json --help"
_auxrec_version_opts="--json --help"
_auxrec_script_opts="--input --itrace --events --symfs --debug-dir --vmlinux --kallsyms --srcline --stack-samples --progress --no-progress --jobs --json --pid --tid --cpu --comm --time --list-units --unit --unit-keys --help"
_auxrec_export_opts="--input --format --clock --output --symfs --debug-dir --vmlinux --kallsyms --progress --no-progress --jobs --pid --tid --cpu --comm --time --help"
_auxrec_report_opts="--input --sort --symfs --debug-dir --vmlinux --kallsyms --progress --no-progress --jobs --json --pid --tid --cpu --comm --time --help"

_auxrec_pmus()
{
	local d
	for d in /sys/bus/event_source/devices/*; do
		[ -e "$d/type" ] && printf '%s// ' "${d##*/}"
	done
}

_auxrec()
{
	local cur prev words cword
	_init_completion || return

	local commands="record script report export dump list help version"
	local cmd= i c n=0
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-*) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done
	# auxrec takes an unambiguous prefix of a command (auxrec scr)
	if [ -n "$cmd" ] && [[ " $commands " != *" $cmd "* ]]; then
		for c in $commands; do
			[[ $c == "$cmd"* ]] && { n=$((n + 1)); i=$c; }
		done
		[ $n = 1 ] && cmd=$i
	fi

	if [ -z "$cmd" ]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--json --pretty --verbose --version --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi
		return
	fi

	case $cmd in
	record)
		case $prev in
		-e|--event) COMPREPLY=($(compgen -W "$(_auxrec_pmus)" -- "$cur")); return ;;
		-o|--output) _filedir; return ;;
		-p|--pid|-t|--tid) _pids; return ;;
		-C|--cpu|-m|--mmap-pages) return ;;
		esac
		COMPREPLY=($(compgen -W "$_auxrec_record_opts" -- "$cur"))
		;;
	dump)
		case $prev in
		-i|--input|--raw) _filedir; return ;;
		--pmu) COMPREPLY=($(compgen -W "intel_pt intel_bts arm_spe" -- "$cur")); return ;;
		esac
		COMPREPLY=($(compgen -W "$_auxrec_dump_opts" -- "$cur"))
		;;
	list)
		COMPREPLY=($(compgen -W "$_auxrec_list_opts" -- "$cur"))
		;;
	version)
		COMPREPLY=($(compgen -W "$_auxrec_version_opts" -- "$cur"))
		;;
	script|report)
		case $prev in
		-i|--input|--vmlinux|--kallsyms) _filedir; return ;;
		--symfs|--debug-dir) _filedir -d; return ;;
		--events) COMPREPLY=($(compgen -W "all branch trace_begin trace_end sync overflow
			error ptwrite tsx paging power stop insn mem_sample" -- "$cur")); return ;;
		-s|--sort) COMPREPLY=($(compgen -W "dso,sym sym dso data_src data_sym data_sym,data_src sym,data_src" -- "$cur")); return ;;
		--jobs) COMPREPLY=($(compgen -W "1 2 4 8" -- "$cur")); return ;;
		--unit) return ;;	# K or K:JOIN, see --list-units
		--pid|--tid|-C|--cpu|--comm|--time) return ;;	# values of the recording
		esac
		local v=_auxrec_${cmd}_opts
		COMPREPLY=($(compgen -W "${!v}" -- "$cur"))
		;;
	export)
		case $prev in
		-i|--input|-o|--output|--vmlinux|--kallsyms) _filedir; return ;;
		--symfs|--debug-dir) _filedir -d; return ;;
		-f|--format) COMPREPLY=($(compgen -W "chrome perfetto folded" -- "$cur")); return ;;
		-c|--clock) COMPREPLY=($(compgen -W "time insns" -- "$cur")); return ;;
		--jobs) COMPREPLY=($(compgen -W "1 2 4 8" -- "$cur")); return ;;
		--pid|--tid|-C|--cpu|--comm|--time) return ;;	# values of the recording
		esac
		COMPREPLY=($(compgen -W "$_auxrec_export_opts" -- "$cur"))
		;;
	help)
		COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		;;
	esac
}
complete -F _auxrec auxrec
