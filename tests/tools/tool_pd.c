// SPDX-License-Identifier: GPL-2.0
/*
 * tool_pd.c - the host test tools' shared use of auxrec's perf.data reader
 * and writer (see tool_pd.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "tests/tools/tool_pd.h"

#define TOOL_STR_MAX 4096

int tool_put_record(struct pd_writer *w, uint64_t sample_type, const void *rec, size_t len,
		    const char *str, const struct pd_sample_id *sid)
{
	uint8_t buf[TOOL_STR_MAX + 512];
	struct perf_event_header *h = (void *)buf;
	size_t slen = str ? (strlen(str) + 8) & ~7UL : 0;

	if (str && strlen(str) > TOOL_STR_MAX)
		return -ENAMETOOLONG;
	memset(buf, 0, sizeof(buf));
	memcpy(buf, rec, len);
	if (str)
		strcpy((char *)buf + len, str);
	pd_sample_id_write(buf + len + slen, sample_type, sid);
	h->size = len + slen + pd_sample_id_size(sample_type);
	return pd_write_record(w, h);
}

int tool_each_record(const char *file, void (*each)(const struct pd_record *rec, void *ctx),
		     void *ctx)
{
	struct pd_reader *r;
	struct pd_record rec;
	char err[512];
	int ret;

	if (pd_reader_open(file, &r, err, sizeof(err))) {
		printf("FAIL: %s\n", err);
		return -1;
	}
	while ((ret = pd_reader_next(r, &rec)) == 1)
		each(&rec, ctx);
	if (ret < 0)
		printf("FAIL: reading %s: %s\n", file, pd_reader_error(r));
	pd_reader_close(r);
	return ret < 0;
}
