// SPDX-License-Identifier: MIT
/*
 * A fresh oracle: boot the real Debian kernel under QEMU (512M, SeaBIOS,
 * memblock=debug) with tools/qemu-oracle.sh and replay its log through
 * bootmm. Slow (downloads packages, boots a VM), so it only runs with
 * BOOTMM_QEMU_ORACLE=1 and when the tools are there; otherwise it says
 * "skipped" and passes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "sim/desc.h"

#ifndef BOOTMM_SOURCE_DIR
#define BOOTMM_SOURCE_DIR "."
#endif

static bool have(const char *tool)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

static const char *skip_reason(void)
{
	const char *on = getenv("BOOTMM_QEMU_ORACLE");

	if (!on || strcmp(on, "1"))
		return "BOOTMM_QEMU_ORACLE is not 1";
	if (!have("bash") || !have("cpio") || !have("dpkg-deb") || !have("gzip"))
		return "bash, cpio, dpkg-deb or gzip missing";
	if (!have("qemu-system-x86_64") && !have("apt-get"))
		return "no qemu-system-x86_64 and no apt-get to fetch it";
	return NULL;
}

static void test_qemu_512m_bios(void)
{
	char log_path[] = "/tmp/bootmm-qemu-oracle-XXXXXX";
	char cmd[1024];
	struct bm_bootlog log;
	struct bm_parse_error err;
	struct bm_machine_desc d;
	struct bm_sim_config cfg;
	struct bm_sim_run *run;
	struct bm_oracle_table t = { 0 };
	const struct bm_replay_stats *rs;
	int fd = mkstemp(log_path), e = 0;

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	snprintf(cmd, sizeof(cmd), "bash %s/tools/qemu-oracle.sh -m 512M --bios -o %s",
		 BOOTMM_SOURCE_DIR, log_path);
	if (system(cmd) != 0) {
		CHECK(!"tools/qemu-oracle.sh produced a log");
		unlink(log_path);
		return;
	}
	if (bm_bootlog_parse_file(log_path, &log, &err)) {
		CHECK(!"the QEMU log parses");
		unlink(log_path);
		return;
	}
	CHECK(log.memory.present);
	CHECK(log.n_dumps >= 1);
	if (bm_desc_from_log(&log, NULL, &d, &cfg, &err)) {
		CHECK(!"description");
		bm_bootlog_free(&log);
		unlink(log_path);
		return;
	}
	run = bm_sim_boot(&d, &cfg, NULL, 0, &e);
	CHECK(run != NULL);
	if (run) {
		rs = bm_desc_replay_stats(&d);
		bm_oracle_compare(&log, run, rs, &t);
		bm_oracle_print(&t, stdout);
		CHECK(rs && rs->replayed);
		CHECK(rs && rs->n_allocs > 0 && rs->n_match == rs->n_allocs);
		CHECK_EQ(t.n_mismatch, 0);
		bm_oracle_table_free(&t);
		bm_sim_run_free(run);
	}
	bm_desc_free(&d);
	bm_bootlog_free(&log);
	unlink(log_path);
}

int main(void)
{
	const char *why = skip_reason();

	if (why) {
		printf("skipped: %s (set BOOTMM_QEMU_ORACLE=1 to boot the real kernel)\n", why);
		printf("1 passed, 0 failed\n");
		return 0;
	}
	RUN(test_qemu_512m_bios);
	return CHECK_DONE();
}
