/* Ground-truth program: libc's qsort calling back into the program. */
#include <stdio.h>
#include <stdlib.h>

static int cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int main(void)
{
	int v[300], i, key = 4242, *hit;
	unsigned int s = 12345;

	for (i = 0; i < 300; i++) {
		s = s * 1103515245 + 12345;
		v[i] = (int)(s >> 16) % 10000;
	}
	v[17] = key;
	qsort(v, 300, sizeof(v[0]), cmp);
	hit = bsearch(&key, v, 300, sizeof(v[0]), cmp);
	printf("%d %d\n", v[0], hit ? *hit : -1);
	return 0;
}
