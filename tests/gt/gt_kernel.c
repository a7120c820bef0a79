// SPDX-License-Identifier: GPL-2.0
/*
 * gt_kernel.c - the running kernel's text from /proc/kallsyms and
 * /proc/kcore, and a walk through it for gt-record --kernel (see
 * gt_kernel.h).
 */
#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "decoders/x86/x86_insn.h"
#include "gt_kernel.h"

#define WALK_STACK	256
#define WALK_SEEN	4096

/* _text, _etext, FUNC and the text symbols between from kallsyms. */
static int read_kallsyms(struct gt_ktext *kt, const char *path, const char *func, uint64_t *end,
			 char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[512], name[256], type;
	uint64_t addr;
	size_t cap = 0;

	if (!f) {
		snprintf(err, errlen, "cannot read %s", path);
		return -1;
	}
	*end = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%" SCNx64 " %c %255s", &addr, &type, name) != 3 || !addr)
			continue;
		if (!strcmp(name, "_text"))
			kt->vaddr = addr;
		else if (!strcmp(name, "_etext"))
			*end = addr;
		if (!strcmp(name, func) && (type == 't' || type == 'T'))
			kt->entry = addr;
		if ((type != 't' && type != 'T') || strchr(line, '['))	/* no modules */
			continue;
		if (kt->nfuncs == cap) {
			cap = cap ? 2 * cap : 4096;
			kt->funcs = realloc(kt->funcs, cap * sizeof(*kt->funcs));
			if (!kt->funcs)
				break;
		}
		kt->funcs[kt->nfuncs++] = addr;
	}
	fclose(f);
	if (!kt->vaddr || *end <= kt->vaddr || !kt->funcs) {
		snprintf(err, errlen, "%s: no _text/_etext (addresses hidden?)", path);
		return -1;
	}
	if (!kt->entry) {
		snprintf(err, errlen, "%s: no text symbol %s", path, func);
		return -1;
	}
	return 0;
}

/* The bytes of [kt->vaddr, +kt->size) from the PT_LOAD of the ELF core that holds them. */
static int read_kcore(struct gt_ktext *kt, const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY);
	Elf64_Ehdr eh;

	if (fd < 0 || pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_phentsize != sizeof(Elf64_Phdr)) {
		snprintf(err, errlen, "cannot read %s as an ELF core", path);
		goto fail;
	}
	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + (uint64_t)i * sizeof(ph)) != sizeof(ph))
			break;
		if (ph.p_type != PT_LOAD || kt->vaddr < ph.p_vaddr ||
		    kt->vaddr + kt->size > ph.p_vaddr + ph.p_filesz)
			continue;
		kt->bytes = malloc(kt->size);
		if (kt->bytes && pread(fd, kt->bytes, kt->size, ph.p_offset + (kt->vaddr - ph.p_vaddr)) ==
				 (ssize_t)kt->size) {
			close(fd);
			return 0;
		}
		snprintf(err, errlen, "%s: cannot read the kernel text", path);
		goto fail;
	}
	snprintf(err, errlen, "%s: no segment holds the kernel text", path);
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

int gt_ktext_load(struct gt_ktext *kt, const char *kallsyms, const char *kcore,
		  const char *func, char *err, size_t errlen)
{
	uint64_t end;
	size_t k = 0;

	memset(kt, 0, sizeof(*kt));
	if (read_kallsyms(kt, kallsyms, func, &end, err, errlen))
		return -1;
	kt->size = end - kt->vaddr;
	for (size_t i = 0; i < kt->nfuncs; i++)	/* the targets inside the text */
		if (kt->funcs[i] - kt->vaddr < kt->size)
			kt->funcs[k++] = kt->funcs[i];
	kt->nfuncs = k;
	if (kt->entry - kt->vaddr >= kt->size) {
		snprintf(err, errlen, "%s is not in the kernel text", func);
		return -1;
	}
	return read_kcore(kt, kcore, err, errlen);
}

void gt_ktext_free(struct gt_ktext *kt)
{
	free(kt->bytes);
	free(kt->funcs);
}

