// SPDX-License-Identifier: GPL-2.0
/*
 * script.c - `auxrec script`: the decoded trace as events, one per line:
 * branches with symbols (like perf script --itrace=b), optionally calls or
 * returns only, instructions, ptwrite, power and error events; text for
 * people or JSON Lines (docs/json.md, "auxrec script").
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "builtin.h"
#include "lib/output/json.h"
#include "lib/output/line_buf.h"
#include "lib/session/trace_decode.h"
#include "lib/util/util.h"

struct script {
	bool branches, calls, returns, insns, errors, ptwrite, power, tx, srcline;
	struct json_writer jw;
	struct line_buf line;	/* the text line being built */
	uint64_t printed;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: auxrec script [-i FILE] [--itrace=OPTS] [--symfs DIR] [--debug-dir DIR]\n"
		"                     [--vmlinux FILE] [--srcline] [--[no-]progress] [--json]\n"
		"\n"
		"Decode the AUX trace of a recording and print its events: taken branches\n"
		"with their symbols, trace starts and ends, and decode errors.\n"
		"\n"
		"  -i, --input FILE    the recording (default auxrec.data)\n"
		"      --itrace=OPTS   what to print (default be):\n"
		"                        b branches, c calls only, r returns only,\n"
		"                        i every instruction, e errors, w ptwrite,\n"
		"                        p power events, x transactions\n"
		"      --symfs DIR     look for the traced binaries below DIR\n"
		"      --debug-dir DIR look for debug files by build id in DIR/.build-id\n"
		"                      (before /usr/lib/debug)\n"
		"      --vmlinux FILE  kernel symbols and code from FILE\n"
		"      --srcline       the source file:line of each address (needs debug info)\n"
		"      --progress      a progress line per second on stderr (default: one line\n"
		"                      kept up to date when stderr is a terminal and stdout\n"
		"                      is not)\n"
		"      --no-progress   no progress line\n"
		"  -j, --json          JSON Lines, one object per event (see docs/json.md)\n"
		"  -h, --help          this help\n");
}

static int parse_itrace(struct script *sc, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case 'b': sc->branches = true; break;
		case 'c': sc->calls = true; break;
		case 'r': sc->returns = true; break;
		case 'i': sc->insns = true; break;
		case 'e': sc->errors = true; break;
		case 'w': sc->ptwrite = true; break;
		case 'p': sc->power = true; break;
		case 'x': sc->tx = true; break;
		default: return -1;
		}
	}
	return 0;
}

static bool wanted(const struct script *sc, const struct decode_event *ev)
{
	const char *t = ev->type;

	if (!strcmp(t, "branch")) {
		if (sc->branches)
			return true;
		if (sc->calls && ev->kind && strstr(ev->kind, "call"))
			return true;
		return sc->returns && ev->kind && strstr(ev->kind, "return");
	}
	if (!strcmp(t, "trace_begin") || !strcmp(t, "trace_end"))
		return sc->branches || sc->calls || sc->returns;
	if (!strcmp(t, "insn"))
		return sc->insns;
	if (!strcmp(t, "error") || !strcmp(t, "overflow"))
		return sc->errors;
	if (!strcmp(t, "ptwrite"))
		return sc->ptwrite;
	if (!strcmp(t, "power"))
		return sc->power;
	if (!strcmp(t, "tsx"))
		return sc->tx;
	return false;
}

static const struct maps *maps_of(const struct trace_event *te)
{
	return te->proc ? &te->proc->maps : te->kmaps;
}

static void addr_json(const struct script *sc, struct json_writer *w, const char *key,
		      uint64_t addr, const struct maps *m)
{
	char name[64], line[4096];
	size_t n = strlen(key);
	const char *dso, *sym;
	uint64_t off;

	jw_kv_hex(w, key, addr);
	if (!addr)
		return;
	maps_lookup(m, addr, &dso, &sym, &off);
	/* KEY_sym, KEY_symoff, ... (key is "from" or "to": no printf per event) */
	memcpy(name, key, n);
	memcpy(name + n, "_sym", 5);
	jw_kv_string(w, name, sym);
	if (sym) {
		memcpy(name + n, "_symoff", 8);
		jw_kv_u64(w, name, off);
	}
	memcpy(name + n, "_dso", 5);
	jw_kv_string(w, name, dso);
	if (sc->srcline) {
		memcpy(name + n, "_srcline", 9);
		jw_kv_string(w, name, maps_srcline(m, addr, line, sizeof(line)));
	}
}

static void print_json(struct script *sc, const struct trace_event *te)
{
	const struct decode_event *ev = te->ev;
	struct json_writer *w = &sc->jw;

	jw_object_start(w);
	jw_kv_string(w, "type", ev->type);
	if (ev->kind)
		jw_kv_string(w, "kind", ev->kind);
	if (ev->time)
		jw_kv_u64(w, "time", ev->time);
	jw_kv_s64(w, "pid", te->pid);
	jw_kv_s64(w, "tid", te->tid);
	jw_kv_s64(w, "cpu", te->piece->chunk.cpu);
	if (te->proc && te->proc->comm[0])
		jw_kv_string(w, "comm", te->proc->comm);
	addr_json(sc, w, "from", ev->from, maps_of(te));
	addr_json(sc, w, "to", ev->to, maps_of(te));
	jw_kv_u64(w, "insn_count", ev->insn_count);
	jw_kv_u64(w, "aux_offset", ev->aux_offset);
	if (ev->error)
		jw_kv_string(w, "error", ev->error);
	if (!strcmp(ev->type, "ptwrite") || !strcmp(ev->type, "paging") || !strcmp(ev->type, "power"))
		jw_kv_hex(w, "payload", ev->payload);
	jw_object_end(w);
	jw_end_line(w);
}

