// SPDX-License-Identifier: MIT
/*
 * Write tracking for bm_mm_check's baseline (bm_prim.track_*) on Linux: a
 * holder process and /proc/self/pagemap.
 *
 * track_start forks a holder, which keeps every page of this process mapped
 * and never writes. From then on a private page that this process, or a
 * process forked from it later, writes is copied on write first (its other
 * mapper, the holder at least, still maps it), so the writer's page is one
 * it alone maps: pagemap's "exclusively mapped" bit (56, Linux 4.2). A
 * page still shared, present and not exclusive, was not written by the
 * reader since the holder was forked. That holds only while the holder
 * lives (without it a page could be reused in place), so the holder's
 * liveness is tested at the start of each series of calls, after every
 * write the series asks about: a dead holder, an absent or swapped page,
 * an unreadable pagemap all answer "written". track_start also
 * tries the rule on a page of its own and refuses if the kernel disagrees,
 * or if the process has KSM merging on (merged pages would read as shared).
 *
 * A fork after a write would share the writer's copy again and hide the
 * write: at every fork (pthread_atfork) the tracked ranges are scanned, and
 * if any page of them was written since track_start, both sides of the
 * fork stop trusting their tracking (every answer "written"). A fork made
 * before any write (a comparison's rows at its branch point) costs that
 * scan only: a pread of 8 bytes per 4 KiB of the tracked ranges.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/prim_host.h"

#define PM_PRESENT	(1ull << 63)
#define PM_SWAP		(1ull << 62)
#define PM_EXCLUSIVE	(1ull << 56)
#define PM_WINDOW	512u	/* entries read at once: 2 MiB of 4 KiB pages */

#ifndef PR_GET_MEMORY_MERGE
#define PR_GET_MEMORY_MERGE 68
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

struct bm_host_track {
	struct bm_host_track *next;	/* the process's trackers (all_tracks) */
	struct bm_track_range *ranges;
	unsigned int nr_ranges;
	bool tainted;		/* a fork after a write: trust nothing */
	bool fork_written;	/* set by the fork scan, read by its two sides */
	pid_t owner;		/* the process that started it */
	pid_t holder;
	int holder_fd;		/* pidfd of the holder, -1 if none */
	int alive_fd;		/* read end of a pipe whose write end the holder holds */
	int pm_fd;		/* /proc/self/pagemap of pm_pid */
	pid_t pm_pid;
	bool series_ok;		/* this series: pagemap readable, holder alive */
	uintptr_t page;		/* host page size */
	uint64_t win_lo;	/* first page number in win[] */
	unsigned int win_n;	/* entries valid in win[] */
	uint64_t win[PM_WINDOW];
};

static pthread_mutex_t tracks_lock = PTHREAD_MUTEX_INITIALIZER;
static struct bm_host_track *all_tracks;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static uint64_t entry(struct bm_host_track *t, uint64_t vpn, bool fresh);

/* (Re)open pagemap for this process: a descriptor reads its opener's pages. */
static void pagemap_here(struct bm_host_track *t)
{
	if (t->pm_pid == getpid())
		return;
	if (t->pm_fd >= 0)
		close(t->pm_fd);
	t->pm_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	t->pm_pid = getpid();
}

/*
 * Is some page of [@addr, @addr + @size) one this process may have written:
 * exclusive or swapped, or (with @absent) not present at all? @fresh as
 * track_written's.
 */
static bool pages_written(struct bm_host_track *t, const void *addr, uint64_t size,
			  bool fresh, bool absent)
{
	uint64_t first = (uintptr_t)addr / t->page;
	uint64_t last = ((uintptr_t)addr + size - 1) / t->page;

	for (uint64_t vpn = first; vpn <= last; vpn++) {
		uint64_t e = entry(t, vpn, fresh);

		fresh = false;
		if ((absent && !(e & PM_PRESENT)) || (e & (PM_EXCLUSIVE | PM_SWAP)))
			return true;
	}
	return false;
}

