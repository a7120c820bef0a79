/* Ground-truth program: signal handlers entered and left via sigreturn. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile int hits;

static void handler(int sig)
{
	hits += sig;
}

int main(void)
{
	struct sigaction sa;
	int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	for (i = 0; i < 5; i++) {
		raise(SIGUSR1);
		kill(getpid(), SIGUSR2);
	}
	printf("%d\n", hits);
	return 0;
}
