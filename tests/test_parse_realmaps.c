// SPDX-License-Identifier: MIT
/*
 * shared/data/real-maps.txt: split into machines, every machine parsed as
 * a log. Each block that prints an e820 table, node ranges or a Memory:
 * line must yield them; a few figures are checked exactly.
 */
#include "check.h"
#include "host/bootlog.h"

#define REALMAPS BOOTMM_DATA_DIR "/real-maps.txt"

static bool block_has(const struct bm_realmap *m, const char *needle)
{
	size_t nl = strlen(needle), i;

	for (i = 0; i + nl <= m->len; i++)
		if (!memcmp(m->text + i, needle, nl))
			return true;
	return false;
}

static size_t e820_entries(const struct bm_bootlog *log)
{
	size_t i, n = 0;

	for (i = 0; i < log->n_e820_tables; i++)
		n += log->e820_tables[i].n;
	return n;
}

static void test_every_machine(void)
{
	struct bm_realmaps rm;
	struct bm_parse_error err;
	char buf[600];
	size_t i;

	if (bm_realmaps_load(REALMAPS, &rm, &err)) {
		fprintf(stderr, "%s\n", bm_parse_error_format(&err, buf, sizeof(buf)));
		CHECK(0);
		return;
	}
	CHECK(rm.n >= 5);
	for (i = 0; i < rm.n; i++) {
		const struct bm_realmap *m = &rm.maps[i];
		struct bm_bootlog log;

		CHECK(m->name[0] && m->source[0] && m->kernel[0]);
		if (bm_realmap_parse(&rm, i, &log, &err)) {
			fprintf(stderr, "%s: %s\n", m->name, bm_parse_error_format(&err, buf, sizeof(buf)));
			CHECK(0);
			continue;
		}
		CHECK_STR(log.name, m->name);
		if (block_has(m, "BIOS-e820:")) {
			CHECK(log.n_e820_tables > 0);
			CHECK(log.e820 != NULL && log.e820->n > 0);
			CHECK(e820_entries(&log) > 0);
		}
		if (block_has(m, "  node "))
			CHECK(log.n_node_ranges > 0);
		if (block_has(m, "\nMemory: ")) {
			CHECK(log.memory.present);
			CHECK(log.memory.available_kb > 0);
			CHECK(log.memory.total_kb >= log.memory.available_kb);
			CHECK(log.memory.reserved_kb > 0);
		}
		if (block_has(m, "SRAT: Node"))
			CHECK(log.n_srat > 0);
		if (block_has(m, "efi: mem"))
			CHECK(log.n_efi_maps > 0);
		/* items carry the line numbers of the whole file */
		if (log.e820 && log.e820->n)
			CHECK(log.e820->entries[0].line > m->header_line);
		bm_bootlog_free(&log);
	}
	bm_realmaps_free(&rm);
}

static int parse_block(struct bm_realmaps *rm, const char *name, struct bm_bootlog *log)
{
	struct bm_parse_error err;
	size_t i;

	for (i = 0; i < rm->n; i++)
		if (!strcmp(rm->maps[i].name, name))
			return bm_realmap_parse(rm, i, log, &err);
	return -1;
}

