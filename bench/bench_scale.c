// SPDX-License-Identifier: MIT
/*
 * bench_scale: how the cost of a boot grows with the memory simulated, and
 * how far it is from the physical limit.
 *
 * The physical limit of a boot is writing its struct pages once: pages x
 * sizeof(struct page) bytes at the host's memset bandwidth, measured in the
 * same run over memory already faulted in (a bound no simulator of the
 * memory map can beat, whatever else it does).
 *
 *   bench_scale [sweep] [GiB ...]   (default 4 16 64 256 1024 2048 4096
 *                                    8192 16384)
 *       one deferred boot per size (threads = host CPUs), each in its own
 *       forked process, then the same again at once ("again": the host
 *       memory the first freed is still warm): wall time from backing the
 *       memory to running, time to the first allocation (the quicker of
 *       the two runs), peak RSS, page faults and user/system CPU of the
 *       first (wait4; system time is the host kernel's faults), the
 *       limit and the ratio to it; first allocation against the smallest
 *       machine's. A size the host cannot hold is refused with
 *       sim/feasible.c's message; one above the budget (BENCH_SCALE_BUDGET
 *       GiB of host memory, default 13, a shared machine) is skipped.
 *       BENCH_SCALE_TSV=file also writes the rows for tools/scale-svg.py.
 *
 *   bench_scale replay LOG [BOOTMM]
 *       `bootmm replay --json LOG` (median of BENCH_RUNS, default 3) against
 *       the limit of the log's memory (at the best memset bandwidth seen
 *       before, beside each replay and after everything), then `bootmm
 *       compare --json LOG` against that replay, as it runs by default (the rows' common prefix
 *       booted once, children on every online CPU), with one process at a
 *       time (BOOTMM_COMPARE_JOBS=1), with every row booted on its own
 *       (BOOTMM_COMPARE_SERIAL=1, what compare did before) and with no check
 *       baseline at the branch (BOOTMM_CHECK_BASELINE=0). Each command in
 *       its own process; the first replay is also printed on its own (a
 *       fresh process on a host whose free memory may be cold). BOOTMM
 *       defaults to ./bootmm beside this binary.
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include "bench.h"
#include "sim/sim.h"

#define BENCH_NO_MAIN
#include "bench_boot.c"
#undef BENCH_NO_MAIN

/* --- the physical limit ---------------------------------------------------- */

/*
 * memset bandwidth over 256 MiB already faulted in, bytes/s (best of 10:
 * on a shared host the best run is the one least disturbed). The buffer is
 * 2 MiB aligned and advised huge pages, as the simulated memory map is
 * (BM_PHYS_DENSE), so the limit is the best the host can do: on this guest
 * huge pages were never slower than 4 KiB ones and up to 2.7x faster in
 * the same minute. The host's own bandwidth still varies from minute to
 * minute (25 to 64 GB/s seen), so each ratio is against its own run's.
 */
