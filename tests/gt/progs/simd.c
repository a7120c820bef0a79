/*
 * Ground-truth program: SSE, SSE4.2, AVX, AVX2/FMA and AVX-512 code (each
 * run only where the CPU has it; the ground truth is whatever ran), and
 * simd_unexecuted(), never called: instructions an instruction-length
 * decoder gets wrong (VEX and EVEX prefixes, masking, broadcast, embedded
 * rounding, compressed displacements, VSIB, AVX-512 FP16 maps, AMX, XOP,
 * FMA4, 3DNow!, prefix runs, system and recent instructions), there for the comparison of lengths with objdump
 * (tests/gt/t-x86-insn-objdump.sh).
 */
#include <immintrin.h>
#include <stdio.h>

static float a[64] __attribute__((aligned(64)));
static float b[64] __attribute__((aligned(64)));
static int idx[16] __attribute__((aligned(64)));

static float __attribute__((noinline)) dot_sse(int n)
{
	__m128 acc = _mm_setzero_ps();
	int i;

	for (i = 0; i < n; i += 4)
		acc = _mm_add_ps(acc, _mm_mul_ps(_mm_load_ps(a + i), _mm_load_ps(b + i)));
	acc = _mm_add_ps(acc, _mm_movehl_ps(acc, acc));
	acc = _mm_add_ss(acc, _mm_shuffle_ps(acc, acc, 1));
	return _mm_cvtss_f32(acc);
}

