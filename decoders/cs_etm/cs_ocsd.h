/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cs_ocsd.h - OpenCSD's C API as the cs_etm decoder reaches it: a table
 * of the library's functions, filled on first use by cs_ocsd_api().
 */
#ifndef AUXREC_CS_OCSD_H
#define AUXREC_CS_OCSD_H

#include <opencsd/c_api/opencsd_c_api.h>

/* The C API library's SONAME; the Makefile passes the installed one's. */
#ifndef AUXREC_OPENCSD_LIB
#define AUXREC_OPENCSD_LIB "libopencsd_c_api.so.1"
#endif

/* The OpenCSD functions auxrec calls, one X(name) each. */
#define CS_OCSD_FUNCS(X)			\
	X(ocsd_def_errlog_init)			\
	X(ocsd_def_errlog_config_output)	\
	X(ocsd_create_dcd_tree)			\
	X(ocsd_destroy_dcd_tree)		\
	X(ocsd_dt_create_decoder)		\
	X(ocsd_dt_attach_packet_callback)	\
	X(ocsd_dt_set_gen_elem_outfn)		\
	X(ocsd_dt_add_callback_trcid_mem_acc)	\
	X(ocsd_dt_remove_mem_acc)		\
	X(ocsd_dt_process_data)			\
	X(ocsd_get_version_str)

struct cs_ocsd_api {
#define CS_OCSD_MEMBER(name) __typeof__(name) *name;
	CS_OCSD_FUNCS(CS_OCSD_MEMBER)
#undef CS_OCSD_MEMBER
};

/*
 * The table, the library loaded (and its error log switched off) on the
 * first call from any thread; NULL with *why set when it cannot be loaded.
 */
const struct cs_ocsd_api *cs_ocsd_api(const char **why);

#endif
