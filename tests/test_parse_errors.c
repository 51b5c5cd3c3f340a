// SPDX-License-Identifier: MIT
/*
 * Bad inputs: every one returns -1 with the line at fault and a message,
 * and leaves the log empty (nothing half-applied).
 */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "host/bootlog.h"
#include "host/bootlog_int.h"

static bool log_empty(const struct bm_bootlog *log)
{
	static const struct bm_bootlog zero;

	return !memcmp(log, &zero, sizeof(zero));
}

/* Parse @text; expect failure at @line with @needle in the message. */
static void expect_fail(const char *text, size_t len, unsigned line, const char *needle)
{
	struct bm_bootlog log;
	struct bm_parse_error err;
	char buf[600];
	int rc;

	memset(&log, 0x5a, sizeof(log));	/* garbage in: must come out zeroed */
	rc = bm_bootlog_parse_buf("bad.log", text, len, &log, &err);
	if (rc != -1) {
		fprintf(stderr, "  expected failure for: %.60s\n", text);
		CHECK_EQ(rc, -1);
		bm_bootlog_free(&log);
		return;
	}
	bm_parse_error_format(&err, buf, sizeof(buf));
	if (err.line != line || !strstr(err.msg, needle))
		fprintf(stderr, "  got: %s (want line %u, \"%s\")\n", buf, line, needle);
	CHECK_EQ(err.line, line);
	CHECK(strstr(err.msg, needle) != NULL);
	CHECK_STR(err.file, "bad.log");
	CHECK(!strncmp(buf, "bad.log:", 8));
	CHECK(log_empty(&log));
}

#define FAIL(text, line, needle) expect_fail(text, sizeof(text) - 1, line, needle)

static const char good_head[] =
	"[    0.000000] Linux version 6.1.0 (x) #1\n"
	"[    0.000000] BIOS-provided physical RAM map:\n"
	"[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable\n";

static void test_truncated(void)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x00000000", good_head);
	expect_fail(buf, strlen(buf), 4, "truncated e820 entry");
	snprintf(buf, sizeof(buf), "%s[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000001fffffff] \n", good_head);
	expect_fail(buf, strlen(buf), 4, "truncated e820 entry");
	FAIL("a\nb\n[    0.1] memblock_reserve: [0x000000001f771040-0x00000000\n", 3,
	     "truncated memblock event");
	FAIL("[    0.1] memblock_alloc_try_nid: 16384 bytes align=0x40 nid=-1 from=0x0\n"
	     "[    0.1] memblock_reserve:", 2, "truncated memblock event");
	FAIL("efi: mem05: [ACPI Mem NVS|   |  |  |  |", 1, "truncated EFI memory map entry");
	FAIL("efi: mem05: [ACPI Mem NVS|   |  |  |  |  |  |  |  |  |  |   |WB|WT|WC|UC] range=[0x0000000000806000-0x0000000000807fff]\n",
	     1, "truncated EFI memory map entry");
	/* a MEMBLOCK configuration dump cut short */
	FAIL("MEMBLOCK configuration:\n"
	     " memory size = 0x000000001f985000 reserved size = 0x00000000029c68b0\n"
	     " memory.cnt  = 0x2\n"
	     " memory[0x0]\t[0x0000000000001000-0x000000000009ffff], 0x000000000009f000 bytes flags: 0x0\n"
	     "Zone ranges:\n", 1, "memory.cnt = 2");
	/* a section line cut */
	FAIL("=====IOMEM\n00000000-00000fff : Reserved\n00001000-0009\n", 3, "truncated /proc/iomem line");
	FAIL("=====IOMEM\n00000000-00000fff : Reserved\nfoo\n", 3, "IOMEM section");
}

static void test_bad_numbers(void)
{
	FAIL("BIOS-e820: [mem 0x00000000000g0000-0x000000000009ffff] usable\n", 1, "malformed number");
	FAIL("BIOS-e820: [mem 0x0000000000000000-0x1000000000000009ffff] usable\n", 1,
	     "does not fit in 64 bits");
	FAIL("ok\nMemory: 2476x04K/517652K available (14343K kernel code)\n", 0,
	     "no recognisable content");
	FAIL("Memory: 247604K/517652K available (1x4343K kernel code)\n", 1, "Memory: line");
	FAIL("efi: mem00: [Boot Cod    |   |  |  |  |  |  |  |  |  |  |   |WB|WT|WC|UC] range=[0x0-0xfff] (0MB)\n",
	     1, "unknown EFI memory type");
	FAIL("efi: mem00: [Boot Code   |   |  |ZZ|  |  |  |  |  |  |  |   |WB|WT|WC|UC] range=[0x0-0xfff] (0MB)\n",
	     1, "unknown EFI attribute");
	FAIL("BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usabel\n", 1, "unknown e820 type");
	FAIL("Command line: memmap=64Q$0x1000\n", 1, "malformed memmap=64Q$0x1000");
	FAIL("Command line: mem=lots\n", 1, "malformed mem=lots");
}

