/*
 * Ground-truth program (built -O2): a dense switch compiled to a jump
 * table (an indirect jump through a table of offsets) and an interpreter
 * dispatched by computed goto (GNU labels as values): indirect jumps
 * whose targets are inside the same function.
 */
#include <stdio.h>

static unsigned __attribute__((noinline)) classify(unsigned x)
{
	switch (x % 12) {
	case 0: return x * 3 + 1;
	case 1: return x ^ 0x55;
	case 2: return x >> 2;
	case 3: return x + 17;
	case 4: return ~x;
	case 5: return x * x;
	case 6: return x - 9;
	case 7: return x | 0x100;
	case 8: return x & 0xff0;
	case 9: return x << 3;
	case 10: return x / 7;
	default: return x + x / 3;
	}
}

enum { OP_ADD, OP_MUL, OP_XOR, OP_JNZ, OP_DEC, OP_HALT };

static long __attribute__((noinline)) run(const unsigned char *code, long acc, long n)
{
	static const void *const ops[] = {
		&&op_add, &&op_mul, &&op_xor, &&op_jnz, &&op_dec, &&op_halt
	};
	const unsigned char *pc = code;

#define NEXT goto *ops[*pc++]
	NEXT;
op_add:
	acc += *pc++;
	NEXT;
op_mul:
	acc = acc * *pc++ % 1000003;
	NEXT;
op_xor:
	acc ^= *pc++;
	NEXT;
op_jnz:
	if (n)
		pc = code + *pc;
	else
		pc++;
	NEXT;
op_dec:
	n--;
	NEXT;
op_halt:
	return acc;
#undef NEXT
}

int main(int argc, char **argv)
{
	static const unsigned char prog[] = {
		OP_ADD, 3, OP_MUL, 7, OP_XOR, 0x5a, OP_DEC, OP_JNZ, 0, OP_HALT
	};
	unsigned acc = (unsigned)argc;
	int i;

	for (i = 0; i < 600; i++)
		acc += classify(acc + (unsigned)i);
	printf("%u %ld\n", acc, run(prog, argc, 300));
	return 0;
}