static double memset_bandwidth(void)
{
	size_t sz = 256u << 20, huge = 2u << 20;
	char *map = mmap(NULL, sz + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	char *p;
	double best = 0;

	if (map == MAP_FAILED)
		return 0;
	p = (char *)(((uintptr_t)map + huge - 1) & ~(uintptr_t)(huge - 1));
#ifdef MADV_HUGEPAGE
	madvise(p, sz, MADV_HUGEPAGE);	/* advice: failure is harmless */
#endif
	memset(p, 1, sz);
	for (int i = 0; i < 10; i++) {
		uint64_t t0 = bench_now_ns();

		memset(p, i, sz);
		__asm__ volatile("" : : "r"(p) : "memory");
		double bw = sz / ((bench_now_ns() - t0) / 1e9);

		if (bw > best)
			best = bw;
	}
	munmap(map, sz + huge);
	return best;
}

/* Seconds to write the struct pages of @bytes of memory at @bw bytes/s. */
static double limit_s(double bytes, double bw)
{
	return bytes / BM_PAGE_SIZE * sizeof(struct page) / bw;
}

/* --- the sweep -------------------------------------------------------------- */

struct scale_row {
	double gib;
	bool ran;
	struct boot_result r;
	double wall_s;		/* setup + boot */
	long minflt, majflt;
	double again_s;		/* the same boot again, right after */
	double user_s, sys_s;	/* CPU of the first run's process: bootmm, the host kernel */
};

/* One deferred boot in a child; RSS and faults from wait4. */
static int scale_boot(double gib, unsigned threads, struct scale_row *row)
{
	struct rusage ru;

	if (boot_run_forked(gib, true, threads, &row->r, &ru))
		return -1;
	row->minflt = ru.ru_minflt;
	row->majflt = ru.ru_majflt;
	row->user_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
	row->sys_s = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	row->wall_s = (row->r.setup_ms + row->r.boot_ms) / 1e3;
	return 0;
}

static int sweep(int nsizes, const double *sizes)
{
	const char *tsv_path = getenv("BENCH_SCALE_TSV");
	const char *budget_s = getenv("BENCH_SCALE_BUDGET");
	double budget = (budget_s && atof(budget_s) > 0 ? atof(budget_s) : 13) * BENCH_GiB;
	const char *from = "?";
	uint64_t have = bm_sim_host_memory(&from);
	unsigned threads = bench_nproc();
	double bw = memset_bandwidth();
	struct scale_row rows[32];
	FILE *tsv = tsv_path ? fopen(tsv_path, "w") : NULL;
	int rc = 0, base = -1;

	bench_banner("bench_scale", "cost of one deferred boot against the memory simulated");
	printf("   memset bandwidth (256 MiB on huge pages, faulted in): %.2f GB/s; struct page %zu bytes; "
	       "host memory %.1f GiB (%s); budget %.1f GiB; threads %u\n",
	       bw / 1e9, sizeof(struct page), have / (double)BENCH_GiB, from,
	       budget / BENCH_GiB, threads);
	printf("   %9s %9s %9s %9s %8s %8s %7s %7s %10s %9s %10s %9s\n", "RAM", "wall s",
	       "again s", "limit s", "x limit", "again x", "user s", "sys s", "1st alloc",
	       "vs first", "RSS MiB", "minflt");
	if (tsv)
		fprintf(tsv, "# gib\twall_s\tlimit_s\tfirst_alloc_ms\trss_mib\tminflt\tmajflt\tstatus"
			"\tagain_s\tuser_s\tsys_s\n");
	if (nsizes > 32)
		nsizes = 32;
	for (int i = 0; i < nsizes; i++) {
		struct scale_row *row = &rows[i];
		/* The benchmark's machine spans RAM + the 1 GiB PCI hole. */
		phys_addr_t span = (phys_addr_t)(sizes[i] * BENCH_GiB) + BENCH_GiB;
		double need = (double)bm_sim_host_need(span);
		double lim = limit_s(sizes[i] * BENCH_GiB, bw);

		memset(row, 0, sizeof(*row));
		row->gib = sizes[i];
		if (have && need > have) {
			printf("   %5.0f GiB  refused: needs about %.1f GiB of host memory, this host has "
			       "%.1f GiB (%s) - bootmm says \"cannot simulate this machine here\"\n",
			       sizes[i], need / BENCH_GiB, have / (double)BENCH_GiB, from);
			if (tsv)
				fprintf(tsv, "%g\t\t%.6f\t\t\t\t\trefused\n", sizes[i], lim);
			continue;
		}
		if (need > budget) {
			printf("   %5.0f GiB  skipped: needs about %.1f GiB, above the %.1f GiB budget "
			       "(BENCH_SCALE_BUDGET)\n", sizes[i], need / BENCH_GiB, budget / BENCH_GiB);
			if (tsv)
				fprintf(tsv, "%g\t\t%.6f\t\t\t\t\tskipped\n", sizes[i], lim);
			continue;
		}
		if (scale_boot(sizes[i], threads, row) || !row->r.ok || row->r.violations) {
			fprintf(stderr, "bench_scale: %.0f GiB boot failed\n", sizes[i]);
			rc = 1;
			continue;
		}
		/* Again at once, in a new process: the host's memory the first
		 * one just freed is still warm (a guest's free memory turns
		 * cold once reported back to the hypervisor). */
		{
			struct scale_row again;

			if (scale_boot(sizes[i], threads, &again) || !again.r.ok ||
			    again.r.violations) {
				fprintf(stderr, "bench_scale: %.0f GiB boot failed\n", sizes[i]);
				rc = 1;
				continue;
			}
			row->again_s = again.wall_s;
			/* The first allocation: the quicker of the two (a figure of
			 * tens of ms that one cold 2 MiB fault more can double). */
			if (again.r.first_alloc_ms < row->r.first_alloc_ms)
				row->r.first_alloc_ms = again.r.first_alloc_ms;
		}
		row->ran = true;
		if (base < 0)
			base = i;
		printf("   %5.0f GiB %9.3f %9.3f %9.3f %8.2f %8.2f %7.2f %7.2f %10.1f %9.2f %10.1f %9ld\n",
		       sizes[i], row->wall_s, row->again_s, lim, row->wall_s / lim,
		       row->again_s / lim, row->user_s, row->sys_s, row->r.first_alloc_ms,
		       row->r.first_alloc_ms / rows[base].r.first_alloc_ms,
		       row->r.maxrss_kb / 1024.0, row->minflt);
		if (tsv)
			fprintf(tsv, "%g\t%.6f\t%.6f\t%.3f\t%.1f\t%ld\t%ld\tok\t%.6f\t%.3f\t%.3f\n",
				sizes[i], row->wall_s, lim, row->r.first_alloc_ms,
				row->r.maxrss_kb / 1024.0, row->minflt, row->majflt, row->again_s,
				row->user_s, row->sys_s);
	}
	for (int i = 0; i < nsizes; i++) {
		if (!rows[i].ran || rows[i].gib != 1024 || base < 0)
			continue;
		printf("   target: first allocation at 1 TiB within 1.5x the %.0f GiB figure: %.2fx, %s\n",
		       rows[base].gib, rows[i].r.first_alloc_ms / rows[base].r.first_alloc_ms,
		       rows[i].r.first_alloc_ms / rows[base].r.first_alloc_ms <= 1.5 ? "met" : "NOT met");
	}
	if (tsv)
		fclose(tsv);
	return rc;
}

/* --- replay and compare of a real log ---------------------------------------- */

struct cmd_result {
	double wall_s, user_s, sys_s;
	long maxrss_kb, minflt;
	uint64_t memory_bytes;	/* from the JSON's machine object */
	int status;
};

/* Run @bootmm @cmd --json [@opt] @log with @env ("NAME=VALUE" or NULL) set,
 * its output parsed for memory_bytes and dropped. */
static int run_cmd_opt(const char *bootmm, const char *cmd, const char *opt, const char *log,
		       const char *env, struct cmd_result *r)
{
	struct rusage ru;
	int fd[2], status;
	uint64_t t0;
	pid_t pid;
	FILE *f;
	char line[512];

	memset(r, 0, sizeof(*r));
	fflush(stdout);
	if (pipe(fd))
		return -1;
	t0 = bench_now_ns();
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		if (env)
			putenv((char *)env);
		if (opt)
			execl(bootmm, bootmm, cmd, "--json", opt, log, (char *)NULL);
		else
			execl(bootmm, bootmm, cmd, "--json", log, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	f = fdopen(fd[0], "r");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long v;
		char *p = strstr(line, "\"memory_bytes\":");

		if (p && sscanf(p, "\"memory_bytes\": %llu", &v) == 1 && !r->memory_bytes)
			r->memory_bytes = v;
	}
	if (f)
		fclose(f);
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status))
		return -1;
	r->wall_s = (bench_now_ns() - t0) / 1e9;
	r->user_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
	r->sys_s = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	r->maxrss_kb = ru.ru_maxrss;
	r->minflt = ru.ru_minflt;
	r->status = WEXITSTATUS(status);
	/* 0 clean, 1 violations or mismatches: both ran to the end. */
	return r->status <= 1 ? 0 : -1;
}

