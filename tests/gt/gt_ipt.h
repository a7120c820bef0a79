/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gt_ipt.h - what the libipt decoders of the tests share (gt-ipt and
 * tests/bench/ipt_anchor.c): the decoder configuration of a ground-truth
 * trace, its memory image in an image section cache, and libipt's block
 * decoding loop. Inline, so that the loop's callbacks are direct calls.
 */
#ifndef AUXREC_GT_IPT_H
#define AUXREC_GT_IPT_H

#include <intel-pt.h>
#include "gt_format.h"
#include "gt_image.h"

/* trace[0..len) with the clock of the ground-truth traces */
static inline void gt_ipt_config(struct pt_config *cfg, uint8_t *trace,
				 size_t len)
{
	pt_config_init(cfg);
	cfg->begin = trace;
	cfg->end = trace + len;
	cfg->mtc_freq = GT_MTC_FREQ;
	cfg->cpuid_0x15_eax = GT_CTC_EAX;
	cfg->cpuid_0x15_ebx = GT_CTC_EBX;
	cfg->nom_freq = GT_NOM_FREQ;
}

/* Maps img's sections into image through iscache; 0 or a libipt error. */
static inline int gt_ipt_add_image(struct pt_image *image,
				   struct pt_image_section_cache *iscache,
				   const struct gt_image *img)
{
	size_t k;
	int err = 0;

	for (k = 0; k < img->nsects && err >= 0; k++) {
		const struct gt_section *s = &img->sects[k];

		err = pt_iscache_add_file(iscache, img->img_path, s->offset,
					  s->size, s->vaddr);
		if (err >= 0)
			err = pt_image_add_cached(image, iscache, err, NULL);
	}
	return err < 0 ? err : 0;
}

struct gt_ipt_ops {
	void (*event)(void *ctx, const struct pt_event *ev);
	void (*block)(void *ctx, const struct pt_block *blk);
	/* a decode error, before moving on to the next PSB */
	void (*error)(void *ctx, int status);
};

/*
 * From each synchronization point on: the pending events, then a block,
 * until the trace ends or an error, then on at the next PSB. Returns 0 at
 * the end of the trace, else the error that kept it from synchronizing.
 */
static inline int gt_ipt_walk(struct pt_block_decoder *dec,
			      const struct gt_ipt_ops *ops, void *ctx)
{
	struct pt_block blk;
	struct pt_event ev;
	int status;

	for (;;) {
		status = pt_blk_sync_forward(dec);
		if (status < 0)
			return status == -pte_eos ? 0 : status;
		for (;;) {
			while (status & pts_event_pending) {
				status = pt_blk_event(dec, &ev, sizeof(ev));
				if (status < 0)
					break;
				ops->event(ctx, &ev);
			}
			if (status < 0)
				break;
			blk.ninsn = 0;
			status = pt_blk_next(dec, &blk, sizeof(blk));
			if (blk.ninsn)
				ops->block(ctx, &blk);
			if (status < 0)
				break;
		}
		if (status == -pte_eos)
			return 0;
		ops->error(ctx, status);
	}
}

#endif
