// SPDX-License-Identifier: GPL-2.0
/*
 * pt_print.c - the packet printers behind `auxrec dump --pmu intel_pt`:
 * the payload field list of every packet type, and its JSON and text
 * renderings. Both build the whole line in a buffer (pt_format_*) that
 * is written with one fwrite; JSON lines with lib/output/json.c's line builders.
 */
#include <string.h>
#include "lib/output/json.h"
#include "pt_print.h"

/* The JSON key is padded so that a 16-byte copy may read it. */
#define JKEY(k)	",\"" k "\":\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
#define F(k, kind_, val)						\
	(f[n++] = (struct pt_field){ .key = (k), .v = (val),		\
				     .jkey = JKEY(k),			\
				     .klen = sizeof(k) - 1,		\
				     .jklen = sizeof(k) + 3, .kind = (kind_) })
#define DEC(k, val) F(k, PT_FIELD_DEC, val)
#define HEX(k, val) F(k, PT_FIELD_HEX, val)

int pt_packet_fields(const struct pt_packet *pkt, uint64_t ip,
		     struct pt_field f[PT_MAX_FIELDS])
{
	int n = 0;

	switch (pkt->type) {
	case PT_PKT_TNT_8:
	case PT_PKT_TNT_64:
		F("tnt", PT_FIELD_TNT, pkt->tnt.bits);
		f[0].n = pkt->tnt.count;
		break;
	case PT_PKT_TIP:
	case PT_PKT_TIP_PGE:
	case PT_PKT_TIP_PGD:
	case PT_PKT_FUP:
		DEC("ipc", pkt->ip.ipc);
		if (pkt->ip.ipc != PT_IPC_SUPPRESSED) {
			HEX("payload", pkt->ip.payload);
			HEX("ip", ip);
		}
		break;
	case PT_PKT_MODE_EXEC:
		DEC("csl", pkt->exec.csl);
		DEC("csd", pkt->exec.csd);
		break;
	case PT_PKT_MODE_TSX:
		DEC("intx", pkt->tsx.intx);
		DEC("abrt", pkt->tsx.abrt);
		break;
	case PT_PKT_PIP:
		HEX("cr3", pkt->pip.cr3);
		DEC("nr", pkt->pip.nr);
		break;
	case PT_PKT_VMCS:
		HEX("base", pkt->vmcs_base);
		break;
	case PT_PKT_CBR:
		DEC("ratio", pkt->cbr_ratio);
		break;
	case PT_PKT_TSC:
		DEC("tsc", pkt->tsc);
		break;
	case PT_PKT_TMA:
		DEC("ctc", pkt->tma.ctc);
		DEC("fc", pkt->tma.fc);
		break;
	case PT_PKT_MTC:
		DEC("ctc", pkt->mtc_ctc);
		break;
	case PT_PKT_CYC:
		DEC("cyc", pkt->cyc);
		break;
	case PT_PKT_MNT:
		HEX("payload", pkt->mnt_payload);
		break;
	case PT_PKT_EXSTOP:
		DEC("ip", pkt->exstop_ip);
		break;
	case PT_PKT_MWAIT:
		DEC("hints", pkt->mwait.hints);
		DEC("ext", pkt->mwait.ext);
		break;
	case PT_PKT_PWRE:
		DEC("state", pkt->pwre.state);
		DEC("sub_state", pkt->pwre.sub_state);
		DEC("hw", pkt->pwre.hw);
		break;
	case PT_PKT_PWRX:
		DEC("last", pkt->pwrx.last);
		DEC("deepest", pkt->pwrx.deepest);
		DEC("interrupt", pkt->pwrx.interrupt);
		DEC("store", pkt->pwrx.store);
		DEC("autonomous", pkt->pwrx.autonomous);
		break;
	case PT_PKT_PTW:
		DEC("plc", pkt->ptw.plc);
		HEX("payload", pkt->ptw.payload);
		DEC("ip", pkt->ptw.ip);
		break;
	default:	/* pad, psb, psbend, stop, ovf: no payload */
		break;
	}
	return n;
}

