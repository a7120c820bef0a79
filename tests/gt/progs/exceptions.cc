/*
 * Ground-truth program (C++, g++): exceptions thrown through several
 * frames with destructors to run on the way (cleanup landing pads), caught
 * by type, rethrown, and one caught by catch (...). The unwinder leaves
 * the frames it unwinds by a jump to the landing pad, not by returns.
 */
#include <cstdio>
#include <stdexcept>

static int destroyed;

struct guard {
	int v;
	explicit guard(int x) : v(x) {}
	~guard() { destroyed += v; }
};

static int __attribute__((noinline)) thrower(int depth, int kind)
{
	guard g(depth);

	if (depth == 0) {
		if (kind == 0)
			throw std::runtime_error("runtime");
		if (kind == 1)
			throw 42;
		return 7;
	}
	return thrower(depth - 1, kind) + g.v;
}

static int __attribute__((noinline)) rethrow(int depth)
{
	try {
		return thrower(depth, 0);
	} catch (const std::exception &) {
		destroyed += 100;
		throw;
	}
}

int main()
{
	int sum = 0;

	for (int i = 0; i < 3; i++) {	/* each throw is some 50,000 instructions */
		try {
			sum += thrower(3 + i % 3, i % 3);
		} catch (const std::runtime_error &e) {
			sum += e.what()[0];
		} catch (...) {
			sum += 1000;
		}
	}
	try {
		rethrow(2);
	} catch (const std::exception &e) {
		sum += e.what()[1];
	}
	std::printf("%d %d\n", sum, destroyed);
	return 0;
}
