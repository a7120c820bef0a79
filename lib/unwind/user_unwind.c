// SPDX-License-Identifier: GPL-2.0
/*
 * user_unwind.c - remote unwinding of sampled user stacks with libunwind
 * (see user_unwind.h). libunwind asks for three things through accessors:
 * - the unwind table of an address: the FDE search table of the binary
 *   mapped there (eh_table.c: its .eh_frame_hdr's, or one built from its
 *   .eh_frame), handed over as a remote table; libunwind reads remote
 *   tables through access_mem, so each binary's table is served at an
 *   address no user memory has (TABLE_BASE + the table's number << 32);
 * - memory: that table, the sampled stack bytes [sp, sp + dyn_size), else
 *   the bytes of a binary the process mapped (its .eh_frame lies in a
 *   segment that need not be mapped executable), by run-time address;
 * - registers: from the sample, numbered as perf_regs.h for x86-64.
 * Binaries with only .debug_frame end the unwinding.
 */
#include <errno.h>
#include <libunwind.h>
#include <stdlib.h>
#include <string.h>
#include <asm/perf_regs.h>
#include "lib/unwind/eh_table.h"
#include "lib/unwind/user_unwind.h"

/* Not in libunwind's headers: its search of a binary search table (as perf declares it). */
extern int UNW_OBJ(dwarf_search_unwind_table)(unw_addr_space_t as, unw_word_t ip,
					      unw_dyn_info_t *di, unw_proc_info_t *pi,
					      int need_unwind_info, void *arg);

/* Non-canonical x86-64 addresses: the FDE tables as libunwind reads them. */
#define TABLE_BASE	0xa000000000000000ULL
#define TABLE_SHIFT	32

/* The FDE table of a binary, loaded once per dso. */
struct dso_table {
	const struct dso *dso;
	struct eh_table t;
	bool ok;
};

struct user_unwinder {
	unw_addr_space_t as;
	struct dso_table *tables;
	size_t nr_tables;
};

/* What the accessors read for the sample being unwound. */
struct unwind_ctx {
	struct user_unwinder *uw;
	const struct maps *maps;
	const struct pd_sample_user *u;
	uint64_t sp;
};

/* The table of d (its index in *idx), NULL when it has none or no memory. */
static const struct eh_table *table_of(struct user_unwinder *uw, const struct dso *d, size_t *idx)
{
	struct dso_table *v;
	size_t i;

	for (i = 0; i < uw->nr_tables && uw->tables[i].dso != d; i++)
		;
	if (i == uw->nr_tables) {
		v = realloc(uw->tables, (uw->nr_tables + 1) * sizeof(*v));
		if (!v)
			return NULL;
		uw->tables = v;
		v[i].dso = d;
		v[i].ok = !eh_table_load(d, &v[i].t);
		uw->nr_tables++;
	}
	*idx = i;
	return uw->tables[i].ok ? &uw->tables[i].t : NULL;
}

/* Run-time minus ELF address for the mapping mp, or false. */
static bool map_bias(const struct map *mp, uint64_t *bias)
{
	uint64_t vaddr;

	if (!mp->dso || mp->dso->missing || !mp->dso->map)
		return false;
	if (!dso_offset_to_vaddr(mp->dso, mp->pgoff, &vaddr))
		return false;
	*bias = mp->start - vaddr;
	return true;
}

static int find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi,
			  int need_unwind_info, void *arg)
{
	struct unwind_ctx *c = arg;
	const struct map *mp = maps_find(c->maps, ip);
	const struct eh_table *t;
	unw_dyn_info_t di;
	uint64_t bias;
	size_t idx;

	if (!mp || !map_bias(mp, &bias))
		return -UNW_ENOINFO;
	t = table_of(c->uw, mp->dso, &idx);
	if (!t || (uint64_t)t->nr_fdes * 8 >= 1ULL << TABLE_SHIFT)
		return -UNW_ENOINFO;
	memset(&di, 0, sizeof(di));
	di.format = UNW_INFO_FORMAT_REMOTE_TABLE;
	di.start_ip = mp->start;
	di.end_ip = mp->end;
	di.u.rti.segbase = t->segbase + bias;
	di.u.rti.table_data = TABLE_BASE + ((uint64_t)idx << TABLE_SHIFT);
	di.u.rti.table_len = t->nr_fdes * 8 / sizeof(unw_word_t);
	return UNW_OBJ(dwarf_search_unwind_table)(as, ip, &di, pi, need_unwind_info, arg);
}