/* "TNNT" at s; returns the length. */
static size_t tnt_string(char *s, uint64_t bits, unsigned int count)
{
	for (unsigned int i = 0; i < count; i++)
		s[i] = bits >> (count - 1 - i) & 1 ? 'T' : 'N';
	return count;
}

static inline char *put_mem(char *p, const char *s, size_t len)
{
	memcpy(p, s, len);
	return p + len;
}

#define PUT_LIT(p, lit) put_mem(p, lit, sizeof(lit) - 1)

/* {"offset":N, as every JSON line starts */
static inline char *put_json_offset(char *p, uint64_t offset)
{
	p = PUT_LIT(p, "{\"offset\":");
	return jw_fmt_u64(p, offset);
}

/* ,"packet":"name" of each type, zero-padded for a fixed-size copy */
#define NAME_FRAG_LIT(name) ",\"packet\":\"" name "\""
#define NAME_FRAG(t, name) [t] = NAME_FRAG_LIT(name),
#define NAME_FRAG_LEN(t, name) [t] = sizeof(NAME_FRAG_LIT(name)) - 1,
static const char name_frag[PT_PKT_NR][32] = {
	PT_PACKET_NAME_LIST(NAME_FRAG)
};
static const uint8_t name_frag_len[PT_PKT_NR] = {
	PT_PACKET_NAME_LIST(NAME_FRAG_LEN)
};

/*
 * The fast path of the dump: fixed-size copies of the padded fragments
 * may write up to 32 bytes past the line's end, within PT_LINE_MAX.
 */
size_t pt_format_packet_json(char *line, uint64_t offset,
			     const struct pt_packet *pkt, uint64_t ip)
{
	struct pt_field f[PT_MAX_FIELDS];
	int n = pt_packet_fields(pkt, ip, f);
	char *p = put_json_offset(line, offset);

	p = PUT_LIT(p, ",\"size\":");
	p = jw_fmt_u64(p, pkt->size);
	memcpy(p, name_frag[pkt->type], sizeof(name_frag[0]));
	p += name_frag_len[pkt->type];
	for (int i = 0; i < n; i++) {
		memcpy(p, f[i].jkey, 16);
		p += f[i].jklen;
		switch (f[i].kind) {
		case PT_FIELD_HEX:
			p = jw_fmt_hex(p, f[i].v);
			break;
		case PT_FIELD_TNT:
			*p++ = '"';
			p += tnt_string(p, f[i].v, f[i].n);
			*p++ = '"';
			break;
		default:
			p = jw_fmt_u64(p, f[i].v);
			break;
		}
	}
	*p++ = '}';
	*p++ = '\n';
	return p - line;
}

size_t pt_format_error_json(char *line, uint64_t offset, int err)
{
	const char *s = pt_errstr(err);
	char *p = put_json_offset(line, offset);

	p = PUT_LIT(p, ",\"error\":\"");
	p = put_mem(p, s, strlen(s));	/* no character needs escaping */
	p = PUT_LIT(p, "\"}\n");
	return p - line;
}

/* The slow writer of a pretty-printing json_writer. */
static void print_packet_jw(struct json_writer *jw, uint64_t offset,
			    const struct pt_packet *pkt, uint64_t ip)
{
	struct pt_field f[PT_MAX_FIELDS];
	int n = pt_packet_fields(pkt, ip, f);
	char tnt[65];

	jw_object_start(jw);
	jw_kv_u64(jw, "offset", offset);
	jw_kv_u64(jw, "size", pkt->size);
	jw_kv_string(jw, "packet", pt_packet_names[pkt->type]);
	for (int i = 0; i < n; i++) {
		switch (f[i].kind) {
		case PT_FIELD_HEX:
			jw_kv_hex(jw, f[i].key, f[i].v);
			break;
		case PT_FIELD_TNT:
			jw_key(jw, f[i].key);
			jw_string_len(jw, tnt, tnt_string(tnt, f[i].v, f[i].n));
			break;
		default:
			jw_kv_u64(jw, f[i].key, f[i].v);
			break;
		}
	}
	jw_object_end(jw);
	jw_end_line(jw);
}

