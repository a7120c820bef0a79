/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zstd_blocks.h - blocks of bytes compressed into one zstd frame each, on
 * the calling thread and a helper thread at once, the frames handed back
 * in the order of their blocks (lib/output/zstd_blocks.c). The frames are
 * the bytes ZSTD_compressCCtx() makes of each block at the level, whichever
 * thread made them.
 */
#ifndef AUXREC_ZSTD_BLOCKS_H
#define AUXREC_ZSTD_BLOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct zstd_blocks;

/* Takes a frame, in block order, on the calling thread: 0, or an error that stops. */
typedef int (*zstd_frame_fn)(void *ctx, const uint8_t *frame, size_t len);

/*
 * Starts: frames at zstd level `level` to out(ctx, ...); with threaded
 * false (or no thread to be had) every block is compressed on the calling
 * thread when it is put. NULL when out of memory.
 */
struct zstd_blocks *zstd_blocks_start(int level, zstd_frame_fn out, void *ctx, bool threaded);
/*
 * Puts a block: *buf (len bytes of a buffer of *cap bytes, malloc'd) is
 * taken; *buf and *cap get an empty buffer back (maybe NULL and 0).
 * Returns 0, or the first error of out() or of compression (-ENOMEM).
 */
int zstd_blocks_put(struct zstd_blocks *z, uint8_t **buf, size_t len, size_t *cap);
/*
 * Compresses and hands out what is left, stops the helper and frees z.
 * Returns 0 or the first error.
 */
int zstd_blocks_end(struct zstd_blocks *z);

#endif
