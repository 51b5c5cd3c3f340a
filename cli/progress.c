// SPDX-License-Identifier: MIT
/*
 * A progress line on stderr for long work: only when stderr is a terminal
 * (scripts and CI logs get clean output), only once the work has taken a
 * second (quick commands never flicker), at most ten updates a second, and
 * erased when the work ends so the real output starts on a clean line.
 */
#include <stdarg.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

/* Monotonic seconds, for budgets and rates. */
double cli_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/**
 * progress_init - start timing a piece of work
 * @p: indicator; shows nothing unless stderr is a terminal
 */
void progress_init(struct progress *p)
{
	p->tty = isatty(STDERR_FILENO) == 1;
	p->shown = false;
	p->start = cli_now();
	p->last = 0;
}

/**
 * progress_update - show the state of the work, if it is worth showing
 * @p: indicator
 * @fmt: one short line, no newline
 */
void progress_update(struct progress *p, const char *fmt, ...)
{
	double now;
	va_list ap;

	if (!p->tty)
		return;
	now = cli_now();
	if (now - p->start < 1.0 || now - p->last < 0.1)
		return;
	p->last = now;
	p->shown = true;
	fputs("\r\033[K", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
}

/**
 * progress_done - erase the indicator's line, if one was shown
 * @p: indicator
 */
void progress_done(struct progress *p)
{
	if (p->shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	p->shown = false;
}