static void test_end_before_start(void)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s[    0.000000] BIOS-e820: [mem 0x0000000000200000-0x00000000001fffff] usable\n",
		 good_head);
	expect_fail(buf, strlen(buf), 4, "end 0x1fffff < start 0x200000");
	FAIL(" BIOS-e820: 0000000000100000 - 0000000000000000 (usable)\n", 1, "end 0x0 < start 0x100000");
	FAIL(" BIOS-e820: 0000000000100000 - 0000000000100000 (usable)\n", 1, "empty range");
	FAIL("memblock_reserve: [0x0000000000002000-0x0000000000001fff] foo+0x1/0x2\n", 1, "end 0x1fff < start 0x2000");
	FAIL("00002000-00001fff : System RAM\n", 1, "end 0x1fff < start 0x2000");
	FAIL("ACPI: SRAT: Node 0 PXM 0 [mem 0x80000000-0x7fffffff]\n", 1, "end 0x7fffffff < start 0x80000000");
	FAIL("efi: mem00: type=7, attr=0xf, range=[0x0000000000002000-0x0000000000001000) (0MB)\n", 1,
	     "end < start");
}

static void test_wrap(void)
{
	FAIL("Command line: memmap=2G@0xffffffffc0000000\n", 1, "wraps past 2^64");
	FAIL(" BIOS-e820: fffffffffffff000 - 0000000000000000 (reserved)\n", 1, "end 0x0 < start");
	if (bm_fdt_supported()) {
		/* a dtb whose memory reg wraps: built by hand below */
		static const char dts[] =
			"/dts-v1/;\n/ { #address-cells = <2>; #size-cells = <2>;\n"
			"memory@0 { device_type = \"memory\"; reg = <0xffffffff 0xfffff000 0x0 0x2000>; }; };\n";
		char src[] = "/tmp/bootmm_wrapXXXXXX", cmd[256], out[64];
		int fd = mkstemp(src);

		if (fd >= 0 && system("command -v dtc >/dev/null 2>&1") == 0) {
			struct bm_bootlog log;
			struct bm_parse_error err;

			CHECK_EQ(write(fd, dts, sizeof(dts) - 1), (ssize_t)(sizeof(dts) - 1));
			close(fd);
			snprintf(out, sizeof(out), "%s.dtb", src);
			snprintf(cmd, sizeof(cmd), "dtc -q -I dts -O dtb -o %s %s", out, src);
			if (system(cmd) == 0) {
				CHECK_EQ(bm_bootlog_parse_file(out, &log, &err), -1);
				CHECK(strstr(err.msg, "wraps past 2^64") != NULL);
				CHECK(log_empty(&log));
			}
			unlink(out);
			unlink(src);
		} else if (fd >= 0) {
			close(fd);
			unlink(src);
		}
	}
}

static void test_absurd(void)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s[    0.000000] BIOS-e820: [mem 0x0010000000000000-0x0010000000ffffff] usable\n",
		 good_head);
	expect_fail(buf, strlen(buf), 4, "52-bit");
	FAIL("efi: mem00: [Conventional|   |  |  |  |  |  |  |  |  |  |   |WB|WT|WC|UC] range=[0x0000000000000000-0xffffffffffffffff] (0MB)\n",
	     1, "52-bit");
	FAIL("memblock_alloc_try_nid: 18446744073709551615 bytes align=0x40 nid=-1 from=0x0 max_addr=0x0 foo+0x1/0x2\n",
	     1, "absurd");
	FAIL("memblock_add: [0x0000000000000000-0x00ffffffffffffff] foo+0x1/0x2\n", 1, "52-bit");
	FAIL("Memory: 247604K/99999999999999999K available (0K kernel code)\n", 1, "52-bit");
	/* edit records may reach 2^64-2, as mem= prints */
	{
		struct bm_bootlog log;
		struct bm_parse_error err;
		static const char ok[] = "e820: remove [mem 0x40000000-0xfffffffffffffffe] usable\n";

		CHECK_EQ(bm_bootlog_parse_buf("ok", ok, sizeof(ok) - 1, &log, &err), 0);
		CHECK_EQ(log.n_e820_edits, 1);
		bm_bootlog_free(&log);
	}
}