static void test_figures(void)
{
	struct bm_realmaps rm;
	struct bm_parse_error err;
	struct bm_bootlog log;

	if (bm_realmaps_load(REALMAPS, &rm, &err)) {
		CHECK(0);
		return;
	}
	if (!parse_block(&rm, "laptop-adata-xenia14", &log)) {
		CHECK(log.e820 && log.e820->n == 19);
		CHECK_EQ(log.e820->line, 6);
		CHECK_EQ(log.e820->entries[0].line, 7);
		CHECK_EQ(log.e820->entries[18].start, 0x100000000ULL);
		CHECK_EQ(log.e820->entries[18].end, 0x8afbfffffULL);
		CHECK_EQ(log.n_node_ranges, 4);
		CHECK_EQ(log.memory.available_kb, 32445452);
		CHECK_EQ(log.memory.total_kb, 33289976);
		CHECK_EQ(log.memory.reserved_kb, 844264);
		CHECK_EQ(log.n_e820_edits, 5);
		bm_bootlog_free(&log);
	} else {
		CHECK(0);
	}
	if (!parse_block(&rm, "server-asus-z11pa-d8-2node", &log)) {
		CHECK(log.e820 && log.e820->n == 14);
		CHECK_EQ(log.n_srat, 3);
		CHECK_EQ(log.srat[2].node, 1);
		CHECK_EQ(log.srat[2].start, 0x1080000000ULL);
		CHECK_EQ(log.n_numa_merges, 1);
		CHECK_EQ(log.n_node_data, 2);
		CHECK_EQ(log.n_node_ranges, 6);
		CHECK_EQ(log.n_initmem, 2);
		CHECK_EQ(log.n_last_pfn, 1);
		CHECK_EQ(log.last_pfn[0].last_pfn, 0x2080000);
		CHECK_EQ(log.memory.total_kb, 133840536);
		bm_bootlog_free(&log);
	} else {
		CHECK(0);
	}
	if (!parse_block(&rm, "qemu-ovmf-3G-v5.6", &log)) {
		CHECK(log.efi && log.efi->n == 7);
		if (log.efi) {
			CHECK_EQ(log.efi->entries[1].type, BM_EFI_CONVENTIONAL);
			CHECK_EQ(log.efi->entries[1].index, 1);
			CHECK_EQ(log.efi->entries[4].end, 0xb9d8dfff);
			CHECK_EQ(log.efi->entries[6].type, BM_EFI_MMIO);
			CHECK_EQ(log.efi->entries[6].attr, BM_EFI_RUNTIME | BM_EFI_UC);
		}
		bm_bootlog_free(&log);
	} else {
		CHECK(0);
	}
	if (!parse_block(&rm, "format-variants", &log)) {
		const struct bm_efi_entry *e;

		/* pre-3.5 exclusive form, v7.0 (with journalctl), dmesg -T */
		CHECK_EQ(log.n_e820_tables, 3);
		CHECK_EQ(log.e820_tables[0].format, BM_E820_FMT_OLD);
		CHECK_EQ(log.e820_tables[0].entries[0].end, 0x9fbff);
		CHECK_EQ(log.e820_tables[1].format, BM_E820_FMT_V7);
		CHECK_EQ(log.e820_tables[1].n, 3);
		CHECK_EQ(log.e820_tables[1].entries[1].type, BM_E820_RESERVED);
		CHECK_EQ(log.e820_tables[1].entries[2].end, 0xbffe8fff);
		CHECK_EQ(log.e820_tables[2].entries[0].start, 0x100000);
		CHECK(log.efi && log.efi->n == 3);
		if (log.efi) {
			e = &log.efi->entries[0];
			CHECK_EQ(e->type, BM_EFI_ACPI_NVS);
			CHECK_EQ(e->attr, 0xf);
			CHECK_EQ(e->end, 0xad859fff);
			e = &log.efi->entries[1];
			CHECK_EQ(e->type, BM_EFI_RESERVED);
			CHECK_EQ(e->attr, 0x070000000000000fULL);
			e = &log.efi->entries[2];
			CHECK_EQ(e->index, -1);
			CHECK_EQ(e->start, 0x40000000);
			CHECK_EQ(e->end, 0x47dfcfff);
			CHECK_EQ(e->attr, BM_EFI_WB);
		}
		bm_bootlog_free(&log);
	} else {
		CHECK(0);
	}
	bm_realmaps_free(&rm);
}

static void test_split_errors(void)
{
	struct bm_realmaps rm;
	struct bm_parse_error err;
	static const char bad_header[] = "# comment\n### only-a-name\nBIOS-e820: [mem 0x0-0xfff] usable\n";
	static const char stray[] = "# comment\nBIOS-e820: [mem 0x0-0xfff] usable\n";

	CHECK_EQ(bm_realmaps_split("x.txt", bad_header, sizeof(bad_header) - 1, &rm, &err), -1);
	CHECK_EQ(err.line, 2);
	CHECK(strstr(err.msg, "header") != NULL);
	CHECK_EQ(bm_realmaps_split("x.txt", stray, sizeof(stray) - 1, &rm, &err), -1);
	CHECK_EQ(err.line, 2);
	CHECK_EQ(bm_realmaps_split("x.txt", "", 0, &rm, &err), -1);
	CHECK_EQ(bm_realmaps_load("/nonexistent/real-maps.txt", &rm, &err), -1);
	CHECK(strstr(err.msg, "cannot open") != NULL);
}

int main(void)
{
	RUN(test_every_machine);
	RUN(test_figures);
	RUN(test_split_errors);
	return CHECK_DONE();
}
