// SPDX-License-Identifier: MIT
/*
 * The early-allocation lines of a full dmesg (host/parse_early.c) and their
 * effect in the x86 model: each rule changes bootmm's Memory: reserved by
 * exactly the size the kernel's function takes (a crash kernel range, one
 * more percpu unit per possible CPU, a hash table printed before Memory:).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sim/desc.h"

#define REAL BOOTMM_SOURCE_DIR "/tests/data/logs/real-dmesg/"

static int parse_str(const char *text, struct bm_bootlog *log, struct bm_parse_error *err)
{
	return bm_bootlog_parse_buf("inline", text, strlen(text), log, err);
}

static void test_lines(void)
{
	static const char text[] =
		"[    0.000000] Linux version 5.4.17-200.fc31.x86_64 (x@y) #1 SMP\n"
		"[    0.000000] efi: EFI v2.70 by Dell\n"
		"[    0.019900] Reserving 512MB of memory at 1040MB for crashkernel (System RAM: 65427MB)\n"
		"[    0.019901] crashkernel low memory reserved: 0x7b000000 - 0x8b000000 (256 MB)\n"
		"[    0.010000] ACPI: Reserving FACP table memory at [mem 0xd8ffaae8-0xd8ffabf3]\n"
		"[    0.070000] setup_percpu: NR_CPUS:8192 nr_cpumask_bits:40 nr_cpu_ids:40 nr_node_ids:2\n"
		"[    0.070001] percpu: Embedded 46 pages/cpu @        (ptrval) s151552 r8192 d28672 u524288\n"
		"[    0.080000] Dentry cache hash table entries: 1048576 (order: 11, 8388608 bytes, linear)\n"
		"[    0.080001] Inode-cache hash table entries: 524288 (order: 10, 4194304 bytes)\n"
		"[    0.085000] SLUB: HWalign=64, Order=0-3, MinObjects=0, CPUs=40, Nodes=2\n"
		"[    0.090000] Memory: 1K/2K available (1K kernel code, 1K rwdata, 1K rodata, 1K init, 1K bss, 1K reserved, 0K cma-reserved)\n"
		"[    0.100000] Mount-cache hash table entries: 131072 (order: 8, 1048576 bytes, vmalloc)\n"
		"[    0.100001] VFS: Dquot-cache hash table entries: 512 (order 0, 4096 bytes)\n"
		"[    0.200000] software IO TLB: area num 8.\n"
		"[    0.300000] software IO TLB: mapped [mem 0x000000006c778000-0x0000000070778000] (64MB)\n"
		"[    0.000000] DMI: Dell Inc. OptiPlex 3020/0WMJ54, BIOS A15 01/29/2018\n"
		"[    0.000000] BRK [0x0ed3f000, 0x0ed3ffff] PGTABLE\n"
		"[    0.000000] BRK [0x0ed40000, 0x0ed40fff] PGTABLE\n";
	struct bm_parse_error err;
	struct bm_bootlog log;
	const struct bm_early *e = &log.early;

	if (parse_str(text, &log, &err)) {
		fprintf(stderr, "%s:%u: %s\n", err.file, err.line, err.msg);
		CHECK(0);
		return;
	}
	CHECK_EQ(e->uefi_line, 2);
	CHECK_EQ(e->slub_line, 10);
	CHECK_EQ(e->n_crash, 2);
	CHECK_EQ(e->crash[0].start, 1040ull << 20);
	CHECK_EQ(e->crash[0].end, ((1040ull + 512) << 20) - 1);
	CHECK_EQ(e->crash[1].start, 0x7b000000);
	CHECK_EQ(e->crash[1].end, 0x8affffff);
	CHECK_EQ(e->n_acpi_tables, 1);
	CHECK_EQ(e->acpi_tables[0].end, 0xd8ffabf3);
	CHECK_EQ(e->nr_cpu_ids, 40);
	CHECK_EQ(e->nr_node_ids, 2);
	CHECK_EQ(log.percpu_pages, 46);
	CHECK_EQ(e->pcpu_static, 151552);
	CHECK_EQ(e->pcpu_reserved, 8192);
	CHECK_EQ(e->pcpu_dyn, 28672);
	CHECK_EQ(e->pcpu_unit, 524288);
	CHECK_EQ(e->n_hashes, 3);		/* not dquot's own print */
	CHECK_STR(e->hashes[0].name, "Dentry cache");
	CHECK_EQ(e->hashes[0].bytes, 8388608);
	CHECK(!e->hashes[0].vmalloc);
	CHECK_EQ(e->hashes[1].bytes, 4194304);	/* 4.x: no ", linear" */
	CHECK(!e->hashes[1].vmalloc);
	CHECK(e->hashes[2].vmalloc);
	CHECK(e->hashes[2].line > log.memory.line);
	CHECK_EQ(e->swiotlb_areas, 8);
	CHECK_EQ(e->swiotlb_bytes, 64ull << 20);
	CHECK_EQ(e->dmi_line, 16);
	CHECK_EQ(e->brk_line, 17);		/* the first BRK page only */
	CHECK_EQ(e->brk_first, 0x0ed3f000);
	bm_bootlog_free(&log);
}