static void put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi, void *arg)
{
}

static int get_dyn_info_list_addr(unw_addr_space_t as, unw_word_t *dilap, void *arg)
{
	return -UNW_ENOINFO;
}

/* 8 bytes of a table at its address addr (see TABLE_BASE). */
static bool read_table(const struct user_unwinder *uw, uint64_t addr, uint64_t *v)
{
	uint64_t idx = (addr - TABLE_BASE) >> TABLE_SHIFT;
	uint64_t off = addr & ((1ULL << TABLE_SHIFT) - 1);
	const struct eh_table *t;

	if (addr < TABLE_BASE || idx >= uw->nr_tables || !uw->tables[idx].ok)
		return false;
	t = &uw->tables[idx].t;
	if (off + 8 > (uint64_t)t->nr_fdes * 8)
		return false;
	memcpy(v, (const uint8_t *)t->entries + off, 8);
	return true;
}

/* 8 bytes at run-time address addr from a binary mapped by the process. */
static bool read_binary(const struct maps *m, uint64_t addr, uint64_t *v)
{
	for (size_t i = 0; i < m->nr; i++) {
		const struct dso *d = m->v[i].dso;
		uint64_t bias, vaddr;

		if (!map_bias(&m->v[i], &bias))
			continue;
		vaddr = addr - bias;
		for (int k = 0; k < d->nr_loads; k++) {
			uint64_t off = vaddr - d->loads[k].vaddr;

			if (vaddr < d->loads[k].vaddr || off + 8 > d->loads[k].filesz ||
			    d->loads[k].offset + off + 8 > d->map_size)
				continue;
			memcpy(v, d->map + d->loads[k].offset + off, 8);
			return true;
		}
	}
	return false;
}

static int access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *valp, int write,
		      void *arg)
{
	struct unwind_ctx *c = arg;
	uint64_t v;

	if (write)
		return -UNW_EREADONLYREG;
	if (addr >= c->sp && addr - c->sp + 8 <= c->u->dyn_size) {
		memcpy(&v, c->u->stack + (addr - c->sp), 8);
	} else if (!read_table(c->uw, addr, &v) && !read_binary(c->maps, addr, &v)) {
		return -UNW_EINVAL;
	}
	*valp = v;
	return 0;
}

/* libunwind's x86-64 register numbers to perf_regs.h's */
static int perf_reg_of(unw_regnum_t r)
{
	static const int map[] = {
		[UNW_X86_64_RAX] = PERF_REG_X86_AX, [UNW_X86_64_RDX] = PERF_REG_X86_DX,
		[UNW_X86_64_RCX] = PERF_REG_X86_CX, [UNW_X86_64_RBX] = PERF_REG_X86_BX,
		[UNW_X86_64_RSI] = PERF_REG_X86_SI, [UNW_X86_64_RDI] = PERF_REG_X86_DI,
		[UNW_X86_64_RBP] = PERF_REG_X86_BP, [UNW_X86_64_RSP] = PERF_REG_X86_SP,
		[UNW_X86_64_R8] = PERF_REG_X86_R8, [UNW_X86_64_R9] = PERF_REG_X86_R9,
		[UNW_X86_64_R10] = PERF_REG_X86_R10, [UNW_X86_64_R11] = PERF_REG_X86_R11,
		[UNW_X86_64_R12] = PERF_REG_X86_R12, [UNW_X86_64_R13] = PERF_REG_X86_R13,
		[UNW_X86_64_R14] = PERF_REG_X86_R14, [UNW_X86_64_R15] = PERF_REG_X86_R15,
		[UNW_X86_64_RIP] = PERF_REG_X86_IP,
	};

	return r >= 0 && (size_t)r < sizeof(map) / sizeof(map[0]) ? map[r] : -1;
}

