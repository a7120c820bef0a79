// SPDX-License-Identifier: GPL-2.0
/*
 * workload.c - a guest test workload: spins for a while in several threads
 * and forked children (which spin too), so inherited events see threads and
 * processes come and go.
 *
 * usage: workload [-t THREADS] [-f FORKS] [-m MILLISECONDS] [-x EXIT_CODE]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long spin_ms = 300;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *spin(void *arg)
{
	double end = now_ms() + spin_ms;
	volatile unsigned long x = 0;

	while (now_ms() < end)
		for (int i = 0; i < 10000; i++)
			x += i;
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = 1, forks = 0, code = 0, c;
	pthread_t tid[64];

	while ((c = getopt(argc, argv, "t:f:m:x:")) != -1) {
		switch (c) {
		case 't': threads = atoi(optarg); break;
		case 'f': forks = atoi(optarg); break;
		case 'm': spin_ms = atol(optarg); break;
		case 'x': code = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: workload [-t THREADS] [-f FORKS] [-m MS] [-x CODE]\n");
			return 2;
		}
	}
	if (threads > 64)
		threads = 64;
	for (int i = 0; i < forks; i++) {
		pid_t p = fork();

		if (p == 0) {
			spin(NULL);
			_exit(0);
		}
	}
	for (int i = 1; i < threads; i++)
		pthread_create(&tid[i], NULL, spin, NULL);
	spin(NULL);
	for (int i = 1; i < threads; i++)
		pthread_join(tid[i], NULL);
	while (wait(NULL) > 0)
		;
	return code;
}