void pt_print_packet_json(struct json_writer *jw, uint64_t offset,
			  const struct pt_packet *pkt, uint64_t ip)
{
	char line[PT_LINE_MAX];

	if (jw->pretty) {
		print_packet_jw(jw, offset, pkt, ip);
		return;
	}
	jw_write_lines(jw, line, pt_format_packet_json(line, offset, pkt, ip));
}

void pt_print_error_json(struct json_writer *jw, uint64_t offset, int err)
{
	char line[PT_LINE_MAX];

	if (jw->pretty) {
		jw_object_start(jw);
		jw_kv_u64(jw, "offset", offset);
		jw_kv_string(jw, "error", pt_errstr(err));
		jw_object_end(jw);
		jw_end_line(jw);
		return;
	}
	jw_write_lines(jw, line, pt_format_error_json(line, offset, err));
}

/* Appends v in hex (with 0x) or decimal at p; returns the new end. */
static char *put_num(char *p, uint64_t v, int hex)
{
	static const char digits[] = "0123456789abcdef";
	unsigned int n;
	char *e;

	if (!hex)
		return jw_fmt_u64(p, v);
	n = (64 - __builtin_clzll(v | 1) + 3) / 4;
	*p++ = '0';
	*p++ = 'x';
	e = p + n;
	do {
		*--e = digits[v & 15];
		v >>= 4;
	} while (v);
	return p + n;
}

/* "%016llx  " */
static char *put_offset(char *p, uint64_t offset)
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 15; i >= 0; i--)
		*p++ = digits[(offset >> (i * 4)) & 15];
	*p++ = ' ';
	*p++ = ' ';
	return p;
}

/* 0000000000000019  tip.pge    ipc 3 payload 0x1000 ip 0x1000 */
size_t pt_format_packet_plain(char *line, uint64_t offset,
			      const struct pt_packet *pkt, uint64_t ip)
{
	struct pt_field f[PT_MAX_FIELDS];
	int n = pt_packet_fields(pkt, ip, f);
	char *p = put_offset(line, offset);
	const char *name = pt_packet_names[pkt->type];
	size_t len = strlen(name);

	p = put_mem(p, name, len);
	if (n) {
		for (; len < 10; len++)
			*p++ = ' ';
		*p++ = ' ';
	}
	for (int i = 0; i < n; i++) {
		if (i)
			*p++ = ' ';
		if (f[i].kind == PT_FIELD_TNT) {
			p += tnt_string(p, f[i].v, f[i].n);
			continue;
		}
		p = put_mem(p, f[i].key, f[i].klen);
		*p++ = ' ';
		p = put_num(p, f[i].v, f[i].kind == PT_FIELD_HEX);
	}
	*p++ = '\n';
	return p - line;
}

size_t pt_format_error_plain(char *line, uint64_t offset, int err)
{
	const char *s = pt_errstr(err);
	char *p = put_offset(line, offset);

	p = PUT_LIT(p, "error: ");
	p = put_mem(p, s, strlen(s));
	*p++ = '\n';
	return p - line;
}

void pt_print_packet_plain(FILE *out, uint64_t offset,
			   const struct pt_packet *pkt, uint64_t ip)
{
	char line[PT_LINE_MAX];

	fwrite(line, 1, pt_format_packet_plain(line, offset, pkt, ip), out);
}

void pt_print_error_plain(FILE *out, uint64_t offset, int err)
{
	char line[PT_LINE_MAX];

	fwrite(line, 1, pt_format_error_plain(line, offset, err), out);
}