/* A line of ours that is malformed is an error naming the line. */
static void test_malformed(void)
{
	struct bm_parse_error err;
	struct bm_bootlog log;

	CHECK(parse_str("Linux version 6.2.0 (x)\ncrashkernel reserved: 0xzz - 0x1000 (0 MB)\n",
			&log, &err) != 0);
	CHECK_EQ(err.line, 2);
	CHECK(strstr(err.msg, "crashkernel") != NULL);
	CHECK(parse_str("ACPI: Reserving FACP table memory at [mem 0x2000-0x1000]\n", &log, &err));
	CHECK_EQ(err.line, 1);
	/* other shapes of the families are not ours: no error, nothing taken */
	CHECK(!parse_str("percpu: Embedded 5 pages/cpu\nsoftware IO TLB: disabled\n"
			 "BRK [0x, 0x0fff] PGTABLE\nBRK [0x1000 0x1fff] PGTABLE\nBRK [0x1000, 0x1fff]\n",
			 &log, &err));
	CHECK_EQ(log.early.pcpu_line, 0);
	CHECK_EQ(log.early.swiotlb_line, 0);
	CHECK_EQ(log.early.brk_line, 0);
	bm_bootlog_free(&log);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 && !fseek(f, 0, SEEK_SET)) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

/* bootmm's Memory: reserved (K) for @text, or -1. */
static long long reserved_of(const char *text, size_t len)
{
	struct bm_parse_error err;
	struct bm_bootlog log, sim;
	struct bm_machine_desc d;
	struct bm_sim_config cfg;
	struct bm_sim_run *run;
	long long kb = -1;
	int e = 0;

	if (bm_bootlog_parse_buf("real", text, len, &log, &err))
		return -1;
	if (!bm_desc_from_log(&log, NULL, &d, &cfg, &err)) {
		run = bm_sim_boot(&d, &cfg, NULL, 0, &e);
		if (run && !bm_bootlog_parse_buf("bootmm", run->log, run->log_len, &sim, &err)) {
			kb = sim.memory.reserved_kb;
			bm_bootlog_free(&sim);
		}
		bm_sim_run_free(run);
		bm_desc_free(&d);
	}
	bm_bootlog_free(&log);
	return kb;
}

/* @text with @line inserted before its "Memory:" line (or with @from
 * replaced by @to when @line is NULL). */
static char *edit(const char *text, const char *line, const char *from, const char *to)
{
	const char *at = line ? strstr(text, "[    0.0") : strstr(text, from);
	size_t n = strlen(text), add = line ? strlen(line) : strlen(to);
	char *out = malloc(n + add + 1);

	if (!out || !at) {
		free(out);
		return NULL;
	}
	if (line) {
		/* right after the first line (Linux version): early enough for
		 * every rule, and before the Memory: line */
		const char *nl = strchr(text, '\n') + 1;

		memcpy(out, text, (size_t)(nl - text));
		memcpy(out + (nl - text), line, add);
		strcpy(out + (nl - text) + add, nl);
	} else {
		memcpy(out, text, (size_t)(at - text));
		memcpy(out + (at - text), to, add);
		strcpy(out + (at - text) + add, at + strlen(from));
	}
	return out;
}

static void test_model_rules(void)
{
	size_t len = 0;
	char *text = slurp(REAL "B24FC8E5F2.txt", &len), *t;
	long long base, kb;

	CHECK(text != NULL);
	if (!text)
		return;
	text[len] = '\0';
	base = reserved_of(text, len);
	CHECK(base > 0);
	/* reserve_crashkernel: 256 MiB of free RAM at 512 MiB */
	t = edit(text, "Reserving 256MB of memory at 512MB for crashkernel (System RAM: 8000MB)\n",
		 NULL, NULL);
	kb = t ? reserved_of(t, strlen(t)) : -1;
	CHECK_EQ(kb - base, 256 * 1024);
	free(t);
	/* setup_per_cpu_areas: 2 -> 4 possible CPUs, 54 pages each */
	t = edit(text, NULL, "nr_cpumask_bits:2 nr_cpu_ids:2", "nr_cpumask_bits:4 nr_cpu_ids:4");
	kb = t ? reserved_of(t, strlen(t)) : -1;
	CHECK_EQ(kb - base, 2 * 54 * 4);
	free(t);
	/* a hash table printed after kmem_cache_init's "SLUB:" line is not
	 * memblock's (6.11+ print Memory: after such tables) */
	t = edit(text, NULL, "SLUB: HWalign", "SLUB: HWalign=64\nInode-cache hash table entries: "
		 "524288 (order: 10, 4194304 bytes, linear)\nXSLUB: HWalign");
	kb = t ? reserved_of(t, strlen(t)) : -1;
	CHECK_EQ(kb - base, 0);
	free(t);
	/* one printed before it (and before Memory:) is: 64K more */
	t = edit(text, NULL, "Memory: 3528164K", "Dentry cache hash table entries: 1 (order: 0, "
		 "65536 bytes, linear)\nMemory: 3528164K");
	kb = t ? reserved_of(t, strlen(t)) : -1;
	CHECK_EQ(kb - base, 64);
	free(t);
	/* a hash table printed with ", vmalloc" is not memblock's */
	t = edit(text, NULL, "(order: 11, 8388608 bytes, linear)", "(order: 11, 8388608 bytes, vmalloc)");
	kb = t ? reserved_of(t, strlen(t)) : -1;
	CHECK_EQ(base - kb, 8192);
	free(t);
	free(text);
}

int main(void)
{
	RUN(test_lines);
	RUN(test_malformed);
	RUN(test_model_rules);
	return CHECK_DONE();
}
