// SPDX-License-Identifier: GPL-2.0
/*
 * sym_lookup.c - test tool for lib/symbols/symbols.c: loads a binary as the
 * session does (or only the kernel) and prints, for each ELF virtual
 * address given, what script would show: symbol, dso, source line and the
 * first code bytes read through maps_read.
 *
 *   sym_lookup [--debug-dir D] [--symfs D] [--vmlinux F] [--kallsyms F]
 *              [--kcore F] [--kernel-ref SYM=ADDR] [--load-base ADDR] FILE|- VADDR...
 *
 * --kernel-ref: the recorded kernel had SYM (_text) at ADDR (hex), as a
 * recording's "[kernel.kallsyms]_text" MMAP says (KASLR).
 *
 * Prints "kernel error: ..." or "kernel warning: ..." when loading the
 * kernel's symbols says so, "source SYM_SOURCE" (of FILE), then per address:
 *   ADDR SYM+OFF|[unknown] DSO SRCLINE|- HEXBYTES|-
 * FILE's ET_DYN segments are mapped at 0x7f0000000000 + their vaddr; with
 * --load-base (hex), at ADDR + their vaddr, and each VADDR is an address
 * of that mapping (where a PIE ran), printed as given.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/symbols/symbols.h"

#define BASE 0x7f0000000000ULL

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "debug-dir", required_argument, NULL, 'D' },
		{ "symfs", required_argument, NULL, 'S' },
		{ "vmlinux", required_argument, NULL, 'k' },
		{ "kallsyms", required_argument, NULL, 'K' },
		{ "kcore", required_argument, NULL, 'C' },
		{ "kernel-ref", required_argument, NULL, 'R' },
		{ "load-base", required_argument, NULL, 'B' },
		{ NULL, 0, NULL, 0 }
	};
	const char *debug_dir = NULL, *symfs = NULL, *vmlinux = NULL, *kallsyms = NULL;
	const char *kcore = NULL;
	struct dso_cache *c = dso_cache_new();
	struct maps m = { 0 };
	uint64_t base = 0, load_base = BASE;
	int as_run = 0;	/* --load-base: addresses where the file ran */
	char err[512];
	int opt, ret = 0;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'D': debug_dir = optarg; break;
		case 'S': symfs = optarg; break;
		case 'k': vmlinux = optarg; break;
		case 'K': kallsyms = optarg; break;
		case 'C': kcore = optarg; break;
		case 'B': load_base = strtoull(optarg, NULL, 16); as_run = 1; break;
		case 'R': {
			char *eq = strchr(optarg, '=');

			if (!c || !eq)
				return 2;
			*eq = 0;
			dso_cache_set_kernel_ref(c, optarg, strtoull(eq + 1, NULL, 16));
			break;
		}
		default: return 2;
		}
	}
	if (!c || optind >= argc)
		return 2;
	dso_cache_set_debug_dirs(c, symfs, debug_dir);
	m.kernel = dso_cache_kernel_maps(c);
	if ((vmlinux || kallsyms) &&
	    dso_cache_load_kernel(c, vmlinux, kallsyms, kcore, err, sizeof(err))) {
		printf("kernel error: %s\n", err);
		ret = 1;
	} else if ((vmlinux || kallsyms) && *err) {
		printf("kernel warning: %s\n", err);
	}
	if (strcmp(argv[optind], "-")) {
		struct dso *d = dso_get(c, argv[optind]);

		if (!d || d->missing) {
			printf("cannot read %s\n", argv[optind]);
			return 1;
		}
		printf("source %s\n", d->sym_source ? d->sym_source : "none");
		base = d->is_exec ? 0 : load_base;
		for (int i = 0; i < d->nr_loads; i++) {
			uint64_t pad = d->loads[i].vaddr & 0xfff;

			if (d->loads[i].filesz)
				maps_insert(&m, base + d->loads[i].vaddr - pad, d->loads[i].filesz + pad,
					    d->loads[i].offset - pad, d);
		}
	}
	for (int i = optind + 1; i < argc; i++) {
		uint64_t addr = strtoull(argv[i], NULL, 16), a;
		char buf[256], line[4096];
		const char *dso, *sym, *src;
		uint8_t code[4];
		uint64_t off;
		int n;

		a = addr >= KERNEL_START || as_run ? addr : base + addr;
		maps_symbolize(&m, a, buf, sizeof(buf), &dso, &sym, &off);
		src = maps_srcline(&m, a, line, sizeof(line));
		printf("%" PRIx64 " %s %s %s ", addr, buf, dso, src ? src : "-");
		n = maps_read(&m, a, code, sizeof(code));
		for (int k = 0; k < n; k++)
			printf("%02x", code[k]);
		printf("%s\n", n ? "" : "-");
	}
	maps_free(&m);
	dso_cache_free(c);
	return ret;
}
