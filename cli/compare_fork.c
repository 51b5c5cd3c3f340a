// SPDX-License-Identifier: MIT
/*
 * The rows of a comparison from shared boots: the era rows differ only in
 * how reserved memory is released, so one boot per group of rows runs up
 * to the branch point (sim/branch.c: right after memblock_free_all), and
 * fork()s there; each child finishes one row and sends its result back
 * through a pipe, the parent finishes the group's first row itself.
 * Children run at most `jobs` at a time (the parent counting as one) and
 * results are stored by row, so the output is the serial path's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"

struct child {
	pid_t pid;
	int fd;			/* read end of its pipe */
	int row;
};

struct fork_state {
	const int *rows;	/* row of each configuration of the branch */
	struct cli_compare *c;
	bool *done;		/* per row: its result is in c->rows */
	unsigned int jobs;
	bool debug;
	struct progress *pr;
	struct child running[BM_NR_ROWS];
	unsigned int nr_running;
	int child_fd;		/* in a child: the write end, else -1 */
	int child_row;		/* in a child: its row */
	double child_start;	/* in a child: when it was forked (debug) */
};

/*
 * Move exactly @len bytes through @fd, reading into @buf or writing from it
 * (a result is smaller than PIPE_BUF, but EINTR).
 */
static bool transfer_all(int fd, void *buf, size_t len, bool out)
{
	char *p = buf;

	while (len) {
		ssize_t n = out ? write(fd, p, len) : read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/*
 * Wait for one child and take its result. A child that died or sent less
 * than a result leaves its row undone: it is booted again in this process
 * (and fails there as the serial path would).
 */
static void reap_one(struct fork_state *st)
{
	int status;
	pid_t pid;

	for (;;) {
		pid = waitpid(-1, &status, 0);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0) {
			/* No child left to wait for (should not happen): give up on the rest. */
			for (unsigned int i = 0; i < st->nr_running; i++)
				close(st->running[i].fd);
			st->nr_running = 0;
			return;
		}
		for (unsigned int i = 0; i < st->nr_running; i++) {
			struct child ch = st->running[i];
			struct bm_sim_result res;

			if (ch.pid != pid)
				continue;
			st->running[i] = st->running[--st->nr_running];
			if (WIFEXITED(status) && !WEXITSTATUS(status) &&
			    transfer_all(ch.fd, &res, sizeof(res), false)) {
				st->c->rows[ch.row].res = res;
				st->done[ch.row] = true;
			} else if (st->debug) {
				fprintf(stderr, "bootmm compare: the child of row %s failed; "
					"booting it again\n", bm_era_row_name(ch.row));
			}
			close(ch.fd);
			return;
		}
	}
}

static void reap_until(struct fork_state *st, unsigned int left)
{
	while (st->nr_running > left)
		reap_one(st);
}

/* Fork a child that goes on as configuration @k (row st->rows[k]). Return: k
 * in the child, 0 in the parent. */
static unsigned int spawn(struct fork_state *st, unsigned int k)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds))
		return 0;
	/* Nothing buffered may be written twice (the child leaves by _exit). */
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return 0;
	}
	if (!pid) {
		close(fds[0]);
		for (unsigned int i = 0; i < st->nr_running; i++)
			close(st->running[i].fd);
		st->nr_running = 0;
		st->child_fd = fds[1];
		st->child_row = st->rows[k];
		st->child_start = cli_now();
		return k;
	}
	close(fds[1]);
	st->running[st->nr_running++] = (struct child){ pid, fds[0], st->rows[k] };
	return 0;
}

