/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hex_digits.h - lower-case hex digits of a 64-bit number made eight at a
 * time in one register (the nibbles spread to bytes, then each byte turned
 * into its digit by adding '0' and, for 10..15, 'a' - '0' - 10), instead
 * of a loop over the nibbles: outputs print two addresses per branch.
 * The writers store whole 8-byte words: the caller has 16 bytes of room.
 */
#ifndef AUXREC_HEX_DIGITS_H
#define AUXREC_HEX_DIGITS_H

#include <stdint.h>
#include <string.h>

/* The 8 digits of v as they lie in memory, most significant first. */
static inline uint64_t hex_digits8(uint32_t v)
{
	uint64_t x = v, ten;

	x = ((x & 0xffff0000ull) << 16) | (x & 0xffffull);
	x = ((x & 0x0000ff000000ff00ull) << 8) | (x & 0x000000ff000000ffull);
	x = ((x & 0x00f000f000f000f0ull) << 4) | (x & 0x000f000f000f000full);
	/* now byte i holds nibble i; 1 in each byte whose nibble is >= 10 */
	ten = ((x + 0x0606060606060606ull) >> 4) & 0x0101010101010101ull;
	x += 0x3030303030303030ull + ten * ('a' - '0' - 10);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap64(x);
#else
	return x;
#endif
}

/* The number of hex digits of v (1 for 0). */
static inline unsigned int hex_ndigits(uint64_t v)
{
	return (64 - (unsigned int)__builtin_clzll(v | 1) + 3) / 4;
}

/* Word w, as it lies in memory, with its first k bytes (k < 8) dropped. */
static inline uint64_t mem_word_skip(uint64_t w, unsigned int k)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return w >> (8 * k);
#else
	return w << (8 * k);
#endif
}

/* Word w, as it lies in memory, moved k bytes (0 < k < 8) later. */
static inline uint64_t mem_word_later(uint64_t w, unsigned int k)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return w << (8 * k);
#else
	return w >> (8 * k);
#endif
}

/* The first k bytes (k < 8) of w, as it lies in memory, made spaces. */
static inline uint64_t mem_word_blank(uint64_t w, unsigned int k)
{
	uint64_t mask = k ? ~mem_word_later(~0ull, k) : 0;

	return (w & ~mask) | (0x2020202020202020ull & mask);
}

/* printf "%llx" at p (16 bytes written); returns the end of the digits. */
static inline char *hex_fmt(char *p, uint64_t v)
{
	unsigned int n = hex_ndigits(v);
	uint64_t hi, lo = hex_digits8((uint32_t)v);

	if (n <= 8) {	/* the usual case: one word */
		hi = mem_word_skip(lo, 8 - n);
	} else {
		hi = hex_digits8((uint32_t)(v >> 32));
		if (n < 16) {
			hi = mem_word_skip(hi, 16 - n) | mem_word_later(lo, n - 8);
			lo = mem_word_skip(lo, 16 - n);
		}
	}
	memcpy(p, &hi, 8);
	memcpy(p + 8, &lo, 8);
	return p + n;
}

/* printf "%16llx" at p (16 bytes written); returns p + 16. */
static inline char *hex_fmt_right16(char *p, uint64_t v)
{
	unsigned int n = hex_ndigits(v);
	uint64_t hi = 0x2020202020202020ull, lo = hex_digits8((uint32_t)v);

	/* the leading zeros are spaces */
	if (n <= 8)
		lo = mem_word_blank(lo, 8 - n);
	else
		hi = mem_word_blank(hex_digits8((uint32_t)(v >> 32)), 16 - n);
	memcpy(p, &hi, 8);
	memcpy(p + 8, &lo, 8);
	return p + 16;
}

#endif