static int run_cmd_env(const char *bootmm, const char *cmd, const char *log, const char *env,
		       struct cmd_result *r)
{
	return run_cmd_opt(bootmm, cmd, NULL, log, env, r);
}

static int run_cmd(const char *bootmm, const char *cmd, const char *log, struct cmd_result *r)
{
	return run_cmd_env(bootmm, cmd, log, NULL, r);
}

static void print_cmd(const char *what, const struct cmd_result *r)
{
	printf("   %-22s %8.3f s wall %7.3f s user %7.3f s sys %9.1f MiB RSS %9ld minflt\n", what,
	       r->wall_s, r->user_s, r->sys_s, r->maxrss_kb / 1024.0, r->minflt);
}

/* Median of @n results by wall time (their CPU figures go with it). */
static struct cmd_result median_cmd(struct cmd_result *rs, int n)
{
	double w[16];

	for (int i = 0; i < n; i++)
		w[i] = rs[i].wall_s;
	bench_median(w, n);
	for (int i = 0; i < n; i++)
		if (rs[i].wall_s == w[n / 2])
			return rs[i];
	return rs[0];
}

static int replay(const char *log, const char *bootmm)
{
	int runs = bench_runs(3);
	struct cmd_result rp[16], rp1[16], cp[16], r, r1, c, c1, cs, cnb;
	uint64_t mem = 0;
	double bw, lim;

	if (runs > 16)
		runs = 16;
	bench_banner("bench_scale replay", "bootmm replay and compare of a real log against the limit");
	bw = memset_bandwidth();
	printf("   log %s; %s; runs %d each\n", log, bootmm, runs);
	for (int i = 0; i < runs; i++) {
		if (run_cmd(bootmm, "replay", log, &rp[i])) {
			fprintf(stderr, "bench_scale: bootmm replay %s failed\n", log);
			return 1;
		}
		if (i == 0)
			print_cmd("replay, first", &rp[0]);
		/* The host's bandwidth changes from minute to minute: measured
		 * beside every replay too, the best of all taken for the limit
		 * (the strictest limit this run saw). */
		bw = BM_MAX(bw, memset_bandwidth());
	}
	r = median_cmd(rp, runs);
	print_cmd("replay, median", &r);
	/* The same on one host thread: the walks whose order cannot show
	 * (cfg.walk_threads) use every online CPU by default. */
	for (int i = 0; i < runs; i++) {
		if (run_cmd_opt(bootmm, "replay", "--threads=1", log, NULL, &rp1[i])) {
			fprintf(stderr, "bench_scale: bootmm replay --threads=1 %s failed\n", log);
			return 1;
		}
	}
	r1 = median_cmd(rp1, runs);
	print_cmd("replay 1 thread, median", &r1);
	for (int i = 0; i < runs; i++) {
		if (run_cmd(bootmm, "compare", log, &cp[i])) {
			fprintf(stderr, "bench_scale: bootmm compare %s failed\n", log);
			return 1;
		}
	}
	c = median_cmd(cp, runs);
	print_cmd("compare, median", &c);
	for (int v = 0; v < 3; v++) {
		static const char *const envs[] = { "BOOTMM_COMPARE_JOBS=1", "BOOTMM_COMPARE_SERIAL=1",
						    "BOOTMM_CHECK_BASELINE=0" };
		static const char *const names[] = { "compare 1 job, median",
						     "compare serial, median",
						     "compare no baseline, median" };
		struct cmd_result vr[16], m;

		for (int i = 0; i < runs; i++) {
			if (run_cmd_env(bootmm, "compare", log, envs[v], &vr[i])) {
				fprintf(stderr, "bench_scale: %s bootmm compare %s failed\n", envs[v],
					log);
				return 1;
			}
		}
		m = median_cmd(vr, runs);
		print_cmd(names[v], &m);
		if (v == 0)
			c1 = m;
		else if (v == 1)
			cs = m;
		else
			cnb = m;
	}
	/* compare's JSON names the machine's memory (replay's does not). */
	for (int i = 0; i < runs; i++)
		if (cp[i].memory_bytes > mem)
			mem = cp[i].memory_bytes;
	/* Measured before, beside each replay and after the commands: the best. */
	bw = BM_MAX(bw, memset_bandwidth());
	lim = limit_s((double)mem, bw);
	printf("   memory %.1f GiB: %.1f M struct pages of %zu bytes; memset %.2f GB/s; limit %.3f s\n",
	       mem / (double)BENCH_GiB, mem / 4096.0 / 1e6, sizeof(struct page), bw / 1e9, lim);
	if (!mem) {
		fprintf(stderr, "bench_scale: no memory_bytes in bootmm compare --json\n");
		return 1;
	}
	bench_ratio("replay (median) / limit", r.wall_s / lim, "target <= 5");
	bench_ratio("replay (first run) / limit", rp[0].wall_s / lim, "");
	bench_ratio("replay, 1 thread (median) / limit", r1.wall_s / lim, "");
	bench_ratio("replay, 1 thread / replay (medians)", r1.wall_s / r.wall_s, "");
	bench_ratio("replay CPU (user+sys, median) / limit", (r.user_s + r.sys_s) / lim, "");
	bench_ratio("compare (median) / replay (median)", c.wall_s / r.wall_s, "target <= 3");
	bench_ratio("compare CPU / replay CPU (medians)",
		    (c.user_s + c.sys_s) / (r.user_s + r.sys_s), "");
	bench_ratio("compare, 1 job / replay (medians)", c1.wall_s / r.wall_s, "");
	bench_ratio("compare, serial / replay (medians)", cs.wall_s / r.wall_s, "before");
	bench_ratio("compare serial / compare (medians)", cs.wall_s / c.wall_s, "");
	bench_ratio("compare, no baseline / replay (medians)", cnb.wall_s / r.wall_s, "");
	bench_ratio("compare, no baseline / compare (medians)", cnb.wall_s / c.wall_s, "");
	printf("   target: replay within 5x the limit: %s; compare within 3x one replay: %s\n",
	       r.wall_s / lim <= 5 ? "met" : "NOT met", c.wall_s / r.wall_s <= 3 ? "met" : "NOT met");
	return 0;
}

int main(int argc, char **argv)
{
	static const double def_sizes[] = { 4, 16, 64, 256, 1024, 2048, 4096, 8192, 16384 };
	double sizes[32];
	int n = 0, first = 1;

	if (argc > 1 && !strcmp(argv[1], "replay")) {
		char def[4096];
		const char *bootmm = argc > 3 ? argv[3] : NULL;

		if (argc < 3) {
			fprintf(stderr, "usage: bench_scale replay LOG [BOOTMM]\n");
			return 2;
		}
		if (!bootmm) {
			const char *slash = strrchr(argv[0], '/');

			snprintf(def, sizeof(def), "%.*sbootmm", slash ? (int)(slash - argv[0] + 1) : 0,
				 argv[0]);
			bootmm = def;
		}
		return replay(argv[2], bootmm);
	}
	if (argc > 1 && !strcmp(argv[1], "sweep"))
		first = 2;
	for (int i = first; i < argc && n < 32; i++)
		if (atof(argv[i]) >= 1)
			sizes[n++] = atof(argv[i]);
	if (!n)
		for (; n < (int)BM_ARRAY_SIZE(def_sizes); n++)
			sizes[n] = def_sizes[n];
	return sweep(n, sizes);
}