/* bm_sim_branch.split: one child per shared configuration but the first. */
static unsigned int split(void *arg, const bool *shared, unsigned int n)
{
	struct fork_state *st = arg;

	for (unsigned int k = 1; k < n; k++) {
		unsigned int as;

		if (!shared[k])
			continue;
		reap_until(st, st->jobs - 1);
		progress_update(st->pr, "booting as %s (%d/%d)", bm_era_row_name(st->rows[k]),
				st->rows[k] + 1, BM_NR_ROWS);
		if (st->debug)
			fprintf(stderr, "bootmm compare: row %s goes on from the boot of row %s\n",
				bm_era_row_name(st->rows[k]), bm_era_row_name(st->rows[0]));
		as = spawn(st, k);
		if (as)
			return as;
	}
	/* This process goes on as the first: it is one of the jobs. */
	reap_until(st, st->jobs - 1);
	return 0;
}

/*
 * In a child: the result to the parent, and out without any cleanup.
 * BOOTMM_COMPARE_TEST_FAIL=ROW makes that row's child fail instead (the
 * tests' way to see the parent boot a row again).
 */
static void __attribute__((noreturn)) child_finish(struct fork_state *st,
						  const struct bm_sim_run *run)
{
	const char *fail = getenv("BOOTMM_COMPARE_TEST_FAIL");
	struct bm_sim_result res;
	bool ok = run && !(fail && !strcmp(fail, bm_era_row_name(st->child_row)));

	if (ok) {
		res = run->res;
		ok = transfer_all(st->child_fd, &res, sizeof(res), true);
	}

	if (st->debug)
		fprintf(stderr, "bootmm compare: row %s finished %.3f s after the branch "
			"(its check walked %lu sections, took %lu from the baseline)\n",
			bm_era_row_name(st->child_row), cli_now() - st->child_start,
			run ? run->m.mm.check_sections_walked : 0,
			run ? run->m.mm.check_sections_reused : 0);

	_exit(ok ? 0 : 1);
}

/*
 * Tasks other than this one runnable now (Linux's /proc/loadavg, whose
 * fourth field counts this process too): the fewest of eight samples over
 * about 20 ms, so that a kernel worker waking for a moment does not count
 * as load while work that keeps a CPU busy does. -1 where it cannot be read.
 */
static long other_runnable(void)
{
	long fewest = -1;

	for (int i = 0; i < 8; i++) {
		FILE *f = fopen("/proc/loadavg", "r");
		long running = -1;

		if (!f)
			return -1;
		if (fscanf(f, "%*f %*f %*f %ld/", &running) != 1)
			running = -1;
		fclose(f);
		if (running < 1)
			return -1;
		if (fewest < 0 || running - 1 < fewest)
			fewest = running - 1;
		usleep(2500);
	}
	return fewest;
}

/*
 * How many processes may run at once: BOOTMM_COMPARE_JOBS, else the online
 * CPUs over the threads each boot may use, and no more than the CPUs other
 * tasks leave idle (at least one). A child's work is mostly reading the
 * whole memory map (bm_mm_check): on a 2-CPU host busy with other work a
 * second child only competes for the same CPU and memory bandwidth
 * (measured: 2.75-3.18 s against 2.35-2.70 s for one at a time at load 3);
 * on an idle one two children take 1.7-1.8 s where one takes 2.9 s. Other
 * work is counted as the tasks runnable now: the load average also counts
 * this command's own past minute (its shared boot runs on every CPU), and
 * held a compare on an idle host to one child. The load average is the
 * fallback. The output does not depend on it.
 */
static unsigned int compare_jobs(const struct bm_sim_config *cfg)
{
	const char *env = getenv("BOOTMM_COMPARE_JOBS");
	long cpus = sysconf(_SC_NPROCESSORS_ONLN), jobs, others = other_runnable();
	unsigned int threads = cfg->threads ? cfg->threads : 1;
	double load;

	if (env && *env) {
		long j = strtol(env, NULL, 10);

		return j < 1 ? 1 : j > BM_NR_ROWS ? BM_NR_ROWS : (unsigned int)j;
	}
	if (cpus < 1)
		cpus = 1;
	jobs = cpus / (long)threads;
	if (others >= 0) {
		if (cpus - others < jobs)
			jobs = cpus - others;
	} else if (getloadavg(&load, 1) == 1 && cpus - (long)(load + 0.5) < jobs) {
		jobs = cpus - (long)(load + 0.5);
	}
	return jobs < 1 ? 1 : jobs > BM_NR_ROWS ? BM_NR_ROWS : (unsigned int)jobs;
}