static int access_reg(unw_addr_space_t as, unw_regnum_t regnum, unw_word_t *valp, int write,
		      void *arg)
{
	struct unwind_ctx *c = arg;
	int r = perf_reg_of(regnum);
	uint64_t v;

	if (write)
		return -UNW_EREADONLYREG;
	if (r < 0 || !pd_sample_user_reg(c->u, (unsigned int)r, &v))
		return -UNW_EBADREG;
	*valp = v;
	return 0;
}

static int access_fpreg(unw_addr_space_t as, unw_regnum_t num, unw_fpreg_t *val, int write,
			void *arg)
{
	return -UNW_EINVAL;
}

static int resume(unw_addr_space_t as, unw_cursor_t *cu, void *arg)
{
	return -UNW_EINVAL;
}

static int get_proc_name(unw_addr_space_t as, unw_word_t addr, char *bufp, size_t buf_len,
			 unw_word_t *offp, void *arg)
{
	return -UNW_EINVAL;
}

static unw_accessors_t accessors = {
	.find_proc_info = find_proc_info,
	.put_unwind_info = put_unwind_info,
	.get_dyn_info_list_addr = get_dyn_info_list_addr,
	.access_mem = access_mem,
	.access_reg = access_reg,
	.access_fpreg = access_fpreg,
	.resume = resume,
	.get_proc_name = get_proc_name,
};

struct user_unwinder *user_unwinder_new(void)
{
	struct user_unwinder *uw = calloc(1, sizeof(*uw));

	if (!uw)
		return NULL;
	uw->as = unw_create_addr_space(&accessors, 0);
	if (!uw->as) {
		free(uw);
		return NULL;
	}
	/* cached unwind info is per address space: one per unwinder, flushed per sample */
	unw_set_caching_policy(uw->as, UNW_CACHE_NONE);
	return uw;
}

void user_unwinder_free(struct user_unwinder *uw)
{
	if (!uw)
		return;
	unw_destroy_addr_space(uw->as);
	for (size_t i = 0; i < uw->nr_tables; i++)
		eh_table_free(&uw->tables[i].t);
	free(uw->tables);
	free(uw);
}

int user_unwind(struct user_unwinder *uw, const struct maps *m, const struct pd_sample_user *u,
		uint64_t *pcs, int max)
{
	struct unwind_ctx c = { .uw = uw, .maps = m, .u = u };
	unw_cursor_t cur;
	unw_word_t ip;
	int n = 0;

	if (u->abi != PERF_SAMPLE_REGS_ABI_64 || !pd_sample_user_reg(u, PERF_REG_X86_SP, &c.sp) ||
	    !pd_sample_user_reg(u, PERF_REG_X86_IP, &pcs[0]) || max < 1)
		return -EINVAL;
	n = 1;
	if (!u->stack || unw_init_remote(&cur, uw->as, &c))
		return n;
	while (n < max && unw_step(&cur) > 0) {
		if (unw_get_reg(&cur, UNW_REG_IP, &ip) || !ip)
			break;
		pcs[n++] = ip;
	}
	return n;
}

int user_unwind_sample(struct user_unwinder **uw, const struct trace_sample *ts, uint64_t *pcs,
		       int max)
{
	struct pd_sample_user u;
	int n;

	if (!ts->proc || ts->tid < 0)
		return 0;
	n = pd_sample_user_parse(ts->rec->hdr, ts->rec->hdr->size, ts->attr, &u);
	if (n == -EINVAL)
		return -EBADMSG;	/* cut short: perf fails to parse it */
	if (n || !u.stack)
		return 0;
	if (!*uw && !(*uw = user_unwinder_new()))
		return -ENOMEM;
	n = user_unwind(*uw, &ts->proc->maps, &u, pcs, max);
	return n == -ENOMEM ? n : n < 0 ? 0 : n;
}