static void test_overlap(void)
{
	char buf[1024];
	struct bm_bootlog log;
	struct bm_parse_error err;

	snprintf(buf, sizeof(buf), "%s[    0.000000] BIOS-e820: [mem 0x000000000009f000-0x00000000000fffff] reserved\n",
		 good_head);
	expect_fail(buf, strlen(buf), 4, "of line 3");
	/* same type overlap: what sanitize merges, accepted */
	snprintf(buf, sizeof(buf), "%s[    0.000000] BIOS-e820: [mem 0x000000000009f000-0x00000000000fffff] usable\n",
		 good_head);
	CHECK_EQ(bm_bootlog_parse_buf("ok", buf, strlen(buf), &log, &err), 0);
	bm_bootlog_free(&log);
	/* a restart in address order is a new table, not an overlap */
	snprintf(buf, sizeof(buf), "%s[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x00000000000fffff] reserved\n",
		 good_head);
	CHECK_EQ(bm_bootlog_parse_buf("ok", buf, strlen(buf), &log, &err), 0);
	CHECK_EQ(log.n_e820_tables, 2);
	bm_bootlog_free(&log);
	/* EFI descriptors may not overlap at all */
	FAIL("efi: mem00: [Conventional|   |  |  |  |  |  |  |  |  |  |   |WB|WT|WC|UC] range=[0x0000000000000000-0x0000000000ffffff] (16MB)\n"
	     "efi: mem01: [Boot Data   |   |  |  |  |  |  |  |  |  |  |   |WB|WT|WC|UC] range=[0x0000000000800000-0x0000000000ffffff] (8MB)\n",
	     2, "overlaps");
	FAIL("0x0 0x9ffff System RAM\n0x90000 0xfffff Reserved\n", 2, "overlap");
	FAIL("00000000-0000ffff : System RAM\n  00010000-0001ffff : Kernel code\n", 2, "not inside its parent");
}

static void test_binary(void)
{
	static const char nul[] = "BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable\nab\0cd\n";
	char junk[512];
	size_t i;

	FAIL(nul, 2, "binary data");
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(0x80 + (i * 7) % 0x3f);
	memcpy(junk, "hello\nworld\n", 12);
	expect_fail(junk, sizeof(junk), 3, "binary data");
}

static void test_missing_and_empty(void)
{
	struct bm_bootlog log;
	struct bm_parse_error err;
	char path[] = "/tmp/bootmm_emptyXXXXXX", buf[600];
	int fd;

	CHECK_EQ(bm_bootlog_parse_file("/nonexistent/dmesg.log", &log, &err), -1);
	CHECK_STR(err.file, "/nonexistent/dmesg.log");
	CHECK_EQ(err.line, 0);
	CHECK(strstr(err.msg, "cannot open") != NULL);
	CHECK(strstr(bm_parse_error_format(&err, buf, sizeof(buf)), "/nonexistent/dmesg.log: cannot open") == buf);
	CHECK(log_empty(&log));
	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd >= 0) {
		close(fd);
		CHECK_EQ(bm_bootlog_parse_file(path, &log, &err), -1);
		CHECK(strstr(err.msg, "empty input") != NULL);
		CHECK_EQ(err.line, 0);
		unlink(path);
	}
	FAIL("[    0.000000] Hello world\n[    0.1] nothing here\n", 0, "no recognisable content in 2 lines");
	FAIL("\n\n\n", 0, "no recognisable content");
	CHECK_EQ(bm_fdt_parse_file("/nonexistent.dtb", &log, &err), -1);
	CHECK_EQ(bm_efi_map_parse_file("/nonexistent.txt", &log, &err), -1);
	CHECK_EQ(bm_fwmemmap_parse_dir("/nonexistent", &log, &err), -1);
}

static void test_fdt_bad(void)
{
	struct bm_bootlog log;
	struct bm_parse_error err;
	unsigned char blob[64] = { 0xd0, 0x0d, 0xfe, 0xed, 0x00, 0x00, 0x10, 0x00 };

	CHECK_EQ(bm_bootlog_parse_buf("bad.dtb", (const char *)blob, sizeof(blob), &log, &err), -1);
	if (bm_fdt_supported())
		CHECK(strstr(err.msg, "device tree") != NULL);
	else
		CHECK(strstr(err.msg, "libfdt") != NULL);
	CHECK(log_empty(&log));
	/* found by fuzz_parse_fdt: crashed libfdt 1.6.1's fdt_check_full() */
	CHECK_EQ(bm_bootlog_parse_file(BOOTMM_SOURCE_DIR "/tests/data/parse_fdt_corrupt.dtb", &log,
				       &err), -1);
	CHECK(strstr(err.msg, bm_fdt_supported() ? "corrupt device tree" : "libfdt") != NULL);
	CHECK(log_empty(&log));
}

/*
 * String properties without their NUL (issue 12): one length-checked reader
 * refuses them, naming node and property, never reading past the value.
 * The campaign's blobs end right after the value; ours put it mid-blob,
 * where an unchecked strcmp would read on silently.
 */