/**
 * cli_compare_shared - every row's result, sharing the boots' common prefix
 * @cm: the machine
 * @cfgs: each row's configuration (BM_NR_ROWS)
 * @c: results stored in c->rows[row].res; c->facts from row 0's boot
 * @pr: progress indicator
 *
 * Every row's boot runs every check it runs on its own: the shared part is
 * the same boot up to the branch point, and each row's own part runs in its
 * own process (or this one).
 *
 * Return: 0, or a negative error if a boot could not be set up.
 * Context: may fork; returns only in the process that called it.
 */
int cli_compare_shared(const struct cli_machine *cm, const struct bm_sim_config *cfgs,
		       struct cli_compare *c, struct progress *pr)
{
	bool done[BM_NR_ROWS] = { false };
	int same_as[BM_NR_ROWS];
	const char *dbg = getenv("BOOTMM_COMPARE_DEBUG");
	bool debug = dbg && *dbg && strcmp(dbg, "0");

	/*
	 * A row whose configuration is an earlier row's, byte for byte, is
	 * that row's boot: the same machine booted the same way reaches the
	 * same state and the same checks find the same things (a boot's
	 * result depends on nothing else: the clock is simulated). Such a row
	 * takes the earlier row's result instead of booting it again.
	 */
	for (int r = 0; r < BM_NR_ROWS; r++) {
		same_as[r] = -1;
		for (int q = 0; q < r && same_as[r] < 0; q++)
			if (same_as[q] < 0 && !memcmp(&cfgs[q], &cfgs[r], sizeof(cfgs[r])))
				same_as[r] = q;
		if (same_as[r] >= 0) {
			done[r] = true;
			if (debug)
				fprintf(stderr, "bootmm compare: row %s is row %s's configuration\n",
					bm_era_row_name(r), bm_era_row_name(same_as[r]));
		}
	}
	for (int lead = 0; lead < BM_NR_ROWS; lead++) {
		struct bm_sim_config bc[BM_NR_ROWS];
		int rows[BM_NR_ROWS];
		struct fork_state st = {
			.rows = rows, .c = c, .done = done, .jobs = compare_jobs(&cfgs[lead]),
			.debug = debug, .pr = pr, .child_fd = -1,
		};
		struct bm_sim_branch br = { bc, 0, split, &st, 0 };
		struct bm_sim_run *run;
		unsigned int walk = cfgs[lead].core.walk_threads ? cfgs[lead].core.walk_threads :
				    cfgs[lead].core.threads;
		int err = 0;

		if (done[lead])
			continue;
		for (int r = lead; r < BM_NR_ROWS; r++) {
			if (done[r])
				continue;
			rows[br.n] = r;
			bc[br.n++] = cfgs[r];
		}
		/* Up to the branch the boot has the CPUs; after it, each of the
		 * jobs at once takes its share for its walks. */
		if (st.jobs > 1 && walk > 1)
			br.walk_threads_after = walk / st.jobs ? walk / st.jobs : 1;
		progress_update(pr, "booting as %s (%d/%d)", bm_era_row_name(lead), lead + 1,
				BM_NR_ROWS);
		run = cli_boot_branched(&cm->desc, &br, lead ? NULL : &c->facts, &err);
		if (st.child_fd >= 0)
			child_finish(&st, run);
		reap_until(&st, 0);
		if (!run)
			return err ? err : -BM_EINVAL;
		c->rows[lead].res = run->res;
		done[lead] = true;
		bm_sim_run_free(run);
	}
	for (int r = 0; r < BM_NR_ROWS; r++)
		if (same_as[r] >= 0)
			c->rows[r].res = c->rows[same_as[r]].res;
	return 0;
}