static int decode(const struct gt_ktext *kt, uint64_t ip, struct x86_insn *insn)
{
	uint64_t off = ip - kt->vaddr;

	if (off >= kt->size)
		return -1;
	return x86_insn_decode(kt->bytes + off, kt->size - off, ip, X86_MODE_64, insn);
}

static int stops_here(const struct x86_insn *insn)
{
	return x86_class_is_far(insn->cls) ||
	       (insn->map == 1 && insn->opcode == 0x0b) ||	/* ud2 */
	       (insn->map == 0 && insn->opcode == 0xf4);	/* hlt */
}

struct walk {
	uint64_t stack[WALK_STACK];	/* return addresses of the walk's calls */
	unsigned int depth;
	uint64_t rnd;
	/* instructions since the last packet (TNT or TIP) */
	uint64_t seen[WALK_SEEN];
	unsigned int nseen;
};

static uint64_t next_random(struct walk *w)
{
	w->rnd ^= w->rnd << 13;
	w->rnd ^= w->rnd >> 7;
	w->rnd ^= w->rnd << 17;
	return w->rnd >> 8;
}

/*
 * Whether the instruction at ip, which needs no packet, comes back to
 * where the walk went since the last packet (TNT or TIP): a loop without
 * packets (the retpoline's pause loop, jmp .) that no decoder could tell
 * the rounds of, so that an asynchronous stop in it would be ambiguous.
 * The walk does not go round.
 */
static bool loops_without_packet(struct walk *w, uint64_t ip, uint64_t next)
{
	if (w->nseen == WALK_SEEN)
		return true;
	w->seen[w->nseen++] = ip;
	for (unsigned int i = 0; i < w->nseen; i++)
		if (w->seen[i] == next)
			return true;
	return false;
}

/* Where the instruction at ip goes, 0 when the walk does not follow it. */
static uint64_t next_ip(const struct gt_ktext *kt, struct walk *w, uint64_t ip)
{
	struct x86_insn insn, next_insn;
	int len = decode(kt, ip, &insn);
	uint64_t next, r = next_random(w);
	bool packet = false;

	if (len < 0 || stops_here(&insn))
		return 0;
	next = ip + len;
	switch (insn.cls) {
	case X86_CLASS_COND_JUMP:
		if (insn.target > ip ? r & 1 : !(r & 3))
			next = insn.target;
		packet = true;
		break;
	case X86_CLASS_CALL:
	case X86_CLASS_JUMP:
		if (insn.cls == X86_CLASS_CALL) {
			if (w->depth == WALK_STACK)
				return 0;
			w->stack[w->depth++] = next;
		}
		packet = !insn.has_target;
		next = insn.has_target ? insn.target : kt->funcs[r % kt->nfuncs];
		break;
	case X86_CLASS_RETURN:
		next = w->depth ? w->stack[--w->depth] : kt->funcs[r % kt->nfuncs];
		packet = true;
		break;
	default:
		break;
	}
	if (packet)
		w->nseen = 0;
	else if (loops_without_packet(w, ip, next))
		return 0;
	return decode(kt, next, &next_insn) < 0 ? 0 : next;
}

void gt_kernel_walk(const struct gt_ktext *kt, size_t n, unsigned int seed,
		    void (*add)(uint64_t ip, enum gt_walk_step step))
{
	static struct walk w;
	enum gt_walk_step step = GT_WALK_RUN;
	uint64_t ip = kt->entry;

	w.rnd = seed * 2654435761ull + 1;
	for (size_t i = 0; i < n || step != GT_WALK_RUN; i++) {
		uint64_t next = next_ip(kt, &w, ip);

		add(ip, step);
		step = GT_WALK_RUN;
		if (!next) {	/* ip does not run after all: start again elsewhere */
			next = kt->funcs[next_random(&w) % kt->nfuncs];
			w.depth = w.nseen = 0;
			step = GT_WALK_AGAIN;
		}
		ip = next;
	}
	add(ip, GT_WALK_STOP);
}