/*
 * Has any page of @t's ranges been written since track_start (or may it)?
 * An absent page is not: it is absent on both sides of the fork too, and
 * track_written counts it as written anyway.
 */
static bool any_written(struct bm_host_track *t)
{
	pagemap_here(t);
	if (t->pm_fd < 0)
		return true;
	for (unsigned int i = 0; i < t->nr_ranges; i++)
		if (pages_written(t, t->ranges[i].addr, t->ranges[i].size, true, false))
			return true;
	return false;
}

static void fork_prepare(void)
{
	pthread_mutex_lock(&tracks_lock);
	for (struct bm_host_track *t = all_tracks; t; t = t->next)
		t->fork_written = !t->tainted && any_written(t);
}

/* After the fork, in the parent and in the child alike. */
static void fork_done(void)
{
	for (struct bm_host_track *t = all_tracks; t; t = t->next)
		t->tainted |= t->fork_written;
	pthread_mutex_unlock(&tracks_lock);
}

static void atfork_install(void)
{
	pthread_atfork(fork_prepare, fork_done, fork_done);
}

static void __attribute__((noreturn)) holder_main(int keep_fd, pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	/* Hold no one's pipe open (a reader could wait for its end forever). */
#ifdef SYS_close_range
	if (keep_fd > 0)
		syscall(SYS_close_range, 0u, (unsigned int)keep_fd - 1, 0u);
	syscall(SYS_close_range, (unsigned int)keep_fd + 1, ~0u, 0u);
#endif
	for (;;)
		pause();
}

/* The pagemap entry of page @vpn, or 0 (absent) if it cannot be read. */
static uint64_t entry(struct bm_host_track *t, uint64_t vpn, bool fresh)
{
	if (fresh || vpn < t->win_lo || vpn >= t->win_lo + t->win_n) {
		ssize_t n;

		t->win_lo = vpn & ~(uint64_t)(PM_WINDOW - 1);
		n = pread(t->pm_fd, t->win, sizeof(t->win), (off_t)(t->win_lo * 8));
		t->win_n = n > 0 ? (unsigned int)(n / 8) : 0;
		if (vpn >= t->win_lo + t->win_n)
			return 0;
	}
	return t->win[vpn - t->win_lo];
}

static bool holder_alive(const struct bm_host_track *t)
{
	struct pollfd p = { .fd = t->alive_fd, .events = POLLIN };

	/* The holder never writes: any event is its end of the pipe closing. */
	return poll(&p, 1, 0) == 0;
}

static bool track_written(void *ctx, const void *addr, uint64_t size, bool fresh)
{
	struct bm_host *h = ctx;
	struct bm_host_track *t = h->track;

	if (!size)
		return false;
	if (!t)
		return true;
	if (t->tainted)
		return true;
	if (fresh) {
		pagemap_here(t);
		/*
		 * Nothing is written during a series, so a holder alive now
		 * was alive at every write before it: none was made in place.
		 * Once per series, not per call (two system calls each).
		 */
		t->series_ok = t->pm_fd >= 0 && holder_alive(t);
	}
	return !t->series_ok || pages_written(t, addr, size, fresh, true);
}