__attribute__((target("sse4.2"), noinline))
static unsigned crc_sse42(const char *s)
{
	unsigned crc = ~0u;
	__m128i needle = _mm_setr_epi8('x', 'y', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

	while (*s)
		crc = _mm_crc32_u8(crc, (unsigned char)*s++);
	return crc ^ (unsigned)_mm_cmpistri(needle, _mm_loadu_si128((const __m128i *)a), 0);
}

__attribute__((target("avx"), noinline))
static float sum_avx(int n)
{
	__m256 acc = _mm256_setzero_ps();
	float out[8];
	int i;

	for (i = 0; i < n; i += 8)
		acc = _mm256_add_ps(acc, _mm256_sub_ps(_mm256_load_ps(a + i),
						       _mm256_permute_ps(_mm256_load_ps(b + i), 0x1b)));
	_mm256_storeu_ps(out, acc);
	_mm256_zeroupper();
	return out[0] + out[7];
}

__attribute__((target("avx2,fma"), noinline))
static float gather_avx2(int n)
{
	__m256 acc = _mm256_setzero_ps();
	float out[8];
	int i;

	for (i = 0; i < n; i += 8) {
		__m256i vi = _mm256_load_si256((const __m256i *)idx + (i / 8) % 2);
		__m256 g = _mm256_i32gather_ps(b, vi, 4);

		acc = _mm256_fmadd_ps(_mm256_load_ps(a + i), g, acc);
		vi = _mm256_shuffle_epi8(vi, _mm256_set1_epi8(3));
		acc = _mm256_add_ps(acc, _mm256_cvtepi32_ps(_mm256_permute4x64_epi64(vi, 0x4e)));
	}
	_mm256_storeu_ps(out, acc);
	return out[1] + out[6];
}

__attribute__((target("avx512f,avx512bw,avx512vl"), noinline))
static float masked_avx512(int n)
{
	__m512 acc = _mm512_setzero_ps();
	int i;

	for (i = 0; i < n; i += 16) {
		__mmask16 m = (__mmask16)(0x5a5a >> (i & 7));

		acc = _mm512_mask_add_ps(acc, m, acc, _mm512_load_ps(a + i));
		acc = _mm512_fmadd_round_ps(_mm512_set1_ps(b[i]), acc, acc,
					    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
		acc = _mm512_maskz_permutexvar_ps(m, _mm512_load_si512(idx), acc);
	}
	return _mm512_reduce_add_ps(acc);
}

int main(void)
{
	float r = 0;
	int i;

	for (i = 0; i < 64; i++) {
		a[i] = (float)i * 0.5f;
		b[i] = (float)(64 - i);
	}
	for (i = 0; i < 16; i++)
		idx[i] = (i * 7) % 16;
	r += dot_sse(64);
	__builtin_cpu_init();
	if (__builtin_cpu_supports("sse4.2"))
		r += (float)(crc_sse42("ground truth") & 0xff);
	if (__builtin_cpu_supports("avx"))
		r += sum_avx(64);
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
		r += gather_avx2(64);
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
	    __builtin_cpu_supports("avx512vl"))
		r += masked_avx512(64);
	printf("%.1f\n", r);
	return 0;
}

/* never called: for the instruction-length comparison with objdump only */
__asm__(
	".text\n"
	".globl simd_unexecuted\n"
	".type simd_unexecuted, @function\n"
	"simd_unexecuted:\n"
	/* VEX, 2 and 3 bytes, with memory operands of every size */
	"	vpermq $0x1b, 0x12345678(%rax,%r13,8), %ymm9\n"
	"	vpblendvb %ymm4, (%r8), %ymm14, %ymm2\n"
	"	vpgatherqq %ymm3, 0x40(%rdx,%ymm11,4), %ymm12\n"
	"	vbroadcasti128 -0x80(%rip), %ymm1\n"
	"	vmaskmovps %xmm2, %xmm3, (%rsp)\n"
	"	vpextrq $1, %xmm15, %r11\n"
	"	vzeroall\n"
	"	andn %r9, %r10, %r11\n"
	"	rorx $13, (%rbx), %eax\n"
	"	sarx %r8, 0x10(%rsp), %rcx\n"
	/* EVEX: masks, zeroing, broadcast, rounding, disp8*N, VSIB */
	"	vaddps %zmm1, %zmm2, %zmm3{%k1}{z}\n"
	"	vaddpd 0x40(%rax){1to8}, %zmm20, %zmm31{%k7}\n"
	"	vmulps {rn-sae}, %zmm4, %zmm5, %zmm6\n"
	"	vcvtps2pd {sae}, %ymm3, %zmm19\n"
	"	vmovdqu8 0x1000(%r9,%r10,2), %zmm26{%k2}\n"
	"	vmovdqa64 -0x2000(%rsp), %ymm17\n"
	"	vpgatherdd 0x80(%r8,%zmm25,4), %zmm24{%k3}\n"
	"	vpscatterqd %ymm7, -0x10(%rcx,%zmm9,8){%k4}\n"
	"	vpternlogd $0x96, (%rax){1to16}, %zmm1, %zmm2\n"
	"	vfpclassps $4, (%rdx){1to16}, %k5\n"
	"	vpcmpub $2, %xmm1, %xmm2, %k6{%k1}\n"
	"	kshiftlq $3, %k1, %k2\n"
	"	kmovq %k3, %rax\n"
	"	vextracti64x4 $1, %zmm30, 0x20(%rdi)\n"
	"	vpermt2b %zmm1, %zmm2, %zmm3\n"
	"	vp2intersectd %zmm1, %zmm2, %k4\n"
	/* AVX-512 FP16 (EVEX maps 5 and 6) */
	"	vaddph %zmm1, %zmm2, %zmm3\n"
	"	vfmadd132ph 0x40(%rax){1to32}, %zmm5, %zmm6{%k1}\n"
	"	vcvtsh2ss %xmm1, %xmm2, %xmm3\n"
	/* AMX, AVX-VNNI, VAES, GFNI */
	"	tileloadd 0x40(%rax,%rbx,1), %tmm1\n"
	"	tdpbssd %tmm3, %tmm2, %tmm1\n"
	"	ldtilecfg (%rsi)\n"
	"	{vex} vpdpbusd %ymm1, %ymm2, %ymm3\n"
	"	vaesenc %zmm1, %zmm2, %zmm3\n"
	"	gf2p8affineqb $1, %xmm1, %xmm2\n"
	/* AMD: XOP (8f), FMA4, 3DNow! (0f 0f modrm imm-suffix) */
	"	vpcmov %xmm1, %xmm2, %xmm3, %xmm4\n"
	"	vprotd $5, 0x10(%rax), %xmm7\n"
	"	vfmaddps %xmm3, %xmm2, %xmm1, %xmm0\n"
	"	pfadd 0x8(%rbx), %mm1\n"
	"	pswapd %mm2, %mm3\n"
	/* legacy oddities: prefixes, moffs, enter, far indirect, lock/rep */
	"	movabs 0x1122334455667788, %al\n"
	"	movabs %rax, 0x1122334455667788\n"
	"	enter $0x10, $2\n"
	"	addw $0x1234, %fs:0x10(%rax)\n"
	"	lock cmpxchg16b (%rdi)\n"
	"	rep movsb\n"
	"	addr32 movl 0x10(%eax,%ecx,4), %edx\n"
	"	ljmp *(%rax)\n"
	"	lcall *0x8(%rbx)\n"
	"	xbegin 1f\n"
	"1:	xend\n"
	"	crc32q (%rax), %rbx\n"
	"	endbr64\n"
	/* newer and system instructions, prefix runs, x87 */
	"	ptwrite %rax\n"
	"	ptwriteq 0x10(%rbx)\n"
	"	hreset $1\n"
	"	serialize\n"
	"	movdir64b (%rax), %rcx\n"
	"	enqcmd (%rax), %rcx\n"
	"	wrssq %rax, (%rbx)\n"
	"	senduipi %rax\n"
	"	uiret\n"
	"	vpdpbssd %ymm1, %ymm2, %ymm3\n"
	"	vpmadd52luq %ymm1, %ymm2, %ymm3\n"
	"	cmpbexadd %eax, %ecx, (%rdx)\n"
	"	tdpfp16ps %tmm3, %tmm2, %tmm1\n"
	"	prefetchit0 0x10(%rip)\n"
	"	vbcstnesh2ps (%rax), %ymm1\n"
	"	vpcompressb %zmm1, (%rax){%k1}\n"
	"	.byte 0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0\n"
	"	jrcxz 2f\n"
	"	loop 2f\n"
	"2:	xabort $3\n"
	"	ud1 (%rax), %eax\n"
	"	femms\n"
	"	pushw $0x1234\n"
	"	mov %cr3, %rax\n"
	"	int1\n"
	"	iretq\n"
	"	lretq $8\n"
	"	ret $16\n"
	"	encls\n"
	"	xsavec64 (%rsp)\n"
	"	fnstenv (%rax)\n"
	"	fstpt (%rax)\n"
	"	bextr %rax, (%rbx), %rcx\n"
	"	xacquire lock add %eax, (%rbx)\n"
	"	bnd jmp *%rax\n"
	"	notrack call *(%rax)\n"
	"	sha256rnds2 %xmm0, %xmm1, %xmm2\n"
	"	ret\n"
	".size simd_unexecuted, .-simd_unexecuted\n");
