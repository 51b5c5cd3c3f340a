// SPDX-License-Identifier: MIT
/* The machine context, the core's printf and the violation record. */
#include "check.h"
#include "harness.h"

static void test_fmt(void)
{
	char b[64];

	bm_snprintf(b, sizeof(b), "[mem %#018llx-%#018llx]", 0x1000ull, 0x9ffffull);
	CHECK_STR(b, "[mem 0x0000000000001000-0x000000000009ffff]");
	bm_snprintf(b, sizeof(b), "%-8s|%5d|%-3u|%x", "DMA", -42, 7u, 255u);
	CHECK_STR(b, "DMA     |  -42|7  |ff");
	bm_snprintf(b, sizeof(b), "%lu %zu %.3s %c%%", 123ul, (size_t)9, "abcdef", 'x');
	CHECK_STR(b, "123 9 abc x%");
	CHECK_EQ(bm_snprintf(b, 4, "%s", "truncated"), 9);
	CHECK_STR(b, "tru");
	bm_snprintf(b, sizeof(b), "%016llx", 0x1f985000ull);
	CHECK_STR(b, "000000001f985000");
	bm_snprintf(b, sizeof(b), "%lld", (long long)INT64_MIN);
	CHECK_STR(b, "-9223372036854775808");
}

static void test_phys_sparse_1tib(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, (phys_addr_t)1 << 40, NULL);
	uint8_t *p = bm_phys_to_virt(m, ((phys_addr_t)1 << 40) - 4096);

	CHECK(p != NULL);
	CHECK_EQ(p[0], 0);
	p[0] = 0xaa;	/* touching one page of 1 TiB costs one page */
	CHECK_EQ(bm_virt_to_phys(m, p), ((phys_addr_t)1 << 40) - 4096);
	CHECK(bm_phys_to_virt(m, (phys_addr_t)1 << 40) == NULL);
	tm_destroy(&t);
	CHECK_EQ(t.host.phys_maps, 0);
}

static void test_violation_record(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, 0, NULL);

	bm_set_phase(m, BM_PHASE_BEFORE_SMP);
	m->caller = "efi_free_boot_services";
	bm_violation(m, BM_V_UNINIT_READ, 0x10200, 0x10201, "test", "buddy of pfn %#x", 0x10000);
	CHECK_EQ(m->violation_count[BM_V_UNINIT_READ], 1);
	CHECK_EQ(m->record->nr_recorded, 1);
	CHECK_EQ(m->record->violations[0].phase, BM_PHASE_BEFORE_SMP);
	CHECK_EQ(m->record->violations[0].pfn_start, 0x10200);
	CHECK_STR(m->record->violations[0].cause, "efi_free_boot_services");
	CHECK_STR(m->record->violations[0].detail, "buddy of pfn 0x10000");
	CHECK_STR(bm_phase_name(BM_PHASE_ARCH_INITCALL), "arch_initcall");
	tm_destroy(&t);
}

static int no_record_lines;

static void count_lines(struct bm_machine *m, int level, const char *line)
{
	(void)m;
	if (level <= BM_LOG_ERR && strstr(line, "bootmm: uninit_read"))
		no_record_lines++;
}

/*
 * The record is an observer: without one the core still counts every
 * violation and logs the first of each kind; attaching one empties it, and
 * detaching it again leaves the counts alone.
 */
static void test_violation_no_record(void)
{
	struct test_machine t;
	struct bm_machine *m = tm_init(&t, 0, NULL);

	bm_machine_set_record(m, NULL);
	CHECK(m->record == NULL);
	m->log_hook = count_lines;
	no_record_lines = 0;
	for (int i = 0; i < 1000; i++)
		bm_violation(m, BM_V_UNINIT_READ, 0x100 + i * 2, 0x101 + i * 2, "test", "page %d", i);
	bm_violation(m, BM_V_LEAK, 0x10, 0x20, "test", "leak");
	CHECK_EQ(m->violation_count[BM_V_UNINIT_READ], 1000);
	CHECK_EQ(m->violation_count[BM_V_LEAK], 1);
	CHECK_EQ(no_record_lines, 1);

	t.record.nr_recorded = 7;
	bm_machine_set_record(m, &t.record);
	CHECK_EQ(t.record.nr_recorded, 0);
	bm_violation(m, BM_V_UNINIT_READ, 0x10, 0x11, "test", "again");
	CHECK_EQ(t.record.nr_recorded, 1);
	CHECK_EQ(t.record.nr_unrecorded, 0);
	CHECK_EQ(no_record_lines, 2);
	CHECK_EQ(m->violation_count[BM_V_UNINIT_READ], 1001);
	tm_destroy(&t);
}

int main(void)
{
	RUN(test_fmt);
	RUN(test_phys_sparse_1tib);
	RUN(test_violation_record);
	RUN(test_violation_no_record);
	return CHECK_DONE();
}