/* "    addr sym+0xoff [file:line] (dso)", as perf script prints a branch end */
static void print_addr(struct line_buf *lb, const struct script *sc, uint64_t addr,
		       const struct maps *m)
{
	char line[4096];
	const char *dso, *sym, *src = NULL;
	uint64_t off;

	maps_lookup(m, addr, &dso, &sym, &off);
	if (sc->srcline && addr)
		src = maps_srcline(m, addr, line, sizeof(line));
	lb_hex_right(lb, addr, 16);
	lb_char(lb, ' ');
	if (sym) {
		lb_str(lb, sym);
		lb_char(lb, '+');
		lb_hex0x(lb, off);
	} else {
		lb_str(lb, "[unknown]");
	}
	if (src) {
		lb_char(lb, ' ');
		lb_str(lb, src);
	}
	lb_str(lb, " (");
	lb_str(lb, dso);
	lb_char(lb, ')');
}

/*
 * One line per event, built without printf (this is the hot path: a line
 * per branch) and written with one fwrite.
 */
static void print_text(struct script *sc, const struct trace_event *te)
{
	const struct decode_event *ev = te->ev;
	const char *comm = te->proc && te->proc->comm[0] ? te->proc->comm : ":";
	struct line_buf *lb = &sc->line;
	const char *kind = ev->kind && !strcmp(ev->type, "branch") ? ev->kind :
			   !strcmp(ev->type, "trace_begin") ? "tr strt" :
			   !strcmp(ev->type, "trace_end") ? "tr end" : ev->type;

	lb_reset(lb);
	lb_str_right(lb, comm, 16);
	lb_char(lb, ' ');
	lb_dec_right(lb, te->tid, 6);
	if (te->piece->chunk.cpu >= 0) {
		lb_str(lb, " [");
		lb_udec_zero(lb, (uint32_t)te->piece->chunk.cpu, 3);
		lb_char(lb, ']');
	}
	if (ev->time) {
		lb_char(lb, ' ');
		lb_udec_zero(lb, ev->time / 1000000000, 1);
		lb_char(lb, '.');
		lb_udec_zero(lb, ev->time % 1000000000, 9);
		lb_char(lb, ':');
	}
	lb_char(lb, ' ');
	lb_str_right(lb, kind, 10);
	lb_char(lb, ' ');
	if (ev->error) {
		lb_printf(lb, " error: %s at AUX offset %#" PRIx64, ev->error, ev->aux_offset);
		if (ev->from)
			lb_printf(lb, " ip %#" PRIx64, ev->from);
	} else {
		print_addr(lb, sc, ev->from, maps_of(te));
		lb_str(lb, " => ");
		print_addr(lb, sc, ev->to, maps_of(te));
		if (!strcmp(ev->type, "ptwrite") || !strcmp(ev->type, "power"))
			lb_printf(lb, " payload %#" PRIx64, ev->payload);
	}
	lb_char(lb, '\n');
	lb_write(lb, stdout);
}

static int on_event(void *ctx, const struct trace_event *te)
{
	struct script *sc = ctx;

	if (!wanted(sc, te->ev))
		return 0;
	if (json_output)
		print_json(sc, te);
	else
		print_text(sc, te);
	sc->printed++;
	return ferror(stdout) ? 1 : 0;
}

int cmd_script(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "input",  required_argument, NULL, 'i' },
		{ "itrace", required_argument, NULL, 'I' },
		{ "symfs",  required_argument, NULL, 'S' },
		{ "debug-dir", required_argument, NULL, 'D' },
		{ "vmlinux", required_argument, NULL, 'k' },
		{ "srcline", no_argument,      NULL, 'L' },
		{ "progress", no_argument,     NULL, 'P' },
		{ "no-progress", no_argument,  NULL, 'Q' },
		{ "json",   no_argument,       NULL, 'j' },
		{ "help",   no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct script sc = { 0 };
	struct trace_decode_opts o = { .path = "auxrec.data", .fn = on_event, .ctx = &sc };
	const char *itrace = "be";
	int c, ret;

	while ((c = getopt_long(argc, argv, "i:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'i': o.path = optarg; break;
		case 'I': itrace = optarg; break;
		case 'S': o.symfs = optarg; break;
		case 'D': o.debug_dir = optarg; break;
		case 'k': o.vmlinux = optarg; break;
		case 'L': sc.srcline = true; break;
		case 'P': o.progress = PROGRESS_ALWAYS; break;
		case 'Q': o.progress = PROGRESS_NEVER; break;
		case 'j': json_output = true; break;
		case 'h': usage(stdout); return 0;
		default: return cmd_usage_error(usage, "bad option");
		}
	}
	if (optind < argc)
		return cmd_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (parse_itrace(&sc, itrace))
		return cmd_usage_error(usage, "bad --itrace '%s' (letters from bcriewpx)", itrace);
	o.insns = sc.insns;
	jw_init(&sc.jw, stdout, false);
	ret = trace_decode(&o);
	lb_free(&sc.line);
	return ret;
}
