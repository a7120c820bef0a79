/*
 * Ground-truth program: a recursion 3000 frames deep (far beyond a CPU's
 * return-compression stack and any fixed-size call stack) and a function
 * of about 8000 instructions of straight-line code (no branch in 30 KiB,
 * across several pages and PSB periods of trace bytes elsewhere).
 */
#include <stdio.h>

static volatile unsigned sink;

static unsigned __attribute__((noinline)) down(unsigned depth, unsigned x)
{
	unsigned r;

	if (!depth)
		return x;
	r = down(depth - 1, x * 31 + depth);
	sink = r;	/* work after the call: no tail call, a frame per level */
	return r ^ depth;
}

#define MIX(x) do { x ^= x >> 7; x *= 0x9e3779b1u; x += 0x7f4a7c15u; } while (0)
#define MIX10(x) do { MIX(x); MIX(x); MIX(x); MIX(x); MIX(x); \
		      MIX(x); MIX(x); MIX(x); MIX(x); MIX(x); } while (0)
#define MIX100(x) do { MIX10(x); MIX10(x); MIX10(x); MIX10(x); MIX10(x); \
		       MIX10(x); MIX10(x); MIX10(x); MIX10(x); MIX10(x); } while (0)

static unsigned __attribute__((noinline)) straight(unsigned x)
{
	MIX100(x); MIX100(x); MIX100(x); MIX100(x); MIX100(x);
	MIX100(x); MIX100(x); MIX100(x); MIX100(x); MIX100(x);
	MIX100(x); MIX100(x); MIX100(x); MIX100(x); MIX100(x);
	MIX100(x); MIX100(x); MIX100(x); MIX100(x); MIX100(x);
	return x;
}

int main(int argc, char **argv)
{
	volatile unsigned depth = 3000;
	unsigned a = down(depth, (unsigned)argc);
	unsigned b = straight(a);

	b = straight(b);
	printf("%u %u\n", a, b);
	return 0;
}
