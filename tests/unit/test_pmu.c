// SPDX-License-Identifier: GPL-2.0
/*
 * test_pmu.c - sysfs PMU reading and event term parsing (lib/record/pmu.c) against
 * the fixture trees in tests/data/sysfs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lib/record/pmu.h"

#define ROOT "tests/data/sysfs"

static void test_format_syntax(void **state)
{
	struct pmu_format f;

	assert_int_equal(pmu_parse_format("config:0-7,32-35", &f), 0);
	assert_int_equal(f.field, 0);
	assert_int_equal(f.nr_ranges, 2);
	assert_int_equal(pmu_format_width(&f), 12);
	assert_int_equal(pmu_parse_format("config1:0-63", &f), 0);
	assert_int_equal(f.field, 1);
	assert_int_equal(pmu_format_width(&f), 64);
	assert_int_equal(pmu_parse_format("config2:5\n", &f), 0);
	assert_int_equal(f.field, 2);
	assert_int_equal(pmu_parse_format("cfg:1", &f), -EINVAL);
	assert_int_equal(pmu_parse_format("config:", &f), -EINVAL);
	assert_int_equal(pmu_parse_format("config:7-3", &f), -EINVAL);
	assert_int_equal(pmu_parse_format("config:0-64", &f), -EINVAL);
	assert_int_equal(pmu_parse_format("config:1,", &f), -EINVAL);
	assert_int_equal(pmu_parse_format("config:1x", &f), -EINVAL);
}

static void test_split_ranges(void **state)
{
	struct event_spec es;
	char err[512];

	assert_int_equal(event_spec_parse(ROOT, "split_pmu/event=0xabc,wide=0xffffffffffffffff,flag/",
					  NULL, &es, err, sizeof(err)), 0);
	assert_int_equal(es.attr.type, 42);
	/* low 8 bits into 0-7, the next 4 into 32-35 */
	assert_int_equal(es.attr.config, 0xbcULL | (0xaULL << 32));
	assert_int_equal(es.attr.config1, ~0ULL);
	assert_int_equal(es.attr.config2, 1 << 5);
	event_spec_free(&es);

	assert_int_equal(event_spec_parse(ROOT, "split_pmu/event=0x1000/", NULL, &es, err,
					  sizeof(err)), -ERANGE);
	assert_non_null(strstr(err, "does not fit in 12 bits"));
}

static void test_intel_pt_defaults(void **state)
{
	struct event_spec es;
	char err[512];

	assert_int_equal(event_spec_parse(ROOT, "intel_pt//", "tsc,mtc,mtc_period=3,psb_period=3,pt,branch,nosuch",
					  &es, err, sizeof(err)), 0);
	assert_int_equal(es.attr.type, 8);
	assert_int_equal(es.attr.config, (1 << 10) | (1 << 9) | (3 << 14) | (3 << 24) | 1 | (1 << 13));
	assert_false(es.user_terms);
	event_spec_free(&es);

	/* user terms override the defaults */
	assert_int_equal(event_spec_parse(ROOT, "intel_pt/tsc=0,cyc,name=mine/u", "tsc,branch",
					  &es, err, sizeof(err)), 0);
	assert_int_equal(es.attr.config, (1 << 13) | (1 << 1));
	assert_true(es.attr.exclude_kernel);
	assert_string_equal(es.name, "mine");
	event_spec_free(&es);

	assert_int_equal(event_spec_parse(ROOT, "intel_pt/config=0x2001/", NULL, &es, err,
					  sizeof(err)), 0);
	assert_int_equal(es.attr.config, 0x2001);
	event_spec_free(&es);
}

/* period=: the sample period, for a PMU without a term of that name */
static void test_period_term(void **state)
{
	struct event_spec es;
	char err[512];

	assert_int_equal(event_spec_parse(ROOT, "intel_pt/period=1024,tsc/", NULL, &es, err,
					  sizeof(err)), 0);
	assert_int_equal(es.attr.sample_period, 1024);
	assert_int_equal(es.attr.freq, 0);
	assert_int_equal(es.attr.config, 1 << 10);
	assert_true(pmu_terms_name(es.terms, "period"));
	assert_true(pmu_terms_name(es.terms, "tsc"));
	assert_false(pmu_terms_name(es.terms, "ts"));
	assert_false(pmu_terms_name(es.terms, "cyc"));
	event_spec_free(&es);
	assert_int_equal(event_spec_parse(ROOT, "intel_pt/period=0/", NULL, &es, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "term 'period' of intel_pt must be above 0");
	assert_false(pmu_terms_name("", "period"));
	assert_true(pmu_terms_name("a=1,period", "period"));
	assert_false(pmu_terms_name("periods=2", "period"));
}

static void test_errors(void **state)
{
	struct event_spec es;
	char err[512];

	assert_int_equal(event_spec_parse(ROOT, "nosuch//", NULL, &es, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "cannot open nosuch: PMU not found (see 'auxrec list')");
	assert_int_equal(event_spec_parse(ROOT, "intel_pt/bogus=1/", NULL, &es, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "unknown term 'bogus' for PMU intel_pt (valid terms: branch, cyc"));
	assert_int_equal(event_spec_parse(ROOT, "intel_pt/tsc=x/", NULL, &es, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a number"));
	assert_int_equal(event_spec_parse(ROOT, "intel_pt/tsc", NULL, &es, err, sizeof(err)), -EINVAL);
	assert_int_equal(event_spec_parse(ROOT, "intel_pt//z", NULL, &es, err, sizeof(err)), -EINVAL);
	assert_int_equal(event_spec_parse(ROOT, "intel_pt/tsc,,/", NULL, &es, err, sizeof(err)), 0);
	event_spec_free(&es);
	assert_int_equal(event_spec_parse(ROOT, "../intel_pt//", NULL, &es, err, sizeof(err)), -ENOENT);
	assert_int_equal(event_spec_parse(ROOT, "broken//", NULL, &es, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "bad format 'cfg:1'"));
}

static void test_list(void **state)
{
	char **names;
	int n = pmu_list_names(ROOT, &names);

	assert_int_equal(n, 5);
	assert_string_equal(names[0], "broken");
	assert_string_equal(names[1], "intel_bts");
	assert_string_equal(names[2], "intel_pt");
	pmu_free_names(names, n);
	assert_true(pmu_list_names("tests/data/nonexistent", &names) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_syntax),
		cmocka_unit_test(test_split_ranges),
		cmocka_unit_test(test_intel_pt_defaults),
		cmocka_unit_test(test_period_term),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