static void test_fdt_strings_without_nul(void)
{
	static const struct { const char *file, *msg; } cases[] = {
		{ "/tests/data/findings/crafted-fdt-devtype-noNUL.dtb",
		  "/x: property device_type (6 bytes) is not a NUL-terminated string" },
		/* its structure block is at 0x3f as well: refused before the string */
		{ "/tests/data/findings/crafted-fdt-status-noNUL.dtb",
		  "structure block at 0x3f or memory reservation block at 0x28 not aligned" },
		{ "/tests/data/parse_fdt_devtype_nonul.dtb",
		  "/memory@0: property device_type (6 bytes) is not a NUL-terminated string" },
		{ "/tests/data/parse_fdt_status_nonul.dtb",
		  "/reserved-memory/r@100000: property status (4 bytes) is not a NUL-terminated string" },
		/* found by fuzz_parse_fdt with libfdt instrumented: libfdt reads
		 * the blocks through aligned types (UBSan) */
		{ "/tests/data/parse_fdt_misaligned.dtb",
		  "structure block at 0x39 or memory reservation block at 0x61 not aligned" },
	};
	struct bm_bootlog log;
	struct bm_parse_error err;
	char path[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", BOOTMM_SOURCE_DIR, cases[i].file);
		CHECK_EQ(bm_bootlog_parse_file(path, &log, &err), -1);
		CHECK(log_empty(&log));
		if (!bm_fdt_supported())
			continue;
		if (!strstr(err.msg, cases[i].msg))
			fprintf(stderr, "%s: got '%s'\n", cases[i].file, err.msg);
		CHECK(strstr(err.msg, cases[i].msg) != NULL);
	}
}

static void test_section_strict(void)
{
	FAIL("=====MEMINFO\nMemTotal:         474636 kB\nMemFree: lots\n", 3, "MEMINFO");
	FAIL("=====FWMEMMAP\n0x0 0x9ffff\n", 2, "truncated firmware memmap line");
	FAIL("=====ZONEINFO\nNode 0, zone DMA\n        spanned  40x5\n", 3, "malformed number");
	FAIL("/sys/firmware/memmap/0/start:0x0\n/sys/firmware/memmap/0/type:System RAM\n", 1, "lacks its end");
}

static void test_normalize(void)
{
	static const struct { const char *in, *out; bool kernel; } cases[] = {
		{ "[    0.000000] BIOS-e820: x", "BIOS-e820: x", true },
		{ "[    0.025152]   DMA      [mem 0x1000-0xffffff]", "  DMA      [mem 0x1000-0xffffff]", true },
		{ "[    0.000000][    T0] Command line: x", "Command line: x", true },
		{ "[  123.456789] [  C1] node 0", "node 0", true },
		{ "<6>[    0.1] a", "a", true },
		{ "<4>Freeing", "Freeing", true },
		{ "Nov 21 22:29:49 host kernel: x y", "x y", true },
		{ "Nov  4 21:29:37 host kernel: [    0.000000] x", "x", true },
		{ "[Sat Nov 21 22:29:49 2026] x", "x", true },
		{ "2026-11-21T22:29:49.123456+01:00 host kernel: x", "x", true },
		{ "kern  :info  : [    0.000000] x", "x", true },
		{ "\x1b[2J\x1b[01;01H\x1b[=3hEFI stub: x\r", "EFI stub: x", false },
		{ "junk o\x1b" "c\x1b[?7l[    0.000000] Linux version 6", "Linux version 6", true },
		{ "MemTotal:  1 kB", "MemTotal:  1 kB", false },
		{ "  node   0: [mem 0x1-0x2]", "  node   0: [mem 0x1-0x2]", false },
		{ "a\x1b]0;title\x07" "b", "ab", false },
	};
	char out[256];
	size_t i;

	for (i = 0; i < BM_ARRAY_SIZE(cases); i++) {
		const char *msg;
		bool kernel;
		size_t n = bm_normalize_line(cases[i].in, strlen(cases[i].in), out, &msg, &kernel);

		if (n != strlen(cases[i].out) || memcmp(msg, cases[i].out, n) || kernel != cases[i].kernel)
			fprintf(stderr, "  case %zu: got \"%.*s\" kernel=%d\n", i, (int)n, msg, kernel);
		CHECK_EQ(n, strlen(cases[i].out));
		CHECK(!memcmp(msg, cases[i].out, n));
		CHECK_EQ(kernel, cases[i].kernel);
	}
}

int main(void)
{
	RUN(test_truncated);
	RUN(test_bad_numbers);
	RUN(test_end_before_start);
	RUN(test_wrap);
	RUN(test_absurd);
	RUN(test_overlap);
	RUN(test_binary);
	RUN(test_missing_and_empty);
	RUN(test_fdt_bad);
	RUN(test_fdt_strings_without_nul);
	RUN(test_section_strict);
	RUN(test_normalize);
	return CHECK_DONE();
}
