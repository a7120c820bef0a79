// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_export.c - libFuzzer target for `auxrec export` on a damaged
 * recording: the input, as a file, runs through cmd_export() (cmd/export.c)
 * as the command line would run it, its output to /dev/null: the decode
 * into the call stacks (lib/output/call_stack.c, call_stack_pipe.c and the
 * records of call_stack_rec.h), the unwound seeds of stack samples, and
 * each writer (lib/output/export_{chrome,perfetto,folded}.c), by time and
 * by instructions (--clock insns), decoded on one thread and on two
 * (--jobs 2, lib/session/parallel.c: the AUX data cut into units of 256
 * bytes, AUXREC_PAR_UNIT, so that the small inputs are cut too), the call
 * stacks built on the calling thread (AUXREC_EXPORT_SERIAL) or on the
 * builder's thread; and once with a selection of CPU and time (-C, --time:
 * cs_select(), the slices cut to the spans; the time that of the seeds
 * export-prog*.data). The perf.data reader and the decode as script has it
 * are fuzz_perf_data.c's.
 *
 * It links the whole library (the decoder ops reach the flow decoder).
 * fuzz-sources: lib/[a-z]*[a-z]/[a-z]*.c decoders/[a-z]*.c decoders/[a-z]*[a-z0-9]/[a-z]*.c cmd/export.c cmd/decode_args.c cmd/usage.c
 * fuzz-libs: -lopencsd_c_api -lopencsd -ltraceevent
 * fuzz-max-len: 65536
 */
#include <stdint.h>
#include <stdlib.h>
#include "cmd/builtin.h"
#include "tests/fuzz/fuzz_cmd.h"

/* Each input is exported once per run: every format, both clocks, both decodes. */
static const struct {
	const char *format, *clock, *jobs;
	bool serial;	/* call stacks built on the calling thread */
	bool select;	/* -C 0 --time SELECTED */
} runs[] = {
	{ "chrome",   "time",  "1", true,  false },
	{ "perfetto", "insns", "2", false, false },
	{ "folded",   "time",  "2", true,  false },
	{ "folded",   "insns", "1", false, false },
	{ "chrome",   "time",  "2", false, true },
};

/* a stretch inside the seeds' trace (0.016384 to 0.016513 s) */
#define SELECTED "0.0164,0.0165"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];

	fuzz_devnull();
	setenv("AUXREC_PAR_UNIT", "256", 1);
	fuzz_input_file(data, size, path, sizeof(path));
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		char *argv[] = { "export", "-i", path, "-f", (char *)runs[i].format,
				 "-c", (char *)runs[i].clock, "--jobs", (char *)runs[i].jobs,
				 "--no-progress", "-o", "/dev/null",
				 runs[i].select ? "-C" : NULL, "0", "--time", SELECTED, NULL };

		if (runs[i].serial)
			setenv("AUXREC_EXPORT_SERIAL", "1", 1);
		else
			unsetenv("AUXREC_EXPORT_SERIAL");
		fuzz_run_cmd(cmd_export, argv);
	}
	return 0;
}