static void track_stop(void *ctx)
{
	struct bm_host *h = ctx;
	struct bm_host_track *t = h->track;

	if (!t)
		return;
	h->track = NULL;
	pthread_mutex_lock(&tracks_lock);
	for (struct bm_host_track **pp = &all_tracks; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	pthread_mutex_unlock(&tracks_lock);
	if (t->owner == getpid() && t->holder > 0) {
		/* Through its pidfd: a holder someone else reaped (its pid then
		 * free for another process) is not signalled by number. */
		if (t->holder_fd >= 0) {
#ifdef SYS_pidfd_send_signal
			siginfo_t si;

			syscall(SYS_pidfd_send_signal, t->holder_fd, SIGKILL, NULL, 0u);
			while (waitid((idtype_t)P_PIDFD, (id_t)t->holder_fd, &si, WEXITED) < 0 &&
			       errno == EINTR)
				;
#endif
		} else {
			kill(t->holder, SIGKILL);
			waitpid(t->holder, NULL, 0);
		}
	}
	if (t->holder_fd >= 0)
		close(t->holder_fd);
	if (t->alive_fd >= 0)
		close(t->alive_fd);
	if (t->pm_fd >= 0)
		close(t->pm_fd);
	free(t->ranges);
	free(t);
}

/* Does the kernel answer as the rule says, on a page written before the fork? */
static bool probe(struct bm_host *h, volatile char *pg)
{
	struct bm_host_track *t = h->track;
	uint64_t vpn = (uintptr_t)pg / t->page;
	bool shared = (entry(t, vpn, true) & (PM_PRESENT | PM_EXCLUSIVE)) == PM_PRESENT;

	pg[0] = 2;	/* copied on write: now this process's alone */
	return shared && (entry(t, vpn, true) & (PM_PRESENT | PM_EXCLUSIVE)) ==
			 (PM_PRESENT | PM_EXCLUSIVE) && holder_alive(t);
}

static int track_start(void *ctx, const struct bm_track_range *ranges, unsigned int n)
{
	struct bm_host *h = ctx;
	struct bm_host_track *t;
	volatile char *pg;
	int fds[2];
	pid_t self = getpid();
	size_t psz = (size_t)sysconf(_SC_PAGESIZE);
	bool ok;

	track_stop(h);
	/* Merged pages would read as shared though written. */
	if (prctl(PR_GET_MEMORY_MERGE, 0, 0, 0, 0) > 0)
		return -BM_EOPNOTSUPP;
	pthread_once(&atfork_once, atfork_install);
	t = calloc(1, sizeof(*t));
	if (!t)
		return -BM_ENOMEM;
	t->ranges = n ? malloc(n * sizeof(*ranges)) : NULL;
	if (n && !t->ranges) {
		free(t);
		return -BM_ENOMEM;
	}
	if (n)
		memcpy(t->ranges, ranges, n * sizeof(*ranges));
	t->nr_ranges = n;
	t->holder_fd = -1;
	t->alive_fd = -1;
	t->page = psz;
	t->pm_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	pg = mmap(NULL, psz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t->pm_fd < 0 || pg == MAP_FAILED || pipe2(fds, O_CLOEXEC)) {
		if (t->pm_fd >= 0)
			close(t->pm_fd);
		if (pg != MAP_FAILED)
			munmap((void *)pg, psz);
		free(t->ranges);
		free(t);
		return -BM_EOPNOTSUPP;
	}
	pg[0] = 1;
	t->holder = fork();
	if (t->holder == 0) {
		close(fds[0]);
		holder_main(fds[1], self);
	}
	close(fds[1]);
	t->owner = t->pm_pid = self;
	t->alive_fd = fds[0];
#ifdef SYS_pidfd_open
	if (t->holder > 0)
		t->holder_fd = (int)syscall(SYS_pidfd_open, t->holder, 0u);
#endif
	h->track = t;
	/* Registered after the holder's fork, whose scan it needs no part in. */
	pthread_mutex_lock(&tracks_lock);
	t->next = all_tracks;
	all_tracks = t;
	pthread_mutex_unlock(&tracks_lock);
	if (t->holder < 0) {
		t->holder = 0;
		track_stop(h);
		munmap((void *)pg, psz);
		return -BM_EOPNOTSUPP;
	}
	ok = probe(h, pg);
	munmap((void *)pg, psz);
	if (!ok) {
		track_stop(h);
		return -BM_EOPNOTSUPP;
	}
	return 0;
}

/* Install the three operations (bm_host_init). */
void bm_host_track_install(struct bm_host *h)
{
	h->prim.track_start = track_start;
	h->prim.track_written = track_written;
	h->prim.track_stop = track_stop;
}
